import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { cloudflareScheme } from '../../src/index.js';
import { CATEGORIES, CATEGORY_WEIGHTS, DEFAULT_START, generateRequests, requestLine, type GeneratedRequest } from '../../src/cli/generate.js';
import { createRandom } from '../../src/cli/random.js';
import { readRequest, requestProblems } from '../../src/cli/values.js';
import { runCli, tempDir } from './run.js';

const take = (count: number, seed: number): GeneratedRequest[] => [...generateRequests({ count, seed })];

describe('generateRequests', () => {
  it('is deterministic per seed', () => {
    const a = take(500, 1).map(requestLine);
    const b = take(500, 1).map(requestLine);
    expect(a).toEqual(b);
    const c = take(500, 2).map(requestLine);
    expect(c).not.toEqual(a);
    // A longer run starts with the same requests (the stream does not depend on the count's
    // randomness, only its timestamps are spread over the duration).
    const prefix = [...generateRequests({ count: 1000, seed: 1, duration: 7200 })].slice(0, 500).map((r) => r.values['http.user_agent']);
    expect(prefix).toEqual(take(500, 1).map((r) => r.values['http.user_agent']));
  });

  it('createRandom gives floats in [0, 1) with a sane mean', () => {
    const random = createRandom(42);
    let sum = 0;
    for (let i = 0; i < 10_000; i++) {
      const x = random();
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
      sum += x;
    }
    expect(sum / 10_000).toBeCloseTo(0.5, 1);
  });

  it('produces every category in its share', () => {
    const n = 20_000;
    const counts = new Map<string, number>();
    for (const r of generateRequests({ count: n, seed: 7 })) counts.set(r.category, (counts.get(r.category) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual([...CATEGORIES].sort());
    for (const category of CATEGORIES) {
      expect(Math.abs(counts.get(category)! / n - CATEGORY_WEIGHTS[category])).toBeLessThan(0.015);
    }
  });

  it('spreads timestamps over the duration, in order', () => {
    const requests = take(1000, 3);
    expect(requests[0]!.now).toBe(DEFAULT_START);
    expect(requests.at(-1)!.now).toBeLessThan(DEFAULT_START + 3600);
    expect(requests.every((r, i) => i === 0 || r.now >= requests[i - 1]!.now)).toBe(true);
    expect(requests.every((r) => r.values['http.request.timestamp.sec'] === r.now)).toBe(true);
  });

  it('gives every value a valid value of its field type under cloudflareScheme()', () => {
    const scheme = cloudflareScheme();
    const seen = new Set<string>();
    for (const request of generateRequests({ count: 5000, seed: 11 })) {
      expect(requestProblems(scheme, request.values)).toEqual([]);
      for (const name of Object.keys(request.values)) seen.add(name);
      // The evaluator converts every value (none is dropped as the wrong type); a field and
      // its alias (cf.client.bot of cf.bot_management.verified_bot) share one slot.
      const context = scheme.context(request.values);
      const slots = (context as unknown as { slots: unknown[] }).slots;
      const distinct = new Set(Object.keys(request.values).map((name) => scheme.fieldInfo(name)?.aliasOf ?? name));
      expect(slots.filter((v) => v !== undefined).length).toBe(distinct.size);
    }
    for (const field of ['http.host', 'http.request.uri.path', 'http.user_agent', 'http.request.headers', 'http.request.uri.args', 'ip.src', 'ip.src.asnum', 'ip.src.country', 'cf.client.bot', 'cf.bot_management.score', 'ssl', 'cf.waf.score']) {
      expect(seen).toContain(field);
    }
  });

  it('models each category with realistic values', () => {
    const requests = take(20_000, 5);
    const of = (category: string) => requests.filter((r) => r.category === category);
    // Header maps have lowercase keys and array values.
    for (const r of requests.slice(0, 2000)) {
      const headers = r.values['http.request.headers'] as Record<string, string[]>;
      for (const [key, value] of Object.entries(headers)) {
        expect(key).toBe(key.toLowerCase());
        expect(Array.isArray(value)).toBe(true);
      }
      // Derived fields agree with each other.
      const uri = r.values['http.request.uri'] as string;
      expect(uri.startsWith(r.values['http.request.uri.path'] as string)).toBe(true);
      expect(r.values['http.request.full_uri']).toBe(`${r.values.ssl ? 'https' : 'http'}://${r.values['http.host']}${uri}`);
    }
    // Verified bots are verified; nobody else is.
    expect(of('verified-bot').every((r) => r.values['cf.client.bot'] === true && typeof r.values['cf.verified_bot_category'] === 'string')).toBe(true);
    expect(requests.filter((r) => r.category !== 'verified-bot').every((r) => r.values['cf.client.bot'] === false)).toBe(true);
    // IPv6 clients use IPv6 addresses.
    expect(of('ipv6').every((r) => (r.values['ip.src'] as string).includes(':'))).toBe(true);
    // API clients call the API host; most send credentials.
    const api = of('api');
    expect(api.every((r) => r.values['http.host'] === 'api.example.com')).toBe(true);
    const withCredentials = api.filter((r) => {
      const headers = r.values['http.request.headers'] as Record<string, string[]>;
      return headers.authorization !== undefined || headers['x-api-key'] !== undefined;
    });
    expect(withCredentials.length / api.length).toBeGreaterThan(0.9);
    // Cloud clients come from cloud ASNs.
    const lists = JSON.parse(readFileSync(new URL('../../examples/lists.json', import.meta.url), 'utf8'));
    const cloudAsns = new Set<number>(lists.cloud_asns.items);
    expect(of('cloud').every((r) => cloudAsns.has(r.values['ip.src.asnum'] as number))).toBe(true);
    // Bad bots have low bot scores and probe for files.
    const bad = of('bad-bot');
    expect(bad.every((r) => (r.values['cf.bot_management.score'] as number) <= 20)).toBe(true);
    expect(bad.some((r) => r.values['http.request.uri.path'] === '/.env')).toBe(true);
    expect(bad.some((r) => r.values['http.user_agent'] === '')).toBe(true);
    // Some visitors hold a clearance issued before the request.
    const cleared = requests.filter((r) => r.clearance !== undefined);
    expect(cleared.length).toBeGreaterThan(0);
    expect(cleared.every((r) => r.clearance!.issuedAt! <= r.now)).toBe(true);
  });

  it('writes lines the replay reads back', () => {
    for (const request of take(50, 9)) {
      const back = readRequest(JSON.parse(requestLine(request)));
      expect(back).toEqual({ values: request.values, now: request.now, category: request.category, ...(request.clearance && { clearance: request.clearance }) });
    }
  });
});

describe.concurrent('wirefilter generate', () => {
  const files = tempDir();
  afterAll(() => files.cleanup());

  it('writes NDJSON to standard output, the same for the same seed', async () => {
    const r = await runCli(['generate', '--count', '20', '--seed', '3']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toEqual(take(20, 3).map(requestLine));
  });

  it('writes to a file with --output', async () => {
    const out = files.path('traffic.ndjson');
    const r = await runCli(['generate', '-n', '1000', '-s', '4', '-o', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    expect(lines.length).toBe(1000);
    expect(lines[999]).toBe(requestLine(take(1000, 4)[999]!));
  });

  it('--format json writes an array', async () => {
    const r = await runCli(['generate', '--count', '700', '--seed', '3', '--format', 'json']);
    expect(r.code).toBe(0);
    const requests = JSON.parse(r.stdout);
    expect(requests.length).toBe(700);
    expect(requests[699]).toEqual(JSON.parse(requestLine(take(700, 3)[699]!)));
    const empty = await runCli(['generate', '--count', '0', '--format', 'json']);
    expect(JSON.parse(empty.stdout)).toEqual([]);
  });

  it('rejects a bad count', async () => {
    const r = await runCli(['generate', '--count', 'many']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--count');
  });
});
