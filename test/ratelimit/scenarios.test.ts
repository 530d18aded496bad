/**
 * Runs test/ratelimit/scenarios.json against the memory store: each scenario's timestamped
 * requests through a fresh RateLimiter and memory store per algorithm, checking every
 * decision (the runner is shared with the Redis store's tests, redis.test.ts).
 */
import { describe } from 'vitest';
import { memoryStore } from '../../src/index.js';
import { scenarioTests } from './scenario-runner.js';

describe('rate limiting scenarios', () => {
  scenarioTests(() => memoryStore());
});
