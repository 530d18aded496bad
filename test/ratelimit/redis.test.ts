/**
 * redisStore against a real Redis (Debian's redis-server, started per file on a free port)
 * through both client libraries: the scenarios of scenarios.json, identical answers to
 * memoryStore on random hit sequences, one counter shared by two processes, a server killed
 * or hung mid-test, the EVALSHA → EVAL fallback, key expiry and option validation. Without
 * redis-server the file fails (it never skips): `.ci/run` installs it.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { createClient } from 'redis';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  memoryStore,
  RateLimiter,
  redisStore,
  WirefilterError,
  type RateLimitAlgorithm,
  type RateLimitHit,
  type RateLimitRuleInput,
  type RedisCommandSender,
  type RedisStoreClient,
} from '../../src/index.js';
import { freePort, startRedis, type RedisServer } from '../support/redis.js';
import { scenarioTests } from './scenario-runner.js';
import { testScheme } from './support.js';

type NodeRedis = ReturnType<typeof createClient>;
const CLIENTS = ['node-redis', 'ioredis'] as const;
type ClientName = (typeof CLIENTS)[number];

let server: RedisServer;
let nodeRedis: NodeRedis;
let ioredis: Redis;
/** Every client made here, closed in afterAll. */
const opened: { close(): unknown }[] = [];

async function connectNodeRedis(port: number, options: Parameters<typeof createClient>[0] = {}): Promise<NodeRedis> {
  const client = createClient({ url: `redis://127.0.0.1:${port}`, ...options });
  client.on('error', () => {}); // reconnection noise of the tests that kill servers
  await client.connect();
  opened.push({ close: () => client.destroy() });
  return client;
}

async function connectIORedis(port: number): Promise<Redis> {
  const client = new Redis({ host: '127.0.0.1', port });
  client.on('error', () => {});
  await client.ping();
  opened.push({ close: () => client.disconnect() });
  return client;
}

const clientOf = (name: ClientName): RedisStoreClient => (name === 'node-redis' ? nodeRedis : ioredis);

let prefixes = 0;
/** A key prefix no other test uses, so tests share one server without sharing counters. */
const freshPrefix = (): string => `test:${process.pid}:${++prefixes}:`;

const rule = (ratelimit: Record<string, unknown> = {}, action = 'block'): RateLimitRuleInput =>
  ({ id: 'r', expression: 'true', action, ratelimit: { characteristics: ['cf.colo.id', 'ip.src'], period: 60, requests_per_period: 2, mitigation_timeout: 0, ...ratelimit } }) as RateLimitRuleInput;

beforeAll(async () => {
  server = await startRedis();
  nodeRedis = await connectNodeRedis(server.port);
  ioredis = await connectIORedis(server.port);
});

afterAll(async () => {
  for (const client of opened) {
    try {
      await client.close();
    } catch {
      // a client of a killed or silent server may refuse to close; the server must stop anyway
    }
  }
  await server?.stop();
});

describe('redisStore: the scenarios of scenarios.json', () => {
  for (const name of CLIENTS) {
    describe(name, () => {
      scenarioTests(() => redisStore(clientOf(name), { keyPrefix: freshPrefix() }));
    });
  }
});

