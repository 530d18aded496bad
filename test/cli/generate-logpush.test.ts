/**
 * `wirefilter generate --format logpush`: Cloudflare Logpush `http_requests` records built from
 * the generator's requests. The replay side (`logpushRequest`, `logpushSecurity`) must give
 * back the field values the generator started from and the decision of the reference ruleset.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { LOGPUSH_FIELD_MAP, logpushRequest, logpushSecurity, logpushTimestampMs, looksLikeLogpush } from '../../src/cloudflare/logpush/index.js';
import { cloudflareScheme, type Decision, Ruleset } from '../../src/index.js';
import { generateRequests, type GeneratedRequest } from '../../src/cli/generate.js';
import { EXAMPLES, runCli, tempDir } from './run.js';

const lists = JSON.parse(readFileSync(join(EXAMPLES, 'lists.json'), 'utf8'));
const reference = new Ruleset(cloudflareScheme({ lists }), JSON.parse(readFileSync(join(EXAMPLES, 'ruleset.json'), 'utf8')));

async function generate(args: readonly string[]): Promise<string[]> {
  const result = await runCli(['generate', '--format', 'logpush', ...args]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  expect(result.stdout.endsWith('\n')).toBe(true);
  return result.stdout.slice(0, -1).split('\n');
}

const decide = (request: GeneratedRequest): Decision =>
  reference.evaluate(request.values, { now: request.now, ...(request.clearance !== undefined && { clearance: request.clearance }) });

/** What `logpushSecurity` reads back for each event of a decision. */
const EVENT_ACTION: Record<string, string> = {
  log: 'log',
  skip: 'skip',
  block: 'block',
  rewrite: 'rewrite',
  managed_challenge: 'managed_challenge',
  jschallenge: 'js_challenge',
  challenge: 'challenge',
  managed_challenge_bypassed: 'managed_challenge',
  jschallenge_bypassed: 'js_challenge',
  challenge_bypassed: 'challenge',
};

/** Map fields compared without their key order (Logpush lists captured headers first). */
const canonical = (value: unknown): unknown =>
  value !== null && typeof value === 'object' && !Array.isArray(value)
    ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    : value;

