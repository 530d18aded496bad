// Rate limiting decisions per second on this machine (a benchmark, not a test):
// RateLimiter.evaluate with one rule (per cf.colo.id + ip.src, over 10,000 addresses) against
//   1. memoryStore;
//   2. redisStore through node-redis and through ioredis (enableAutoPipelining), 64
//      evaluations in flight so the client pipelines, on loopback to a redis-server this script starts (no persistence).
// Targets: ≥ 200,000 decisions/s in memory, ≥ 20,000/s through Redis.
// Run: npm run bench:ratelimit   (builds first; uses dist/; needs redis-server on PATH)
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { memoryStore, RateLimiter, redisStore, Scheme } from 'wirefilter-ts';

const DURATION_MS = Number(process.env.DURATION ?? 3) * 1000;
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 64);
const TARGETS = { memory: 200_000, redis: 20_000 };

const scheme = new Scheme({ fields: { 'ip.src': 'Ip', 'http.request.uri.path': 'Bytes', 'http.request.method': 'Bytes' } });
const rules = [
  {
    id: 'api',
    expression: 'starts_with(http.request.uri.path, "/api/") and http.request.method ne "OPTIONS"',
    action: 'block',
    // High enough that every request is allowed (about 100 per address per run), low enough
    // for memoryStore's sliding log, which keeps an array of limit + 1 times per counter.
    ratelimit: { characteristics: ['cf.colo.id', 'ip.src'], period: 60, requests_per_period: 1000, mitigation_timeout: 0 },
  },
];
const requests = Array.from({ length: 10_000 }, (_, i) => ({ 'ip.src': `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, 'cf.colo.id': 1, 'http.request.uri.path': '/api/items', 'http.request.method': 'GET' }));

let lastStoreError;

/** Decisions per second of `limiter` with `concurrency` evaluations in flight. */
async function measure(limiter, concurrency, durationMs) {
  let done = 0;
  let next = 0;
  const end = performance.now() + durationMs;
  const worker = async () => {
    while (performance.now() < end) {
      const decision = await limiter.evaluate(requests[next++ % requests.length]);
      if (decision.action !== 'allow') throw new Error(`expected allow, got ${decision.action}: the benchmark must measure counted, allowed requests${lastStoreError ? ` (store error: ${lastStoreError})` : ''}`);
      done++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return done / ((performance.now() - started) / 1000);
}

/** A redis-server on a free loopback port, answering PING. */
async function startRedis() {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address();
  probe.close();
  const dir = mkdtempSync(join(tmpdir(), 'wirefilter-bench-redis-'));
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--loglevel', 'warning'], { stdio: 'ignore' });
  child.on('error', (error) => {
    console.error(`cannot start redis-server (Debian: apt-get install -y redis-server): ${error.message}`);
    process.exit(1);
  });
  const ping = () =>
    new Promise((resolve, reject) => {
      const socket = createConnection({ host: '127.0.0.1', port }, () => socket.write('PING\r\n'));
      socket.on('data', (data) => (socket.destroy(), data.toString().startsWith('+PONG') ? resolve() : reject(new Error(String(data)))));
      socket.on('error', reject);
    });
  for (let i = 0; ; i++) {
    try {
      await ping();
      break;
    } catch (error) {
      if (i > 200) throw error;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  return { port, stop: async () => (child.kill('SIGTERM'), await once(child, 'exit'), rmSync(dir, { recursive: true, force: true })) };
}

const server = await startRedis();
const rows = [];
try {
  const nodeRedis = createClient({ url: `redis://127.0.0.1:${server.port}` });
  await nodeRedis.connect();
  // ioredis writes each command on its own unless asked to pipeline what is sent in one tick.
  const ioredis = new Redis({ host: '127.0.0.1', port: server.port, enableAutoPipelining: true });
  await ioredis.ping();

  for (const algorithm of ['sliding-window', 'sliding-log']) {
    const stores = [
      ['memoryStore', 'memory', () => memoryStore()],
      ['redisStore (node-redis)', 'redis', () => redisStore(nodeRedis, { keyPrefix: `bench:${algorithm}:nr:` })],
      ['redisStore (ioredis)', 'redis', () => redisStore(ioredis, { keyPrefix: `bench:${algorithm}:io:` })],
    ];
    for (const [name, kind, makeStore] of stores) {
      // failOpen: false turns a store error into a block, which measure() refuses with it.
      const onStoreError = (error) => (lastStoreError = error);
      const limiter = new RateLimiter(scheme, rules, { store: makeStore(), algorithm, failOpen: false, onStoreError });
      await measure(limiter, CONCURRENCY, Math.min(1000, DURATION_MS)); // warm-up: JIT, connections, script cache
      const rate = await measure(limiter, CONCURRENCY, DURATION_MS);
      const target = TARGETS[kind];
      rows.push([`${name}, ${algorithm}`, `${Math.round(rate).toLocaleString('en-US')}/s`, `${(rate / target).toFixed(2)} × ${target.toLocaleString('en-US')}/s`, rate >= target ? 'PASS' : 'MISS']);
    }
  }

  await nodeRedis.quit();
  await ioredis.quit();
} finally {
  await server.stop();
}

console.log(`rate limit decisions per second (${CONCURRENCY} in flight, ${DURATION_MS / 1000} s each, Node ${process.version}, redis-server on loopback)\n`);
const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i].length)));
for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i])).join('   '));
if (rows.some((row) => row[3] === 'MISS')) process.exitCode = 1;
