/**
 * Both algorithms against brute-force oracles over random request sequences: the sliding log
 * (which keeps only the newest limit + 1 hits) must decide exactly as a full list of hits, and
 * the sliding window as the two-fixed-window formula computed from every hit.
 */
import { describe, expect, it } from 'vitest';
import { memoryStore, RateLimiter, type RateLimitRuleInput } from '../../src/index.js';
import { testScheme } from './support.js';

/** A small deterministic generator (mulberry32), so failures reproduce. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PERIODS = [10, 60, 120];

describe('algorithms against oracles', () => {
  for (let seed = 1; seed <= 20; seed++) {
    it(`seed ${seed}`, async () => {
      const next = random(seed);
      const period = PERIODS[Math.floor(next() * PERIODS.length)]!;
      const limit = 1 + Math.floor(next() * 8);
      const rules = [{ id: 'r', expression: 'true', action: 'block', ratelimit: { characteristics: ['cf.colo.id'], period, requests_per_period: limit } }] as RateLimitRuleInput[];
      const log = new RateLimiter(testScheme(), rules, { store: memoryStore(), algorithm: 'sliding-log' });
      const window = new RateLimiter(testScheme(), rules, { store: memoryStore(), algorithm: 'sliding-window' });
      const hits: number[] = []; // milliseconds
      let ms = Math.floor(next() * 100_000);
      for (let i = 0; i < 300; i++) {
        ms += Math.floor(next() * next() * period * 400); // bursts and gaps
        hits.push(ms);
        const exact = hits.filter((h) => h > ms - period * 1000).length;
        const p = period * 1000;
        const start = Math.floor(ms / p) * p;
        const current = hits.filter((h) => h >= start).length;
        const previous = hits.filter((h) => h >= start - p && h < start).length;
        const estimate = previous * ((p - (ms - start)) / p) + current;
        const where = `request ${i} at ${ms} ms (period ${period}, limit ${limit})`;
        expect((await log.evaluate({}, { now: ms / 1000 })).action, where).toBe(exact > limit ? 'block' : 'allow');
        expect((await window.evaluate({}, { now: ms / 1000 })).action, where).toBe(estimate > limit ? 'block' : 'allow');
      }
    });
  }
});
