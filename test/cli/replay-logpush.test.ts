/**
 * `wirefilter replay` at scale: Cloudflare Logpush input (detected or given), gzip files,
 * directories and glob patterns, the diff against what Cloudflare did, the bot score
 * histogram, malformed and truncated input reported with file and line, worker threads whose
 * merged counts equal one thread's, and memory bounded on a million lines.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, runCliProcess, tempDir } from './run.js';

const RECORDS = JSON.parse(readFileSync(new URL('../cloudflare/logpush/records.json', import.meta.url), 'utf8')) as Record<string, Record<string, unknown>>;
const ndjson = (records: readonly unknown[]): string => `${records.map((r) => JSON.stringify(r)).join('\n')}\n`;
const ALL = Object.values(RECORDS);

// Rule ids as Cloudflare logged them, so the diff can name rules on both sides.
const RULES = {
  phase: 'http_request_firewall_custom',
  rules: [
    { id: 'a6f2b5c4d3e24f1aa9b8c7d6e5f4a3b2', expression: 'http.request.uri.path eq "/login" and http.user_agent contains "sqlmap"', action: 'block' },
    { id: '0c1d2e3f4a5b4c6d8e9f0a1b2c3d4e5f', expression: 'ip.src.country eq "DE"', action: 'managed_challenge' },
    { id: 'new-block', expression: 'http.request.uri.path eq "/favicon.ico"', action: 'block' },
  ],
};
// The same zone after deleting the sqlmap rule.
const WITHOUT_SQLMAP = { ...RULES, rules: RULES.rules.slice(1) };

/** Many lines for the parallel runs: the records over and over, with malformed lines among them. */
function manyLines(count: number): string {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    if (i % 997 === 500) lines.push('{"ClientIP": "198.51.100.1", "RayID": truncated');
    else if (i % 1499 === 7) lines.push('');
    else lines.push(JSON.stringify({ ...ALL[i % ALL.length], RayID: `ray${i.toString(16).padStart(12, '0')}`, ClientRequestURI: `/p/${i % 37}` }));
  }
  return `${lines.join('\n')}\n`;
}

const files = tempDir({ 'rules.json': RULES, 'without-sqlmap.json': WITHOUT_SQLMAP });
const dir = files.dir;
writeFileSync(join(dir, 'logs.ndjson'), ndjson(ALL));
writeFileSync(join(dir, 'logs.ndjson.gz'), gzipSync(ndjson(ALL)));
mkdirSync(join(dir, 'batches'));
writeFileSync(join(dir, 'batches', '20261206T100000Z_a.log.gz'), gzipSync(ndjson(ALL.slice(0, 3))));
writeFileSync(join(dir, 'batches', '20261206T100500Z_b.log.gz'), gzipSync(ndjson(ALL.slice(3))));
writeFileSync(join(dir, 'many.ndjson'), manyLines(6000));
writeFileSync(join(dir, 'many.ndjson.gz'), gzipSync(manyLines(6000)));
const whole = gzipSync(ndjson(ALL));
writeFileSync(join(dir, 'truncated.log.gz'), whole.subarray(0, Math.floor(whole.length * 0.6)));
writeFileSync(join(dir, 'cut-line.ndjson'), ndjson(ALL).slice(0, -40));
writeFileSync(join(dir, 'fields.ndjson'), '{"http.host": "a"}\n');
afterAll(() => files.cleanup());

/** The JSON report without what differs from run to run (time, threads). */
async function report(args: string[]): Promise<Record<string, unknown>> {
  const r = await runCli(['replay', ...args, '--format', 'json', '--no-progress'], { cwd: dir });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const json = JSON.parse(r.stdout) as Record<string, unknown>;
  for (const key of ['elapsedSeconds', 'requestsPerSecond', 'jobs', 'source']) delete json[key];
  return json;
}

