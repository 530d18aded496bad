/**
 * Hot loops for CPU profiling (`bench/profile.ts` bundles this file and runs it under
 * `node --cpu-prof`). Each scenario sets up once and returns the function to call repeatedly.
 *
 *   WIREFILTER_PROFILE_CHILD=1 node bundle.mjs <scenario> <seconds> <profile.cpuprofile>
 *
 * @module
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { cloudflareScheme, parseExpression, Ruleset } from '../src/index.js';
import { predicateCases } from './cases.js';
import { CATASTROPHIC } from './regex.js';
import { generateRules, rulesetRequests, TEMPLATES } from './rules.js';

type Scenario = () => () => unknown;

/** Names of bench/cases.ts's predicate cases (listed here so that importing builds no data). */
const PREDICATE_CASE_NAMES = [
  'bytes-eq',
  'int-cmp',
  'ip-small-set',
  'ip-cidr-10k-v4',
  'ip-cidr-10k-v6',
  'ip-cidr-100k-v4',
  'ip-cidr-100k-v6',
  'contains',
  'matches-alternation',
  'matches-anchored',
  'matches-classes',
  'wildcard',
  'and-or-10',
  'headers-any-lower',
];

const mix = (): string[] => generateRules(TEMPLATES.length * 20).map((g) => g.rule.expression);

const rotate = (list: readonly string[], fn: (e: string) => unknown): (() => unknown) => {
  let k = 0;
  return () => fn(list[k++ % list.length]!);
};

function executeCase(name: string, withContext: boolean): Scenario {
  return () => {
    const scheme = cloudflareScheme();
    const c = predicateCases().find((x) => x.name === name);
    if (c === undefined) throw new Error(`no case ${name}`);
    const filter = scheme.compile(c.expression, c.options);
    const inputs = withContext ? c.inputs.map((v) => scheme.context(v)) : c.inputs;
    return () => {
      let n = 0;
      for (const x of inputs) if (filter.execute(x)) n++;
      return n;
    };
  };
}

export const SCENARIOS: Record<string, Scenario> = {
  /** parse+check+compile of the typical rule mix. */
  'compile-mix': () => {
    const scheme = cloudflareScheme();
    return rotate(mix(), (e) => scheme.compile(e));
  },
  /** parseExpression only, typical rule mix. */
  'parse-mix': () => rotate(mix(), (e) => parseExpression(e)),
  /** One template's rules only, e.g. `compile-template:wildcard`. */
  ...Object.fromEntries(
    TEMPLATES.map((t, i) => [
      `compile-template:${t.name}`,
      () => {
        const scheme = cloudflareScheme();
        return rotate(
          mix().filter((_, k) => k % TEMPLATES.length === i),
          (e) => scheme.compile(e),
        );
      },
    ]),
  ),
  /** Ruleset.evaluate(values) / evaluate(context) with N rules and no match. */
  ...Object.fromEntries(
    [100, 1_000, 10_000].flatMap((n) => [
      [
        `ruleset-${n}-no-match`,
        () => {
          const scheme = cloudflareScheme();
          const ruleset = new Ruleset(scheme, generateRules(n).map((g) => g.rule));
          const values = rulesetRequests().noMatch;
          return () => ruleset.evaluate(values);
        },
      ],
      [
        `ruleset-${n}-early-match-context`,
        () => {
          const scheme = cloudflareScheme();
          const ruleset = new Ruleset(scheme, generateRules(n).map((g) => g.rule));
          const context = scheme.context(rulesetRequests().earlyMatch);
          return () => ruleset.evaluate(context);
        },
      ],
      [
        `ruleset-${n}-no-match-context`,
        () => {
          const scheme = cloudflareScheme();
          const ruleset = new Ruleset(scheme, generateRules(n).map((g) => g.rule));
          const context = scheme.context(rulesetRequests().noMatch);
          return () => ruleset.evaluate(context);
        },
      ],
    ]),
  ),
  /** Loading a 1,000-rule ruleset. */
  'ruleset-load-1000': () => {
    const scheme = cloudflareScheme();
    const rules = generateRules(1_000).map((g) => g.rule);
    return () => new Ruleset(scheme, rules);
  },
  /** scheme.context(values) for a typical request. */
  context: () => {
    const scheme = cloudflareScheme();
    const values = rulesetRequests().noMatch;
    return () => scheme.context(values);
  },
  /** compile of the 100k IPv4 CIDR set expression. */
  'cidr-100k-v4-compile': () => {
    const scheme = cloudflareScheme();
    const c = predicateCases().find((x) => x.name === 'ip-cidr-100k-v4')!;
    return () => scheme.compile(c.expression, c.options);
  },
  /** The catastrophic pattern `(a+)+$` on 100 KB. */
  'regex-catastrophic-100k': () => {
    const scheme = cloudflareScheme();
    const p = CATASTROPHIC[0]!;
    const filter = scheme.compile(`http.user_agent matches r"${p.pattern}"`);
    const context = scheme.context({ 'http.user_agent': p.input(100_000) });
    return () => filter.execute(context);
  },
  ...Object.fromEntries(PREDICATE_CASE_NAMES.map((name) => [`execute:${name}`, executeCase(name, true)])),
  ...Object.fromEntries(PREDICATE_CASE_NAMES.map((name) => [`execute-object:${name}`, executeCase(name, false)])),
};

/**
 * Runs `scenario`: set-up, a 1 s warm-up, then `seconds` of the hot loop under the V8 sampling
 * profiler (only the loop is profiled, not the set-up). Writes the profile to `profilePath`
 * and reports the call count on stdout.
 */
export async function runScenario(name: string, seconds: number, profilePath: string): Promise<void> {
  const make = SCENARIOS[name];
  if (make === undefined) throw new Error(`unknown scenario ${name}; known: ${Object.keys(SCENARIOS).join(', ')}`);
  const hot = make();
  let sink = 0;
  const loop = (ms: number): number => {
    const end = performance.now() + ms;
    let calls = 0;
    while (performance.now() < end) {
      for (let i = 0; i < 16; i++) if (hot()) sink++;
      calls += 16;
    }
    return calls;
  };
  loop(1000);
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object): Promise<any> =>
    new Promise((resolve, reject) => session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result))));
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 100 });
  await post('Profiler.start');
  const t0 = performance.now();
  const calls = loop(seconds * 1000);
  const elapsed = performance.now() - t0;
  const { profile } = await post('Profiler.stop');
  session.disconnect();
  writeFileSync(profilePath, JSON.stringify(profile));
  process.stdout.write(`${JSON.stringify({ scenario: name, calls, nsPerCall: (elapsed * 1e6) / calls, sink })}\n`);
}

const [, , scenarioArg, secondsArg, profileArg] = process.argv;
if (scenarioArg !== undefined && profileArg !== undefined && process.env.WIREFILTER_PROFILE_CHILD === '1') {
  await runScenario(scenarioArg, Number(secondsArg ?? 5), profileArg);
}