describe('generate --format logpush', () => {
  const COUNT = 4000;
  const SEED = 6;
  let lines: string[];
  let records: Record<string, unknown>[];
  let requests: GeneratedRequest[];

  beforeAll(async () => {
    lines = await generate(['--count', String(COUNT), '--seed', String(SEED)]);
    records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    // The same options give the same requests: the timestamps depend on the count.
    requests = [...generateRequests({ count: COUNT, seed: SEED })];
  });

  it('writes one Logpush http_requests record per line, every key a known field', () => {
    expect(records).toHaveLength(COUNT);
    const known = new Set(LOGPUSH_FIELD_MAP.map((m) => m.logpush));
    for (const record of records) {
      expect(looksLikeLogpush(record)).toBe(true);
      const { problems, unmapped } = logpushRequest(record);
      expect(problems).toEqual([]);
      expect(unmapped).toEqual([]);
      expect(Object.keys(record).every((key) => known.has(key))).toBe(true);
      expect(record.RayID).toMatch(/^[0-9a-f]{16}$/);
      expect(record.ClientCountry).toMatch(/^[a-z]{2}$/);
      expect(record.ZoneName).toBe('example.com');
    }
    const first = records[0]!;
    for (const key of ['ClientIP', 'ClientASN', 'ClientRequestHost', 'ClientRequestURI', 'EdgeStartTimestamp', 'BotScore', 'JA4', 'WAFAttackScore', 'EdgeColoCode', 'CacheCacheStatus', 'SecurityActions']) {
      expect(first).toHaveProperty(key);
    }
  });

  it('averages 2–3 KB a record, like full Logpush records', () => {
    const bytes = lines.reduce((n, line) => n + Buffer.byteLength(line) + 1, 0);
    const average = bytes / lines.length;
    expect(average).toBeGreaterThan(2000);
    expect(average).toBeLessThan(3000);
  });

  it('is deterministic per seed', async () => {
    const again = await generate(['--count', '200', '--seed', String(SEED)]);
    expect(await generate(['--count', '200', '--seed', String(SEED)])).toEqual(again);
    expect(await generate(['--count', '200', '--seed', String(SEED + 1)])).not.toEqual(again);
  });

  it('gives back the field values the generator started from, for every field the example ruleset reads', () => {
    // cf.bot_management.static_resource has no Logpush field: the mapping derives it from the path.
    const fields = reference.fields;
    expect(fields.length).toBeGreaterThan(10);
    for (let i = 0; i < COUNT; i++) {
      const { values } = logpushRequest(records[i]);
      const original = requests[i]!.values;
      for (const field of fields) {
        let expected = original[field];
        // The Cookie header travels in the Cookies custom field, not in RequestHeaders.
        if (field === 'http.request.headers') expected = Object.fromEntries(Object.entries(expected as object).filter(([name]) => name !== 'cookie'));
        expect({ field, value: canonical(values[field]) }).toEqual({ field, value: canonical(expected) });
      }
      expect(values['cf.ray_id']).toBe(original['cf.ray_id']);
      expect(values['http.request.timestamp.sec']).toBe(original['http.request.timestamp.sec']);
      expect(values['http.request.timestamp.msec']).toBe(original['http.request.timestamp.msec']);
      expect(values['http.request.cookies']).toEqual(original['http.request.cookies'] ?? {});
      expect(values['cf.waf.score.class']).toBe(original['cf.waf.score.class']);
      expect(values['cf.verified_bot_category']).toBe(original['cf.verified_bot_category'] ?? '');
    }
  });

  it('logs the decision of the reference ruleset in the Security* fields', () => {
    const seen = new Set<string>();
    for (let i = 0; i < COUNT; i++) {
      const decision = decide(requests[i]!);
      const record = records[i]!;
      const logged = logpushSecurity(record);
      expect(logged.problems).toEqual([]);
      seen.add(String(record.SecurityAction));
      for (const action of record.SecurityActions as string[]) seen.add(action);
      if (logged.outcome === 'bypassed') {
        // Clearance let the visitor through a challenge: the phase ended, the request was allowed.
        expect(decision.action).toBe('allow');
        expect(logged.ruleId).toBe(decision.ruleId);
        expect(decision.events.at(-1)!.action).toMatch(/_bypassed$/);
      } else {
        expect({ i, action: logged.action ?? 'allow', ruleId: logged.ruleId ?? null }).toEqual({ i, action: decision.action, ruleId: decision.ruleId });
      }
      if (decision.action === 'allow' && decision.ruleId === null) {
        expect(record.SecurityAction).toBe('');
        expect(record.SecurityRuleID).toBe('');
      }
      // Every event, in order, from the custom rules.
      expect(logged.ruleIds).toEqual(decision.events.map((e) => e.ruleId));
      expect(logged.sources).toEqual(decision.events.map(() => 'firewallCustom'));
      expect(logged.actions).toEqual(decision.events.map((e) => EVENT_ACTION[e.action]));
      if (decision.action === 'block') {
        expect(record.SecuritySources).toContain('firewallCustom');
        expect(record.EdgeResponseStatus).toBe(decision.response!.status_code);
        expect(record.CacheCacheStatus).toBe('unknown');
      }
    }
    // Logpush spellings of every kind of event the example ruleset produces.
    for (const spelling of ['', 'block', 'managedChallenge', 'jschallenge', 'challenge', 'managedChallengeBypassed', 'challengeBypassed', 'log', 'skip']) expect(seen).toContain(spelling);
    const blocked = records.find((r) => r.SecurityAction === 'block')!;
    expect(blocked.SecurityRuleIDs).toContain(blocked.SecurityRuleID);
    expect(blocked.SecurityRuleDescription).not.toBe('');
  });

  it('replays to the same decision', () => {
    for (let i = 0; i < COUNT; i++) {
      const request = requests[i]!;
      const { values } = logpushRequest(records[i], { fields: new Set(reference.fields) });
      const replayed = reference.evaluate(values, { now: request.now, ...(request.clearance !== undefined && { clearance: request.clearance }) });
      const decision = decide(request);
      expect({ i, action: replayed.action, ruleId: replayed.ruleId }).toEqual({ i, action: decision.action, ruleId: decision.ruleId });
    }
  });
});

