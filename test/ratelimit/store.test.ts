import { describe, expect, it } from 'vitest';
import { memoryStore, RateLimiter, type RateLimitHit, type RateLimitRuleInput, type RateLimitStore } from '../../src/index.js';
import { expectLinearGrowth } from '../hostile/helpers.js';
import { testScheme } from './support.js';

const hit = (now: number, overrides: Partial<RateLimitHit> = {}): RateLimitHit => ({ now, periodMs: 10_000, algorithm: 'sliding-log', limit: 5, mitigationMs: 0, cost: 1, ...overrides });

const rule = (ratelimit: Record<string, unknown> = {}, action = 'block'): RateLimitRuleInput =>
  ({ id: 'r', expression: 'true', action, ratelimit: { characteristics: ['cf.colo.id', 'ip.src'], period: 60, requests_per_period: 10, ...ratelimit } }) as RateLimitRuleInput;

describe('memoryStore', () => {
  it('never holds more than maxKeys counters, evicting counters not used since the sweep last passed (second chance)', async () => {
    const store = memoryStore({ maxKeys: 3 });
    for (const key of ['a', 'b', 'c']) await store.hit(key, hit(0));
    await store.hit('a', hit(1)); // a is now the most recent: b goes first
    await store.hit('d', hit(2));
    expect(store.size).toBe(3);
    expect((await store.hit('a', hit(3))).count).toBe(3); // a kept its hits
    expect((await store.hit('b', hit(3))).count).toBe(1); // b was evicted and starts again
    for (let i = 0; i < 1000; i++) {
      await store.hit(`k${i}`, hit(4));
      expect(store.size).toBeLessThanOrEqual(3);
    }
  });

  it('costs O(1) per hit however many counters it holds (round-robin hits over n counters grow linearly)', () => {
    // Keys and hits are built outside the timing: making 4n fresh strings and objects grows
    // faster than linearly on its own once they outgrow the caches (a bare Map showed 2.4× per
    // doubling), which is not what is measured here.
    const hits = [0, 1, 2, 3].map((round) => hit(round, { algorithm: 'sliding-window' }));
    expectLinearGrowth(
      [16_000, 32_000, 64_000],
      (n) => Array.from({ length: n }, (_, i) => `k${i}`),
      (keys) => {
        const store = memoryStore({ maxKeys: keys.length });
        for (const h of hits) for (const key of keys) void store.hit(key, h);
      },
      { label: 'memoryStore hits' },
    );
  });

  it('grows a sliding log with its hits: a huge limit allocates nothing up front, and counts stay exact', async () => {
    const store = memoryStore();
    for (let i = 0; i < 1000; i++) expect((await store.hit('big', hit(i, { limit: 1e9 }))).count).toBe(i + 1);
    // 1,000 hits over 10 s: the first 100 fall out of the period as time moves on.
    expect((await store.hit('big', hit(10_100, { limit: 1e9, cost: 0 }))).count).toBe(899);
    // A small limit still caps the log at limit + 1 (all a decision needs).
    for (let i = 0; i < 50; i++) await store.hit('small', hit(0, { limit: 20 }));
    expect((await store.hit('small', hit(1, { limit: 20, cost: 0 }))).count).toBe(21);
  });

  it('sweeps expired counters as time passes', async () => {
    const store = memoryStore({ maxKeys: 100 });
    for (let i = 0; i < 20; i++) await store.hit(`old${i}`, hit(0));
    expect(store.size).toBe(20);
    // Sliding-log counters expire one period after their last hit; each hit sweeps a few.
    for (let i = 0; i < 10; i++) await store.hit('fresh', hit(10_000 + i));
    expect(store.size).toBe(1);
  });

  it('keeps a mitigated counter until its mitigation ends', async () => {
    const store = memoryStore();
    for (let i = 0; i < 6; i++) await store.hit('m', hit(0, { mitigationMs: 60_000 }));
    for (let i = 0; i < 10; i++) await store.hit(`other${i}`, hit(30_000));
    expect(await store.hit('m', hit(59_999, { cost: 0, mitigationMs: 60_000 }))).toEqual({ count: 0, mitigatedUntil: 60_000 });
  });

  it('restarts a counter whose algorithm or period changed', async () => {
    const store = memoryStore();
    await store.hit('k', hit(0));
    await store.hit('k', hit(0));
    expect((await store.hit('k', hit(0, { algorithm: 'sliding-window' }))).count).toBe(1);
    expect((await store.hit('k', hit(0, { algorithm: 'sliding-window', periodMs: 60_000 }))).count).toBe(1);
  });

  it('reads without counting when cost is 0', async () => {
    const store = memoryStore();
    await store.hit('k', hit(0));
    expect((await store.hit('k', hit(1, { cost: 0 }))).count).toBe(1);
    expect((await store.hit('k', hit(1, { cost: 0, algorithm: 'sliding-log' }))).count).toBe(1);
  });
});

