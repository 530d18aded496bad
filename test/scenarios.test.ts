/**
 * Runs the ruleset scenarios in test/scenarios/*.json (format: test/scenarios/README.md).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cloudflareScheme, Ruleset, RulesetError, type Clearance, type ListDefinition, type RulesetOptions, type RulesetSource } from '../src/index.js';
import { decodeValue } from './conformance/runner.js';

interface ScenarioRulesets {
  account?: RulesetSource[];
  zone: RulesetSource;
  custom?: Record<string, RulesetSource>;
}

interface ScenarioCase {
  name: string;
  values: Record<string, unknown>;
  clearance?: Clearance | null;
  now?: number;
  xhr?: boolean;
  expect: {
    action: string;
    ruleId: string | null;
    events?: { ruleId: string; action: string }[];
    skipped?: { phases: string[]; products: string[] };
    response?: unknown;
  };
}

interface ScenarioFile {
  description: string;
  lists?: Record<string, ListDefinition>;
  options?: RulesetOptions;
  rulesets?: ScenarioRulesets;
  cases?: ScenarioCase[];
  invalid?: { name: string; rulesets: ScenarioRulesets; lists?: Record<string, ListDefinition>; options?: RulesetOptions; errors: { code: string; rule?: string }[] }[];
}

const dir = new URL('./scenarios/', import.meta.url);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((file) => ({ file, data: JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as ScenarioFile }));

function build(rulesets: ScenarioRulesets, lists: Record<string, ListDefinition> | undefined, options: RulesetOptions | undefined): Ruleset {
  const scheme = cloudflareScheme({ lists });
  return new Ruleset(scheme, rulesets.zone, { ...options, account: rulesets.account, rulesets: rulesets.custom });
}

describe('ruleset scenarios', () => {
  it('has at least 60 evaluation scenarios', () => {
    expect(files.reduce((n, f) => n + (f.data.cases?.length ?? 0), 0)).toBeGreaterThanOrEqual(60);
  });
});

for (const { file, data } of files) {
  describe(file, () => {
    if (data.cases !== undefined && data.rulesets !== undefined) {
      const snapshot = JSON.stringify(data.rulesets);
      const ruleset = build(data.rulesets, data.lists, data.options);
      it('leaves the ruleset objects untouched', () => expect(JSON.stringify(data.rulesets)).toBe(snapshot));
      for (const scenario of data.cases) {
        it(scenario.name, () => {
          const values = Object.fromEntries(Object.entries(scenario.values ?? {}).map(([k, v]) => [k, decodeValue(v)]));
          const decision = ruleset.evaluate(values, { clearance: scenario.clearance ?? null, now: scenario.now ?? 1_767_225_600, xhr: scenario.xhr ?? false });
          expect(decision.action).toBe(scenario.expect.action);
          expect(decision.ruleId).toBe(scenario.expect.ruleId);
          if (scenario.expect.events !== undefined) {
            expect(decision.events.map((e) => ({ ruleId: e.ruleId, action: e.action }))).toEqual(scenario.expect.events);
          }
          if (scenario.expect.skipped !== undefined) expect(decision.skipped).toEqual(scenario.expect.skipped);
          if (scenario.expect.response !== undefined) expect(decision.response).toEqual(scenario.expect.response);
          // Trace mode must not change the decision.
          const traced = ruleset.evaluate(values, { clearance: scenario.clearance ?? null, now: scenario.now ?? 1_767_225_600, xhr: scenario.xhr ?? false, trace: true });
          expect({ ...traced, trace: undefined }).toEqual({ ...decision, trace: undefined });
        });
      }
    }
    for (const invalid of data.invalid ?? []) {
      it(`rejects: ${invalid.name}`, () => {
        try {
          build(invalid.rulesets, invalid.lists, invalid.options);
          expect.unreachable('the ruleset loaded');
        } catch (error) {
          expect(error).toBeInstanceOf(RulesetError);
          const problems = (error as RulesetError).problems.filter((p) => p.severity === 'error');
          for (const expected of invalid.errors) {
            const found = problems.some((p) => p.code === expected.code && (expected.rule === undefined || p.rule === expected.rule));
            expect(found, `${JSON.stringify(expected)} in ${JSON.stringify(problems.map((p) => [p.code, p.rule, p.message]))}`).toBe(true);
          }
          expect(problems.length).toBe(invalid.errors.length);
        }
      });
    }
  });
}