describe('generate --format logpush --timestamps', () => {
  const COUNT = 60;
  const requests = [...generateRequests({ count: COUNT, seed: 2 })];

  it('writes unixnano by default: integers of nanoseconds with all their digits', async () => {
    const lines = await generate(['--count', String(COUNT), '--seed', '2']);
    expect(await generate(['--count', String(COUNT), '--seed', '2', '--timestamps', 'unixnano'])).toEqual(lines);
    lines.forEach((line, i) => {
      const start = /"EdgeStartTimestamp":(\d+),/.exec(line)![1]!;
      const end = /"EdgeEndTimestamp":(\d+),/.exec(line)![1]!;
      expect(start).toHaveLength(19);
      expect(BigInt(end)).toBeGreaterThan(BigInt(start));
      const request = requests[i]!;
      expect(start.slice(0, 10)).toBe(String(request.now));
      expect(Number(start.slice(10, 13))).toBe(request.values['http.request.timestamp.msec']);
      const record = JSON.parse(line);
      expect(typeof record.EdgeStartTimestamp).toBe('number');
      expect(logpushTimestampMs(record.EdgeStartTimestamp)).toBe(request.now * 1000 + (request.values['http.request.timestamp.msec'] as number));
      const { values } = logpushRequest(record);
      expect(values['http.request.timestamp.sec']).toBe(request.now);
      expect(values['http.request.timestamp.msec']).toBe(request.values['http.request.timestamp.msec']);
    });
  });

  it('writes unix seconds', async () => {
    const lines = await generate(['--count', String(COUNT), '--seed', '2', '--timestamps', 'unix']);
    lines.forEach((line, i) => {
      const record = JSON.parse(line);
      expect(record.EdgeStartTimestamp).toBe(requests[i]!.now);
      expect(Number.isInteger(record.EdgeEndTimestamp)).toBe(true);
      expect(record.EdgeEndTimestamp).toBeGreaterThanOrEqual(record.EdgeStartTimestamp);
      const { values } = logpushRequest(record);
      expect(values['http.request.timestamp.sec']).toBe(requests[i]!.now);
      expect(values['http.request.timestamp.msec']).toBe(0);
    });
  });

  it('writes RFC 3339 at whole seconds', async () => {
    const lines = await generate(['--count', String(COUNT), '--seed', '2', '--timestamps', 'rfc3339']);
    lines.forEach((line, i) => {
      const record = JSON.parse(line);
      expect(record.EdgeStartTimestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      expect(record.EdgeStartTimestamp).toBe(new Date(requests[i]!.now * 1000).toISOString().replace('.000', ''));
      expect(record.EdgeEndTimestamp >= record.EdgeStartTimestamp).toBe(true);
      const { values, problems } = logpushRequest(record);
      expect(problems).toEqual([]);
      expect(values['http.request.timestamp.sec']).toBe(requests[i]!.now);
    });
  });

  it('keeps the rest of the record whatever the format', async () => {
    const [nano, unix] = await Promise.all([generate(['--count', '5', '--timestamps', 'unixnano']), generate(['--count', '5', '--timestamps', 'unix'])]);
    const strip = (line: string) => {
      const { EdgeStartTimestamp: _s, EdgeEndTimestamp: _e, ...rest } = JSON.parse(line);
      return rest;
    };
    expect(unix.map(strip)).toEqual(nano.map(strip));
  });
});

describe('generate --format logpush options', () => {
  it('evaluates another ruleset given with --ruleset', async () => {
    const dir = tempDir({ 'rules.json': [{ id: 'a1b2', description: 'Block the shop', expression: 'http.host eq "shop.example.com"', action: 'block' }, { ref: 'watch', expression: 'true', action: 'log' }] });
    try {
      const result = await runCli(['generate', '--format', 'logpush', '--count', '300', '--ruleset', dir.path('rules.json')]);
      expect(result.code).toBe(0);
      const records = result.stdout.trim().split('\n').map((line) => JSON.parse(line));
      const shop = records.filter((r) => r.ClientRequestHost === 'shop.example.com');
      expect(shop.length).toBeGreaterThan(0);
      for (const record of records) {
        if (record.ClientRequestHost === 'shop.example.com') {
          expect(record).toMatchObject({ SecurityAction: 'block', SecurityRuleID: 'a1b2', SecurityRuleDescription: 'Block the shop', SecurityActions: ['block'], SecurityRuleIDs: ['a1b2'], SecuritySources: ['firewallCustom'], EdgeResponseStatus: 403 });
        } else {
          expect(record).toMatchObject({ SecurityAction: '', SecurityRuleID: '', SecurityActions: ['log'], SecurityRuleIDs: ['watch'], SecuritySources: ['firewallCustom'] });
        }
      }
    } finally {
      dir.cleanup();
    }
  });

  it('refuses Logpush options with other formats, and unknown timestamp formats', async () => {
    const misplaced = await runCli(['generate', '--count', '1', '--timestamps', 'unix']);
    expect(misplaced.code).toBe(2);
    expect(misplaced.stderr).toContain('--timestamps applies to --format logpush only');
    const unknown = await runCli(['generate', '--count', '1', '--format', 'logpush', '--timestamps', 'iso']);
    expect(unknown.code).toBe(2);
    const missing = await runCli(['generate', '--count', '1', '--format', 'logpush', '--ruleset', 'no/such/file.json']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no/such/file.json');
  });

  it('writes to a file with --output', async () => {
    const dir = tempDir();
    try {
      const result = await runCli(['generate', '--format', 'logpush', '--count', '20', '--seed', '3', '-o', dir.path('http_requests.log')]);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe('');
      const text = readFileSync(dir.path('http_requests.log'), 'utf8');
      expect(text.trim().split('\n')).toEqual(await generate(['--count', '20', '--seed', '3']));
    } finally {
      dir.cleanup();
    }
  });
});
