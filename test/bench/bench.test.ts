/**
 * Smoke test of the benchmark suite (`bench/`): runs every case in quick mode (tiny iteration
 * counts, full data sizes) and checks that every implementation of every case computes the
 * same results. Timings are never asserted: the machine is shared and noisy.
 */
import { describe, expect, it } from 'vitest';
import { benignRequest } from '../../bench/data.js';
import { interpret } from '../support/ast-interpreter.js';
import { predicateCases } from '../../bench/cases.js';
import { EARLY_MATCH_INDEX, floorRequest, floorRuleset, generateRules, rulesetRequests, TEMPLATES } from '../../bench/rules.js';
import { formatReport, IMPL, runSuite, type SuiteResult } from '../../bench/suite.js';
import { cloudflareScheme, Ruleset } from '../../src/index.js';

describe('benchmark data', () => {
  it('every predicate case has requests that match and requests that do not', () => {
    const scheme = cloudflareScheme();
    for (const c of predicateCases().filter((c) => c.cidrs === undefined || c.cidrs.length <= 10_000)) {
      const filter = scheme.compile(c.expression, c.options);
      const results = c.inputs.map((v) => filter.execute(v));
      expect(results, c.name).toContain(true);
      expect(results, c.name).toContain(false);
    }
  });

  it('generated rules: none matches the benign request; each template patch makes its own rule match first', () => {
    const scheme = cloudflareScheme();
    const rules = generateRules(3 * TEMPLATES.length);
    const filters = rules.map((g) => scheme.compile(g.rule.expression));
    const benign = scheme.context(benignRequest());
    expect(filters.map((f) => f.execute(benign))).not.toContain(true);
    const floor = floorRuleset(rules);
    for (const [i, g] of rules.entries()) {
      const values = { ...benignRequest(), ...g.patch };
      const context = scheme.context(values);
      const firstMatch = filters.findIndex((f) => f.execute(context));
      expect(firstMatch, `rule ${i} (${g.template})`).toBe(i);
      expect(g.floor(floorRequest(values)), `floor of rule ${i}`).toBe(true);
      expect(interpret(filters[i]!.checked, context.slots), `interpreter on rule ${i}`).toBe(true);
      if (g.terminating) expect(floor(floorRequest(values))).toBe(i);
    }
    const ruleset = new Ruleset(scheme, rules.map((g) => g.rule));
    expect(ruleset.evaluate(rulesetRequests().noMatch).ruleId).toBeNull();
    expect(ruleset.evaluate(rulesetRequests().earlyMatch).ruleId).toBe(`r${EARLY_MATCH_INDEX}`);
  });
});

describe('benchmark suite (quick mode)', () => {
  let result: SuiteResult;

  it('runs every case', { timeout: 600_000 }, async () => {
    result = await runSuite({ quick: true });
    const cases = new Set(result.rows.map((r) => r.case));
    for (const c of predicateCases()) expect(cases, c.name).toContain(c.name);
    for (const size of [100, 1_000, 10_000]) {
      for (const scenario of ['no-match', 'early-match']) expect(cases).toContain(`ruleset-${size}/${scenario}`);
    }
    expect(cases).toContain('compile-mix');
    expect(cases).toContain('context');
    expect(result.regex).toHaveLength(5);
    expect(result.memory?.filterBytesPerRule).toBeGreaterThan(0);
    for (const row of result.rows) expect(row.stats.p50, `${row.case} ${row.impl}`).toBeGreaterThan(0);
  });

  it('every implementation agrees on every request', () => {
    for (const a of result.agreements) {
      expect(a.ok, `${a.case}: ${JSON.stringify(a.results)}`).toBe(true);
      expect(a.mixed, `${a.case} has both outcomes`).toBe(true);
    }
    const shared = predicateCases().filter((c) => c.cel !== undefined);
    for (const c of shared) {
      const a = result.agreements.find((x) => x.case === c.name)!;
      expect(Object.keys(a.results)).toEqual(expect.arrayContaining([IMPL.ctx, IMPL.obj, IMPL.floor, IMPL.interp, IMPL.celJs, IMPL.buf]));
    }
  });

  it('computes every ratio and target, and prints a report', () => {
    expect(result.targets.length).toBeGreaterThan(20);
    for (const t of result.targets) expect(t.status, t.target).not.toBe('n/a');
    const report = formatReport(result);
    expect(report).toContain('Targets (issue 7)');
    expect(report).toContain('ruleset-1000/no-match');
    expect(JSON.parse(JSON.stringify(result)).machine.node).toBe(process.version);
  });
});