/** mulberry32: a small seeded generator, so a failing sequence can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('redisStore answers exactly as memoryStore', () => {
  for (const name of CLIENTS) {
    for (const algorithm of ['sliding-window', 'sliding-log'] as const) {
      it(`on random hit sequences (${name}, ${algorithm})`, async () => {
        const seen = { over: 0, mitigated: 0, fresh: 0 };
        for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
          const next = random(seed * 7919 + (algorithm === 'sliding-log' ? 1 : 0));
          const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
          const memory = memoryStore();
          const redis = redisStore(clientOf(name), { keyPrefix: freshPrefix() });
          const periodMs = pick([10_000, 60_000]);
          // Odd seeds: one counter, and time sometimes steps back. Even seeds: three counters and
          // a clock that never goes back — memoryStore sweeps counters expired by the newest
          // time it saw, which a later hit of another counter with an older time cannot undo,
          // while Redis judges each counter by its hit's own time.
          const keys = seed % 2 === 1 ? ['a'] : ['a', 'b', 'c'];
          let seconds = 1_700_000_000 + Math.floor(next() * 1000);
          for (let i = 0; i < 600; i++) {
            // Time moves by fractions of a second (3 decimals, as Unix seconds become inexact
            // milliseconds), sometimes by periods, sometimes a little backwards.
            const step = next();
            const back = -Math.round(next() * 2000) / 1000;
            seconds += step < 0.6 ? Math.round(next() * 3000) / 1000 : step < 0.85 ? Math.round(next() * 300) / 1000 : step < 0.95 ? Math.round(next() * 2 * (periodMs / 1000) * 1000) / 1000 : keys.length === 1 ? back : 0;
            const key = pick(keys);
            const hit: RateLimitHit = {
              now: seconds * 1000,
              periodMs: next() < 0.02 ? 120_000 : periodMs,
              algorithm: next() < 0.02 ? (algorithm === 'sliding-log' ? 'sliding-window' : 'sliding-log') : algorithm,
              limit: next() < 0.03 ? 4 : 5,
              mitigationMs: key === 'c' ? 0 : pick([0, 30_000, 120_000]),
              cost: pick([0, 1, 1, 1, 1, 2, 7]),
            };
            if (next() < 0.01) {
              await Promise.all([memory.reset(key), redis.reset(key)]);
              continue;
            }
            const [expected, actual] = await Promise.all([memory.hit(key, hit), redis.hit(key, hit)]);
            expect(actual, `seed ${seed}, hit ${i}: ${JSON.stringify({ key, ...hit })}`).toEqual(expected);
            seen.over += expected.count > hit.limit ? 1 : 0;
            seen.mitigated += expected.mitigatedUntil !== undefined ? 1 : 0;
            seen.fresh += expected.count <= hit.cost ? 1 : 0;
          }
        }
        // The sequences reach every state: over the limit, mitigated, and counters starting again.
        expect(seen.over).toBeGreaterThan(50);
        expect(seen.mitigated).toBeGreaterThan(50);
        expect(seen.fresh).toBeGreaterThan(50);
      });
    }
  }

  it('keeps fractional counts bit-exact (no Lua integer truncation)', async () => {
    const memory = memoryStore();
    const redis = redisStore(nodeRedis, { keyPrefix: freshPrefix() });
    const hit = (now: number): RateLimitHit => ({ now, periodMs: 60_000, algorithm: 'sliding-window', limit: 1000, mitigationMs: 0, cost: 1 });
    for (let i = 0; i < 7; i++) await Promise.all([memory.hit('k', hit(1_000.1 + i)), redis.hit('k', hit(1_000.1 + i))]);
    const [expected, actual] = await Promise.all([memory.hit('k', hit(60_000 + 12_345.678)), redis.hit('k', hit(60_000 + 12_345.678))]);
    expect(Number.isInteger(expected.count)).toBe(false);
    expect(actual.count).toBe(expected.count);
  });
});

describe('redisStore keys', () => {
  it('lives under the prefix, expires after the memory store lifetime and is deleted by reset', async () => {
    const store = redisStore(ioredis);
    const { state, log } = store.redisKeys('["z","r","1"]');
    expect(state).toBe('wirefilter:rl:{["z","r","1"]}');
    expect(log).toBe(`${state}:log`);
    await store.reset('["z","r","1"]');
    const now = 60_000 * 20_000_000 + 15_000; // 15 s into a 60 s window
    // sliding-window: until the end of the next window (windowStart + 2 × period).
    await store.hit('["z","r","1"]', { now, periodMs: 60_000, algorithm: 'sliding-window', limit: 5, mitigationMs: 0, cost: 1 });
    expect(await ioredis.pttl(state)).toBeGreaterThan(105_000 - 1000);
    expect(await ioredis.pttl(state)).toBeLessThanOrEqual(105_000);
    expect(await ioredis.exists(log)).toBe(0);
    // sliding-log: one period after the hit, the list of hit times too; mitigation extends both.
    await store.hit('["z","r","1"]', { now, periodMs: 60_000, algorithm: 'sliding-log', limit: 1, mitigationMs: 0, cost: 1 });
    expect(await ioredis.pttl(state)).toBeGreaterThan(59_000);
    expect(await ioredis.pttl(log)).toBeGreaterThan(59_000);
    expect(await ioredis.lrange(log, 0, -1)).toEqual([String(now)]);
    const over = await store.hit('["z","r","1"]', { now, periodMs: 60_000, algorithm: 'sliding-log', limit: 1, mitigationMs: 600_000, cost: 5 });
    expect(over).toEqual({ count: 2, mitigatedUntil: now + 600_000 });
    expect(await ioredis.llen(log)).toBe(2); // capped at limit + 1
    expect(await ioredis.pttl(state)).toBeGreaterThan(599_000);
    expect(await ioredis.pttl(log)).toBeGreaterThan(599_000);
    await store.reset('["z","r","1"]');
    expect(await ioredis.exists(state, log)).toBe(0);
  });

  it('falls back to EVAL after SCRIPT FLUSH, then uses EVALSHA again', async () => {
    const sent: string[] = [];
    const sender: RedisCommandSender = {
      sendCommand: (command) => {
        sent.push(command[0]!);
        return nodeRedis.sendCommand(command);
      },
    };
    for (const client of [sender, nodeRedis, ioredis] as RedisStoreClient[]) {
      const store = redisStore(client, { keyPrefix: freshPrefix() });
      const hit: RateLimitHit = { now: 5_000, periodMs: 10_000, algorithm: 'sliding-log', limit: 5, mitigationMs: 0, cost: 1 };
      await ioredis.script('FLUSH');
      expect(await store.hit('k', hit)).toEqual({ count: 1 });
      await ioredis.script('FLUSH');
      expect(await store.hit('k', hit)).toEqual({ count: 2 });
      expect(await store.hit('k', hit)).toEqual({ count: 3 });
    }
    // First hit: NOSCRIPT (EVALSHA) → EVAL; after the flush the same; then EVALSHA alone.
    expect(sent).toEqual(['EVALSHA', 'EVAL', 'EVALSHA', 'EVAL', 'EVALSHA']);
  });

  it('finds which client it was given', () => {
    expect(redisStore(nodeRedis).clientKind).toBe('node-redis');
    expect(redisStore(ioredis).clientKind).toBe('ioredis');
    expect(redisStore({ sendCommand: async () => null }).clientKind).toBe('command-sender');
  });
});

describe('redisStore across processes', () => {
  const HITTER = new URL('./fixtures/redis-hitter.ts', import.meta.url).pathname;

  /** Forks one hitter; resolves with it once it is connected and waiting for its start time. */
  async function hitter(job: Record<string, unknown>) {
    const child = fork(HITTER, [JSON.stringify({ port: server.port, ...job })], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const messages: unknown[] = [];
    let wake: () => void = () => {};
    child.on('message', (message) => {
      messages.push(message);
      wake();
    });
    const exited = once(child, 'exit');
    const nextMessage = async (): Promise<unknown> => {
      while (messages.length === 0) {
        if (child.exitCode !== null) throw new Error(`hitter exited with ${child.exitCode}`);
        await Promise.race([new Promise<void>((resolve) => (wake = resolve)), exited]);
      }
      return messages.shift();
    };
    expect(await nextMessage()).toEqual({ ready: true });
    return { child, nextMessage, exited };
  }

  for (const algorithm of ['sliding-window', 'sliding-log'] as const) {
    it(`holds one limit to the request for two processes hitting one counter at once (${algorithm})`, async () => {
      const job = { keyPrefix: freshPrefix(), algorithm, limit: 250, requests: 300, batch: 10, now: 1_800_000_030 };
      const hitters = await Promise.all([hitter({ ...job, client: 'node-redis' }), hitter({ ...job, client: 'ioredis' })]);
      const startAt = Date.now() + 200;
      for (const h of hitters) h.child.send({ startAt });
      const results = (await Promise.all(hitters.map((h) => h.nextMessage()))) as { allowed: number; blocked: number; errors: string[] }[];
      await Promise.all(hitters.map((h) => h.exited));
      expect(results.flatMap((r) => r.errors)).toEqual([]);
      expect(results.every((r) => r.allowed > 0)).toBe(true); // both really competed
      expect(results.reduce((sum, r) => sum + r.allowed, 0)).toBe(250);
      expect(results.reduce((sum, r) => sum + r.blocked, 0)).toBe(350);
    }, 60_000);
  }
});