describe('RateLimiter', () => {
  for (const algorithm of ['sliding-window', 'sliding-log'] as const) {
    it(`counts 1,000 concurrent evaluations of one counter exactly (${algorithm})`, async () => {
      const limiter = new RateLimiter(testScheme(), [rule({ requests_per_period: 600 })], { store: memoryStore(), algorithm });
      const decisions = await Promise.all(Array.from({ length: 1000 }, () => limiter.evaluate({ 'ip.src': '192.0.2.1', 'cf.colo.id': 7 }, { now: 30 })));
      expect(decisions.filter((d) => d.action === 'allow')).toHaveLength(600);
      expect(decisions.filter((d) => d.action === 'block')).toHaveLength(400);
    });
  }

  it('fails open by default when the store throws, and reports the error', async () => {
    const failing: RateLimitStore = { hit: () => Promise.reject(new Error('store down')), reset: () => Promise.reject(new Error('store down')) };
    const errors: string[] = [];
    const limiter = new RateLimiter(testScheme(), [rule({ requests_per_period: 1 })], { store: failing, onStoreError: (e, id) => errors.push(`${id}: ${(e as Error).message}`) });
    for (let i = 0; i < 3; i++) expect((await limiter.evaluate({ 'ip.src': '192.0.2.1' }, { now: 0 })).action).toBe('allow');
    expect(errors).toEqual(['r: store down', 'r: store down', 'r: store down']);
  });

  it('fails closed with failOpen: false, even when the store throws synchronously or the reporter throws', async () => {
    const failing: RateLimitStore = {
      hit: () => {
        throw new Error('sync failure');
      },
      reset: () => Promise.resolve(),
    };
    const limiter = new RateLimiter(testScheme(), [rule({ requests_per_period: 1 }, 'managed_challenge')], {
      store: failing,
      failOpen: false,
      onStoreError: () => {
        throw new Error('reporter failure');
      },
    });
    const decision = await limiter.evaluate({ 'ip.src': '192.0.2.1' }, { now: 0 });
    expect(decision.action).toBe('managed_challenge');
    expect(decision.events).toEqual([{ ruleId: 'r', action: 'managed_challenge' }]);
  });

  it('treats a malformed store answer as a store error', async () => {
    const odd: RateLimitStore = { hit: () => Promise.resolve({ count: 'many' } as never), reset: () => Promise.resolve() };
    const errors: unknown[] = [];
    const open = new RateLimiter(testScheme(), [rule()], { store: odd, onStoreError: (e) => errors.push(e) });
    expect((await open.evaluate({ 'ip.src': '192.0.2.1' }, { now: 0 })).action).toBe('allow');
    expect(String(errors[0])).toMatch(/answered/);
    const closed = new RateLimiter(testScheme(), [rule()], { store: odd, failOpen: false });
    expect((await closed.evaluate({ 'ip.src': '192.0.2.1' }, { now: 0 })).action).toBe('block');
  });

  it('takes an execution context (cf.colo.id outside the scheme is then one data center)', async () => {
    const scheme = testScheme();
    const limiter = new RateLimiter(scheme, { id: 'rl', phase: 'http_ratelimit', rules: [rule({ requests_per_period: 1 })] }, { store: memoryStore() });
    expect((await limiter.evaluate(scheme.context({ 'ip.src': '192.0.2.1' }), { now: 0 })).action).toBe('allow');
    const decision = await limiter.evaluate({ 'ip.src': '192.0.2.1' }, { now: 0 });
    expect(decision).toEqual({
      action: 'block',
      ruleId: 'r',
      rulesetId: 'rl',
      events: [{ ruleId: 'r', action: 'block', rulesetId: 'rl' }],
      skipped: { phases: [], products: [] },
      response: { status_code: 429, content_type: 'text/html', content: null },
    });
  });

  it('resets a counter, mitigation included, when its challenge is passed', async () => {
    const limiter = new RateLimiter(testScheme(), [rule({ requests_per_period: 1, mitigation_timeout: 600 }, 'managed_challenge')], { store: memoryStore() });
    const a = { 'ip.src': '192.0.2.1' };
    const b = { 'ip.src': '192.0.2.2' };
    for (const values of [a, a, b, b]) await limiter.evaluate(values, { now: 0 });
    expect((await limiter.evaluate(a, { now: 1 })).action).toBe('managed_challenge');
    expect(await limiter.challengePassed(a, 'r')).toBe(true);
    expect((await limiter.evaluate(a, { now: 2 })).action).toBe('allow');
    expect((await limiter.evaluate(b, { now: 2 })).action).toBe('managed_challenge'); // b's counter is its own
    expect(await limiter.challengePassed(a, 'nope')).toBe(false);
  });

  it('reports store failures of count() and challengePassed() without rejecting', async () => {
    const failing: RateLimitStore = { hit: () => Promise.reject(new Error('down')), reset: () => Promise.reject(new Error('down')) };
    const errors: unknown[] = [];
    const limiter = new RateLimiter(testScheme(), [rule({ counting_expression: 'http.response.code eq 401' })], { store: failing, onStoreError: (e) => errors.push(e) });
    await limiter.count({ 'ip.src': '192.0.2.1', 'http.response.code': 401 }, { now: 0 });
    expect(await limiter.challengePassed({ 'ip.src': '192.0.2.1' }, 'r')).toBe(false);
    expect(errors).toHaveLength(2);
  });

  it('refuses a bad now, and uses the clock without one', async () => {
    const limiter = new RateLimiter(testScheme(), [rule()], { store: memoryStore() });
    await expect(limiter.evaluate({}, { now: Number.NaN })).rejects.toThrow(/now/);
    expect((await limiter.evaluate({ 'ip.src': '192.0.2.1' })).action).toBe('allow');
  });
});
