/**
 * The runner of test/ratelimit/scenarios.json, shared by every store's tests: each scenario's
 * timestamped requests through a fresh RateLimiter over a store from `makeStore`, per
 * algorithm, checking every decision.
 */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { RateLimiter, type RateLimitAlgorithm, type RateLimitRuleInput, type RateLimitStore } from '../../src/index.js';
import { testScheme } from './support.js';

interface ScenarioRequest {
  t: number;
  /** `response`: the request is counted after its response (RateLimiter.count); nothing to expect. */
  kind?: 'request' | 'response';
  repeat?: number;
  values?: Record<string, unknown>;
  expect?: string;
  ruleId?: string;
  events?: [string, string][];
  response?: unknown;
}

/** One scenario of scenarios.json. */
export interface Scenario {
  name: string;
  algorithms: RateLimitAlgorithm[];
  defaults?: Record<string, unknown>;
  rules: RateLimitRuleInput[];
  requests: ScenarioRequest[];
}

const DEFAULTS = { 'cf.colo.id': 1, 'ip.src': '192.0.2.1', 'http.request.uri.path': '/', 'http.request.method': 'GET' };

/** Every scenario of scenarios.json. */
export const scenarios: readonly Scenario[] = (JSON.parse(readFileSync(new URL('./scenarios.json', import.meta.url), 'utf8')) as { scenarios: Scenario[] }).scenarios;

/** Runs one scenario with `algorithm` through a limiter over `store` (a fresh, empty one). */
export async function runScenario(scenario: Scenario, algorithm: RateLimitAlgorithm, store: RateLimitStore): Promise<void> {
  const limiter = new RateLimiter(testScheme(), scenario.rules, { store, algorithm });
  for (const [i, request] of scenario.requests.entries()) {
    const values: Record<string, unknown> = { ...DEFAULTS, ...scenario.defaults, ...request.values };
    for (const key of Object.keys(values)) if (values[key] === null) delete values[key];
    for (let n = 0; n < (request.repeat ?? 1); n++) {
      if (request.kind === 'response') {
        await limiter.count(values, { now: request.t });
        continue;
      }
      const decision = await limiter.evaluate(values, { now: request.t });
      const where = `request ${i} (t=${request.t}, #${n + 1})`;
      expect(decision.action, where).toBe(request.expect);
      if (request.ruleId !== undefined) expect(decision.ruleId, where).toBe(request.ruleId);
      if (request.events !== undefined) expect(decision.events.map((e) => [e.ruleId, e.action]), where).toEqual(request.events);
      if (request.response !== undefined) expect(decision.response, where).toEqual(request.response);
    }
  }
}

/** Declares one test per scenario and algorithm (call inside a `describe`), each with a fresh store. */
export function scenarioTests(makeStore: (scenario: Scenario, algorithm: RateLimitAlgorithm) => RateLimitStore | Promise<RateLimitStore>): void {
  for (const scenario of scenarios) {
    for (const algorithm of scenario.algorithms) {
      it(`${scenario.name} (${algorithm})`, async () => {
        await runScenario(scenario, algorithm, await makeStore(scenario, algorithm));
      });
    }
  }
}