describe('redisStore when Redis fails', () => {
  for (const name of CLIENTS) {
    it(`decides by failOpen within timeoutMs once the server is killed (${name})`, async () => {
      const doomed = await startRedis();
      try {
        const client = name === 'node-redis' ? await connectNodeRedis(doomed.port) : await connectIORedis(doomed.port);
        const errors: { open: unknown[]; closed: unknown[] } = { open: [], closed: [] };
        const store = redisStore(client, { timeoutMs: 300 });
        const open = new RateLimiter(testScheme(), [rule({ requests_per_period: 1 })], { store, failOpen: true, onStoreError: (e) => errors.open.push(e) });
        const closed = new RateLimiter(testScheme(), [rule({ requests_per_period: 1 })], { store, failOpen: false, onStoreError: (e) => errors.closed.push(e) });
        const values = { 'ip.src': '192.0.2.1' };
        expect((await closed.evaluate(values, { now: 100 })).action).toBe('allow'); // Redis works: 1 of 1
        await doomed.kill();
        for (let i = 0; i < 3; i++) {
          const started = Date.now();
          expect((await open.evaluate(values, { now: 100 })).action).toBe('allow');
          expect((await closed.evaluate(values, { now: 100 })).action).toBe('block');
          expect(Date.now() - started).toBeLessThan(2500);
        }
        expect(errors.open).toHaveLength(3);
        expect(errors.closed).toHaveLength(3);
        expect(await closed.challengePassed(values, 'r')).toBe(false); // reset fails, reported, no throw
        expect(errors.closed).toHaveLength(4);
      } finally {
        await doomed.stop();
      }
    });
  }

  describe('a server that accepts connections and never answers', () => {
    let silent: Server;
    const sockets: Socket[] = [];
    let port: number;
    beforeAll(async () => {
      port = await freePort();
      silent = createServer((socket) => {
        sockets.push(socket);
        socket.on('error', () => {});
      });
      silent.listen(port, '127.0.0.1');
      await once(silent, 'listening');
    });
    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      silent.close();
    });

    const hung: Record<string, () => RedisStoreClient> = {
      'node-redis': () => {
        const client = createClient({ url: `redis://127.0.0.1:${port}` });
        client.on('error', () => {});
        void client.connect().catch(() => {}); // never ready: the handshake gets no answer
        opened.push({ close: () => client.destroy() });
        return client;
      },
      ioredis: () => {
        const client = new Redis({ host: '127.0.0.1', port });
        client.on('error', () => {});
        opened.push({ close: () => client.disconnect() });
        return client;
      },
      'command-sender': () => ({ sendCommand: () => new Promise<never>(() => {}) }),
    };
    for (const [name, make] of Object.entries(hung)) {
      it(`never holds a request longer than timeoutMs (${name})`, async () => {
        const store = redisStore(make(), { timeoutMs: 200 });
        const started = Date.now();
        await expect(store.hit('k', { now: 0, periodMs: 10_000, algorithm: 'sliding-window', limit: 1, mitigationMs: 0, cost: 1 })).rejects.toMatchObject({ code: 'store-timeout' });
        await expect(store.reset('k')).rejects.toMatchObject({ code: 'store-timeout' });
        const errors: unknown[] = [];
        const limiter = new RateLimiter(testScheme(), [rule()], { store, failOpen: false, onStoreError: (e) => errors.push(e) });
        expect((await limiter.evaluate({ 'ip.src': '192.0.2.1' }, { now: 0 })).action).toBe('block');
        expect(errors).toHaveLength(1);
        expect(errors[0]).toBeInstanceOf(WirefilterError);
        expect(Date.now() - started).toBeLessThan(2500);
      });
    }
  });

  it('turns a reply it cannot read into a store error', async () => {
    const store = redisStore({ sendCommand: async () => ['x', ''] });
    await expect(store.hit('k', { now: 0, periodMs: 10_000, algorithm: 'sliding-window', limit: 1, mitigationMs: 0, cost: 1 })).rejects.toMatchObject({ code: 'store-reply' });
    const errors: unknown[] = [];
    const limiter = new RateLimiter(testScheme(), [rule()], { store: redisStore({ sendCommand: async () => 7 }), onStoreError: (e) => errors.push(e) });
    expect((await limiter.evaluate({ 'ip.src': '192.0.2.1' }, { now: 0 })).action).toBe('allow');
    expect(errors).toHaveLength(1);
  });

  it('passes the client error on (the limiter reports it)', async () => {
    const store = redisStore({ sendCommand: async () => Promise.reject(new Error('ERR max number of clients reached')) });
    await expect(store.hit('k', { now: 0, periodMs: 10_000, algorithm: 'sliding-window', limit: 1, mitigationMs: 0, cost: 1 })).rejects.toThrow('max number of clients');
  });
});