describe('replay of Cloudflare Logpush logs', () => {
  it('detects Logpush records and compares each decision with what Cloudflare did', async () => {
    const json = await report(['rules.json', 'logs.ndjson', '--diff']);
    expect(json.format).toBe('logpush');
    expect(json.requests).toBe(7);
    expect(json.decisions).toEqual({ allow: 4, block: 2, managed_challenge: 1 });
    const diff = json.diff as { cells: Record<string, { count: number; sampleRayIds: string[] }>; rules: { cell: string; rule: string | null; count: number }[] };
    expect(Object.fromEntries(Object.entries(diff.cells).map(([cell, data]) => [cell, data.count]))).toEqual({
      agree: 6,
      'newly-blocked': 1,
      'newly-challenged': 0,
      'no-longer-blocked': 0,
      'no-longer-challenged': 0,
    });
    expect(diff.cells['newly-blocked']!.sampleRayIds).toEqual([RECORDS['plain-http-rfc3339ns']!.RayID]);
    expect(diff.rules).toContainEqual(expect.objectContaining({ cell: 'newly-blocked', rule: 'new-block', count: 1 }));
  });

  it('reports requests a changed ruleset would no longer block, naming Cloudflare\'s rule', async () => {
    const json = await report(['without-sqlmap.json', 'logs.ndjson', '--diff']);
    const diff = json.diff as { cells: Record<string, { count: number; sampleRayIds: string[] }>; rules: { cell: string; rule: string | null; count: number }[] };
    expect(diff.cells['no-longer-blocked']).toEqual({ count: 1, sampleRayIds: [RECORDS['sqli-blocked-rfc3339']!.RayID] });
    expect(diff.rules).toContainEqual({ cell: 'no-longer-blocked', rule: 'a6f2b5c4d3e24f1aa9b8c7d6e5f4a3b2', count: 1, sampleRayIds: [RECORDS['sqli-blocked-rfc3339']!.RayID] });
  });

  it('prints the diff and the bot score histogram as text', async () => {
    const r = await runCli(['replay', 'rules.json', 'logs.ndjson', '--diff', '--score-histogram', '--no-progress', '--no-color'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('(Cloudflare Logpush)');
    expect(r.stdout).toMatch(/newly blocked\s+1\s+14\.3%/);
    expect(r.stdout).toContain('by new-block');
    expect(r.stdout).toContain('Bot scores of matched requests');
    // The sqlmap request scored 2: a "score lt 10" condition keeps it, "score lt 2" does not.
    expect(r.stdout).toMatch(/a "score lt t" condition would keep < 2: 0, < 10: 1/);
  });

  it('gives the score distribution of each rule\'s matches as JSON', async () => {
    const json = await report(['rules.json', 'logs.ndjson', '--score-histogram']);
    const histogram = json.scoreHistogram as { rule: string; matched: number; scores: Record<string, number>; below: Record<string, number> }[];
    const byRule = Object.fromEntries(histogram.map((h) => [h.rule, h]));
    expect(byRule['a6f2b5c4d3e24f1aa9b8c7d6e5f4a3b2']).toMatchObject({ matched: 1, scores: { '2': 1 }, below: { '2': 0, '10': 1 } });
    expect(byRule['new-block']).toMatchObject({ matched: 1, scores: { '86': 1 } });
  });

  it('reads gzip files, directories and glob patterns exactly as the plain file', async () => {
    const plain = await report(['rules.json', 'logs.ndjson', '--diff']);
    expect(await report(['rules.json', 'logs.ndjson.gz', '--diff'])).toEqual(plain);
    expect(await report(['rules.json', 'batches', '--diff'])).toEqual(plain);
    expect(await report(['rules.json', 'batches/*.log.gz', '--diff'])).toEqual(plain);
    expect(await report(['rules.json', 'batches/*.log.gz', '--diff', '--jobs', '2'])).toEqual(plain);
  });

  it('reports malformed lines and truncated files with their file and line, and goes on', async () => {
    const cut = await report(['rules.json', 'cut-line.ndjson', 'logs.ndjson']);
    expect(cut.requests).toBe(13);
    const lines = (cut.malformed as { count: number; lines: { file?: string; line: number; error: string }[] }).lines;
    expect(lines).toEqual([{ file: 'cut-line.ndjson', line: 7, error: expect.stringMatching(/JSON/) }]);
    const truncated = await report(['rules.json', 'truncated.log.gz', 'logs.ndjson']);
    const problem = (truncated.malformed as { lines: { file?: string; line: number; error: string }[] }).lines.find((l) => l.file === 'truncated.log.gz');
    expect(problem?.error).toMatch(/could not be read further: unexpected end of file/);
    expect(truncated.requests as number).toBeGreaterThanOrEqual(7);
  });

  it('refuses --diff on field-value traffic, and a pattern that matches nothing', async () => {
    const diff = await runCli(['replay', 'rules.json', 'fields.ndjson', '--diff'], { cwd: dir });
    expect(diff.code).toBe(2);
    expect(diff.stderr).toContain('--diff needs Cloudflare Logpush input');
    const none = await runCli(['replay', 'rules.json', 'nothing/*.gz'], { cwd: dir });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no file matches the pattern');
  });

  it('lists Logpush fields the mapping does not know once, not per line', async () => {
    writeFileSync(join(dir, 'extra.ndjson'), ndjson(ALL.map((r) => ({ ...r, BrandNewField: 1 }))));
    const json = await report(['rules.json', 'extra.ndjson']);
    expect(json.unmappedLogpushFields).toEqual(['BrandNewField']);
  });
});

describe('replay with worker threads', () => {
  it('merges the workers\' counts into exactly what one thread counts (decisions, hits, top values, malformed lines, diff)', async () => {
    const args = ['rules.json', 'many.ndjson', '--diff', '--score-histogram', '--top', '5'];
    const one = await report([...args, '--jobs', '1']);
    const two = await report([...args, '--jobs', '2', '--chunk-bytes', '65536']);
    // 6 malformed lines (i % 997 = 500) and 4 blank ones (i % 1499 = 7) among 6,000.
    expect(one.requests).toBe(6000 - 6 - 4);
    expect((one.malformed as { count: number }).count).toBe(6);
    expect(two).toEqual(one);
    // Gzip files are whole tasks; several of them spread over the workers.
    const gz = await report(['rules.json', 'many.ndjson.gz', 'many.ndjson', '--diff', '--jobs', '2', '--chunk-bytes', '100000']);
    const gzOne = await report(['rules.json', 'many.ndjson.gz', 'many.ndjson', '--diff', '--jobs', '1']);
    expect(gz).toEqual(gzOne);
  });

  it('keeps memory bounded on a million lines (real process, peak RSS from --stats)', async () => {
    const line = '{"http.request.uri.path": "/a", "http.user_agent": "curl/8", "ip.src": "192.0.2.1"}\n';
    writeFileSync(join(dir, 'million.ndjson'), line.repeat(1_000_000));
    const r = await runCliProcess(['replay', 'rules.json', 'million.ndjson', '--format', 'json', '--stats', '--no-progress', '--jobs', '1'], { cwd: dir });
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as { requests: number; process: { peakRssBytes: number } };
    expect(json.requests).toBe(1_000_000);
    // The file is 86 MB; a replay that kept lines or requests would hold several times that.
    expect(json.process.peakRssBytes).toBeLessThan(250 * 1024 * 1024);
  }, 120_000);
});