describe('redisStore options', () => {
  const invalid = (make: () => unknown, message: RegExp): void => {
    let error: unknown;
    try {
      make();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WirefilterError);
    expect((error as WirefilterError).code).toBe('invalid-option');
    expect((error as Error).message).toMatch(message);
  };

  it('refuses what is not a Redis client', () => {
    for (const client of [null, undefined, 42, 'redis://localhost', {}, { eval: () => null }, { evalsha: () => null, eval: () => null, del: () => null }]) {
      invalid(() => redisStore(client as unknown as RedisStoreClient), /expected a node-redis client/);
    }
  });

  it('refuses bad options, naming each', () => {
    const client = { sendCommand: async () => null };
    for (const timeoutMs of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31, '1000']) {
      invalid(() => redisStore(client, { timeoutMs: timeoutMs as number }), /`timeoutMs` must be an integer from 1 to 2147483647/);
    }
    invalid(() => redisStore(client, { keyPrefix: 7 as unknown as string }), /`keyPrefix` must be a string, got 7/);
    invalid(() => redisStore(client, { timeout: 100 } as never), /unknown option `timeout`; did you mean `timeoutMs`\?/);
    invalid(() => redisStore(client, null as never), /expected an options object/);
    invalid(() => redisStore(client, { keyPrefix: 1 as never, timeoutMs: 0 }), /keyPrefix.*; `timeoutMs`/);
  });

  it('accepts the defaults and every valid value', () => {
    const client = { sendCommand: async () => null };
    expect(() => redisStore(client)).not.toThrow();
    expect(() => redisStore(client, { keyPrefix: '', timeoutMs: 1 })).not.toThrow();
    expect(() => redisStore(client, { keyPrefix: 'app:', timeoutMs: 2 ** 31 - 1 })).not.toThrow();
  });
});

// Both algorithms must be covered by the scenarios run above (a guard against a data change).
it('runs the scenarios with both algorithms', async () => {
  const { scenarios } = await import('./scenario-runner.js');
  const algorithms = new Set<RateLimitAlgorithm>(scenarios.flatMap((s) => s.algorithms));
  expect([...algorithms].sort()).toEqual(['sliding-log', 'sliding-window']);
});
