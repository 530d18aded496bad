/**
 * The CLI under hostile input (findings of an attack campaign): deep JSON, over-long NDJSON
 * lines, long whitespace runs, JSON keys that read like paths, failed writes, BOMs and bytes
 * that are not UTF-8, and paths to FIFOs and devices. Each test names the finding it guards.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, lstatSync, readdirSync, readFileSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { oneLine } from '../../src/cli/eval.js';
import { isWhitespace, MAX_INPUT_BYTES, trimTrailingWhitespace } from '../../src/cli/io.js';
import { JsonSource, JsonSyntaxError, MAX_JSON_DEPTH, parseJson } from '../../src/cli/json-source.js';
import { MAX_LINE_BYTES, readLines, type Line } from '../../src/cli/lines.js';
import { expectLinearGrowth } from '../hostile/helpers.js';
import { ROOT, runCli, tempDir } from './run.js';

const files = tempDir();
afterAll(() => files.cleanup());

/** Milliseconds an async call takes. */
async function timed<T>(fn: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const start = performance.now();
  const result = await fn();
  return { result, ms: performance.now() - start };
}

const RULE = { ref: 'r', expression: 'ssl  and  ssl', action: 'block' };
const request = (ip: string) => JSON.stringify({ 'ip.src': ip, ssl: true });

describe('finding 1: deeply nested JSON is a syntax error with a line and column, never a RangeError', () => {
  const deep = {
    array: (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`,
    object: (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`,
  };

  for (const n of [5_000, 100_000]) {
    for (const [shape, make] of Object.entries(deep)) {
      it(`${shape}s ${n.toLocaleString('en-US')} deep: check, test and --lists report it quickly`, async () => {
        const name = `deep-${shape}-${n}.json`;
        writeFileSync(files.path(name), make(n));
        writeFileSync(files.path(`deep-${shape}-${n}.test.json`), JSON.stringify({ ruleset: name, cases: [] }));
        const column = shape === 'array' ? MAX_JSON_DEPTH + 1 : 5 * MAX_JSON_DEPTH + 1;

        const { result: check, ms } = await timed(() => runCli(['check', name], { cwd: files.dir }));
        expect(ms).toBeLessThan(2000);
        expect(check.code).toBe(1);
        expect(check.stdout).toContain(`${name}:1:${column} error[invalid-json]`);
        expect(check.stdout).toContain(`nested deeper than ${MAX_JSON_DEPTH} levels`);
        expect(check.stdout + check.stderr).not.toMatch(/RangeError|internal error/);

        const test = await runCli(['test', `deep-${shape}-${n}.test.json`], { cwd: files.dir });
        expect(test.code).toBe(1);
        expect(test.stderr).toContain(`${name}:1:${column}: invalid JSON: nested deeper than ${MAX_JSON_DEPTH} levels`);

        const lists = await runCli(['check', '--lists', name, 'ssl'], { cwd: files.dir });
        expect(lists.code).toBe(2);
        expect(lists.stderr).toContain(`${name} is not valid JSON: nested deeper than ${MAX_JSON_DEPTH} levels of arrays and objects (line 1, column ${column})`);
      });
    }
  }

  it('the test file itself, nested too deep', async () => {
    writeFileSync(files.path('deep.test.json'), deep.array(100_000));
    const r = await runCli(['test', 'deep.test.json'], { cwd: files.dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`invalid JSON: nested deeper than ${MAX_JSON_DEPTH} levels of arrays and objects (line 1, column ${MAX_JSON_DEPTH + 1})`);
  });

  it('parses up to the limit like JSON.parse, with locations; one level more is refused at its bracket', () => {
    for (const make of Object.values(deep)) {
      const text = make(MAX_JSON_DEPTH);
      const json = new JsonSource(text);
      expect(json.value).toEqual(JSON.parse(text));
      expect(parseJson(text)).toEqual(JSON.parse(text));
      expect(json.root).toMatchObject({ start: 0, end: text.length });
      const error = (() => {
        try {
          new JsonSource(make(MAX_JSON_DEPTH + 1));
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(JsonSyntaxError);
      const offset = text.indexOf('[') === 0 ? MAX_JSON_DEPTH : 5 * MAX_JSON_DEPTH;
      expect(error).toMatchObject({ offset, position: { line: 1, column: offset + 1 } });
    }
  });

  it('a long flat document parses (no recursion over siblings either)', () => {
    const text = `[${Array.from({ length: 100_000 }, (_, i) => `{"k": [${i}, "v"]}`).join(',')}]`;
    const json = new JsonSource(text);
    expect(JSON.stringify(json.value)).toBe(JSON.stringify(JSON.parse(text)));
    expect(json.node([99_999, 'k', 0])).toMatchObject({ kind: 'number', value: 99_999 });
  });
});

describe('finding 2: replay bounds the line length and goes on after an over-long line', () => {
  // Line 2: a 3 MB line (valid JSON, so only its length makes it malformed); line 4: not JSON.
  const longLine = JSON.stringify({ 'ip.src': '192.0.2.2', 'http.user_agent': 'a'.repeat(3_000_000) });
  const traffic = [request('192.0.2.1'), longLine, request('192.0.2.3'), '{"ip.src":', request('192.0.2.5')].join('\n');

  it('with the default limit (1 MiB), a 3 MB line is malformed; the valid lines are counted', async () => {
    expect(longLine.length).toBeGreaterThan(3 * MAX_LINE_BYTES * 0.9);
    writeFileSync(files.path('long.json'), JSON.stringify([RULE]));
    writeFileSync(files.path('long.ndjson'), `${traffic}\n`);
    const r = await runCli(['replay', 'long.json', 'long.ndjson', '--format', 'json'], { cwd: files.dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.requests).toBe(3);
    expect(summary.malformed.count).toBe(2);
    expect(summary.malformed.lines[0]).toEqual({ line: 2, error: `longer than 1,048,576 bytes (${longLine.length.toLocaleString('en-US')}; see --max-line-bytes)` });
    expect(summary.malformed.lines[1].line).toBe(4);
  });

  it('--max-line-bytes lowers the limit (CRLF line ends, standard input, text summary)', async () => {
    writeFileSync(files.path('limit.json'), JSON.stringify([RULE]));
    const lines = [request('192.0.2.1'), request(`192.0.2.2", "x": "${'b'.repeat(200)}`), request('192.0.2.3')];
    const r = await runCli(['replay', 'limit.json', '-', '--max-line-bytes', '100'], { cwd: files.dir, input: `${lines.join('\r\n')}\r\n` });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Replayed 2 requests');
    expect(r.stdout).toContain('1 malformed line skipped');
    expect(r.stdout).toMatch(/line 2: longer than 100 bytes/);
    const bad = await runCli(['replay', 'limit.json', '-', '--max-line-bytes', '0'], { cwd: files.dir, input: '' });
    expect(bad.code).toBe(2);
  });

  /** A stream of chunks, as `for await` reads a file or standard input. */
  async function* chunks(...parts: (Buffer | string)[]): AsyncGenerator<Buffer> {
    for (const part of parts) yield typeof part === 'string' ? Buffer.from(part, 'utf8') : part;
  }
  const collect = async (stream: AsyncIterable<unknown>, max?: number): Promise<Line[]> => {
    const out: Line[] = [];
    for await (const line of readLines(stream, max)) out.push(line);
    return out;
  };

  it('a 600 MB line (past the longest string V8 can build) is skipped without being held', async () => {
    const mib = Buffer.alloc(1024 * 1024, 0x61);
    async function* huge(): AsyncGenerator<Buffer> {
      yield Buffer.from('{"a":1}\n');
      for (let i = 0; i < 600; i++) yield mib; // the same chunk: only a splitter that keeps it would grow
      yield Buffer.from('\n{"b":2}\n');
    }
    const { result: lines, ms } = await timed(() => collect(huge()));
    expect(ms).toBeLessThan(10_000);
    expect(lines.map(({ number, text, bytes }) => ({ number, text, bytes }))).toEqual([
      { number: 1, text: '{"a":1}', bytes: 7 },
      { number: 2, text: undefined, bytes: 600 * 1024 * 1024 },
      { number: 3, text: '{"b":2}', bytes: 7 },
    ]);
    expect(lines[2]!.end).toBe(8 + 600 * 1024 * 1024 + 9);
  });

  it('splits like readline: \\n, \\r\\n and lone \\r, across chunk boundaries; UTF-8 split across chunks', async () => {
    const e = Buffer.from('é', 'utf8');
    const lines = await collect(chunks('a\r', '\nb\rc\n\n', Buffer.from([0x64, e[0]!]), Buffer.from([e[1]!, 0x0d]), 'e'));
    expect(lines.map((l) => l.text)).toEqual(['a', 'b', 'c', '', 'dé', 'e']);
    expect(lines.at(-1)).toMatchObject({ number: 6, end: 13 });
    expect((await collect(chunks('x\n'))).map((l) => l.text)).toEqual(['x']);
    expect(await collect(chunks(''))).toEqual([]);
    // Exactly at the limit is kept; one byte more is not.
    expect((await collect(chunks('abcd\nabcde\n'), 4)).map((l) => l.text)).toEqual(['abcd', undefined]);
    expect((await collect(chunks('ab', 'cd', 'e', 'f\r\ng'), 4)).map((l) => [l.text, l.bytes])).toEqual([
      [undefined, 6],
      ['g', 1],
    ]);
  });
});

describe('finding 3: trailing whitespace of expression files is trimmed in linear time', () => {
  it('trims exactly what /\\s+$/ trims (every UTF-16 code unit)', () => {
    const differ: string[] = [];
    for (let code = 0; code <= 0xffff; code++) {
      const c = String.fromCharCode(code);
      const text = `a${c}${c} `;
      if (isWhitespace(code) !== /\s/.test(c) || trimTrailingWhitespace(text) !== text.replace(/\s+$/, '')) differ.push(`U+${code.toString(16)}`);
    }
    expect(differ).toEqual([]);
    expect(trimTrailingWhitespace('')).toBe('');
    expect(trimTrailingWhitespace(' \n\t')).toBe('');
    expect(trimTrailingWhitespace(' x \u3000\ufeff\n')).toBe(' x');
  });

  it('traces put expressions on one line as /\\s*\\n\\s*/g did, in linear time', () => {
    const alphabet = [' ', '\n', '\t', 'a', '\u00a0', '\r', '\u2028'];
    let seed = 1;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (let i = 0; i < 20_000; i++) {
      const text = Array.from({ length: Math.floor(random() * 12) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
      if (oneLine(text) !== text.replace(/\s*\n\s*/g, ' ')) expect(oneLine(text), JSON.stringify(text)).toBe(text.replace(/\s*\n\s*/g, ' '));
    }
    // Sizes that take milliseconds (the scans are fast), so that timer noise does not decide.
    const sizes = [2_000_000, 4_000_000, 8_000_000];
    expectLinearGrowth(sizes, (n) => `a${' '.repeat(n)}\n${' '.repeat(n)}y`, oneLine, { label: 'oneLine' });
    expectLinearGrowth(sizes, (n) => `${' '.repeat(n)}x${' '.repeat(n)}`, trimTrailingWhitespace, { label: 'trimTrailingWhitespace' });
  });

  it('fmt of a file of 200k, 400k, 800k spaces, `x` and a newline: about linear growth', async () => {
    const sizes = [200_000, 400_000, 800_000];
    for (const n of sizes) writeFileSync(files.path(`spaces-${n}.txt`), `${' '.repeat(n)}x\n`);
    const once = await runCli(['fmt', `spaces-${sizes[0]}.txt`], { cwd: files.dir });
    expect(once).toMatchObject({ code: 0, stdout: 'x\n' });
    const best = async (n: number): Promise<number> => {
      let min = Infinity;
      for (let i = 0; i < 5; i++) min = Math.min(min, (await timed(() => runCli(['fmt', `spaces-${n}.txt`], { cwd: files.dir }))).ms);
      return min;
    };
    let times: number[] = [];
    // A garbage collection or the other core's load (vitest runs test files side by side) can
    // land in one size's runs: up to three more rounds, keeping each size's best.
    for (let round = 0; round < 4; round++) {
      const now: number[] = [];
      for (const n of sizes) now.push(await best(n));
      times = round === 0 ? now : times.map((t, i) => Math.min(t, now[i]!));
      if (times.every((t, i) => i === 0 || t / times[i - 1]! < 3)) break;
    }
    for (let i = 1; i < sizes.length; i++) {
      expect(times[i]! / times[i - 1]!, `${sizes[i - 1]} → ${sizes[i]}: ${times.map((t) => t.toFixed(1)).join(' → ')} ms`).toBeLessThan(3);
    }
  }, 60_000);
});

describe('finding 4: fmt --write finds expressions by structure, not by a joined path string', () => {
  it('keys literally named like the expression path are left alone', async () => {
    const text = `{
  "rules": [
    {"ref": "a", "expression": "ssl  and  ssl", "action": "block", "meta": {"rules[0].expression": "keep  this", "expression": "and  this"}}
  ],
  "rules[0]": {"expression": "not  an  expression"},
  "rules[0].expression": "not  one  either"
}
`;
    writeFileSync(files.path('collide.json'), text);
    const r = await runCli(['fmt', '--write', 'collide.json'], { cwd: files.dir });
    expect(r.code).toBe(0);
    expect(readFileSync(files.path('collide.json'), 'utf8')).toBe(text.replace('"ssl  and  ssl"', '"ssl and ssl"'));
  });

  it('also in the API envelope and in a plain array of rules', async () => {
    const envelope = `{"result": {"rules": [{"expression": "ssl  or  ssl", "action": "log"}]}, "result.rules[0].expression": "x  y"}`;
    const array = `[{"expression": "not  ssl", "action": "log", "[0].expression": "x  y"}]`;
    writeFileSync(files.path('collide-envelope.json'), envelope);
    writeFileSync(files.path('collide-array.json'), array);
    expect((await runCli(['fmt', '--write', 'collide-envelope.json', 'collide-array.json'], { cwd: files.dir })).code).toBe(0);
    expect(readFileSync(files.path('collide-envelope.json'), 'utf8')).toBe(envelope.replace('ssl  or  ssl', 'ssl or ssl'));
    expect(readFileSync(files.path('collide-array.json'), 'utf8')).toBe(array.replace('not  ssl', 'not ssl'));
  });

  it('joined problem paths: the structural reading first, keys with dots when it does not exist; bounded work', () => {
    const json = new JsonSource('{"a.b": {"c": 1}, "rules": [{"expression": "x"}], "rules[0].expression": "y", "k": {"x.y": [5]}}');
    expect(json.location('rules[0].expression')?.value).toBe('x');
    expect(json.node(['rules[0].expression'])?.value).toBe('y');
    expect(json.node(['rules', 0, 'expression'])?.value).toBe('x');
    expect(json.location('a.b.c')?.value).toBe(1);
    expect(json.location('k.x.y[0]')?.value).toBe(5);
    expect(json.nearest('k.x.y[3].z')?.path).toBe('k.x.y');
    const start = performance.now();
    const nested = new JsonSource(`${'{"a": '.repeat(500)}{"a.a": 1}${'}'.repeat(500)}`);
    expect(nested.nearest(`${'a.'.repeat(500_000)}b`)?.path).toBe(`${'a.'.repeat(501)}a`);
    expect(nested.location(`${'a.'.repeat(500_000)}b`)).toBeUndefined();
    expect(performance.now() - start).toBeLessThan(2000);
  });

  it('check places a problem in the real expression, not in a key that reads the same', async () => {
    writeFileSync(files.path('collide-check.json'), `{"rules": [\n  {"ref": "a", "expression": "http.hots eq \\"a\\"", "action": "block"}\n],\n"rules[0].expression": "http.host eq \\"zzzzzzzz\\""}\n`);
    const r = await runCli(['check', 'collide-check.json', '--format', 'json'], { cwd: files.dir });
    expect(r.code).toBe(1);
    const [finding] = JSON.parse(r.stdout).findings;
    expect(finding).toMatchObject({ code: 'unknown-identifier', line: 2, column: 31, endLine: 2, endColumn: 40, expression: 'http.hots eq "a"' });
  });
});

describe('finding 5: fmt --write replaces files atomically and keeps their mode', () => {
  it('keeps the permission bits (0o640, 0o604) and writes through a symbolic link', async () => {
    for (const mode of [0o640, 0o604]) {
      const name = `mode-${mode.toString(8)}.json`;
      writeFileSync(files.path(name), JSON.stringify([RULE]));
      chmodSync(files.path(name), mode);
      expect((await runCli(['fmt', '--write', name], { cwd: files.dir })).code).toBe(0);
      expect(readFileSync(files.path(name), 'utf8')).toContain('"ssl and ssl"');
      expect(statSync(files.path(name)).mode & 0o7777).toBe(mode);
    }
    writeFileSync(files.path('target.json'), JSON.stringify([RULE]));
    symlinkSync('target.json', files.path('link.json'));
    expect((await runCli(['fmt', '--write', 'link.json'], { cwd: files.dir })).code).toBe(0);
    expect(lstatSync(files.path('link.json')).isSymbolicLink()).toBe(true);
    expect(readFileSync(files.path('target.json'), 'utf8')).toContain('"ssl and ssl"');
    // No temporary file is left behind.
    expect(readdirSync(files.dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('a write that fails part-way (file size limit: EFBIG, as on a full disk) leaves the original untouched', async () => {
    // A real process with `ulimit -f`: reading is not limited, writing past 8 KiB fails (Node
    // ignores SIGXFSZ, so the write gets EFBIG). Works as root too, unlike a read-only directory.
    const { dir, path, cleanup } = tempDir();
    try {
      const original = `${JSON.stringify([{ ...RULE, description: 'd'.repeat(100_000) }], null, 2)}\n`;
      writeFileSync(path('big.json'), original);
      chmodSync(path('big.json'), 0o640);
      const r = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
        const child = spawn('sh', ['-c', 'ulimit -f 16 && exec "$0" --import tsx src/cli/bin.ts fmt --write "$1"', process.execPath, path('big.json')], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stderr }));
      });
      expect(r.stderr).toContain(`cannot write ${path('big.json')}: EFBIG`);
      expect(r.code).toBe(2);
      expect(readFileSync(path('big.json'), 'utf8')).toBe(original);
      expect(statSync(path('big.json')).mode & 0o7777).toBe(0o640);
      // The temporary file was removed.
      expect(readdirSync(dir)).toEqual(['big.json']);
    } finally {
      cleanup();
    }
  }, 60_000);
});

describe('finding 6: fmt --write keeps every byte outside the rewritten expressions', () => {
  it('a BOM, bytes that are not UTF-8, CRLF line ends and escapes stay as they were', async () => {
    const b = (text: string) => Buffer.from(text, 'utf8');
    const parts = [
      Buffer.from([0xef, 0xbb, 0xbf]),
      b('{ "rules": [\r\n  {"ref": "caf\u00e9 \u{1f600}", "expression": "http.host  eq \\"\u00e9\\"", "action": "block",\r\n   "description": "'),
      Buffer.from([0xff, 0xfe, 0x80, 0xc3, 0x28, 0xe2, 0x82]),
      b('"},\r\n  {"ref": "b", "note": "'),
      Buffer.from([0xed, 0xa0, 0x80, 0xf4, 0x90, 0x80, 0x80, 0xc0, 0xaf]),
      b('", "expression": "ssl  and  not  ssl", "action": "log"},\r\n  {"ref": "c", "expression": "ssl", "action": "log", "x": "\\u00e9\\ud83d"}\r\n],\t"tail": "'),
      Buffer.from([0xfe]),
      b('"}\r\n'),
    ];
    const original = Buffer.concat(parts);
    writeFileSync(files.path('bytes.json'), original);
    const r = await runCli(['fmt', '--write', 'bytes.json'], { cwd: files.dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const expected = Buffer.concat(
      parts.map((part) =>
        Buffer.from(
          part
            .toString('latin1')
            .replace(Buffer.from('"http.host  eq \\"\u00e9\\""', 'utf8').toString('latin1'), Buffer.from('"http.host eq \\"\u00e9\\""', 'utf8').toString('latin1'))
            .replace('"ssl  and  not  ssl"', '"ssl and not ssl"'),
          'latin1',
        ),
      ),
    );
    expect(readFileSync(files.path('bytes.json')).equals(expected)).toBe(true);
    // Formatted now.
    expect((await runCli(['fmt', '--check', 'bytes.json'], { cwd: files.dir })).code).toBe(0);
  });

  it('an expression file keeps its BOM', async () => {
    writeFileSync(files.path('bom.txt'), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('ssl  and  ssl\r\n\r\n')]));
    expect((await runCli(['fmt', '--write', 'bom.txt'], { cwd: files.dir })).code).toBe(0);
    expect(readFileSync(files.path('bom.txt')).equals(Buffer.from('\ufeffssl and ssl\n', 'utf8'))).toBe(true);
  });
});

describe('finding 7: only regular files of bounded size are read', () => {
  const fifo = files.path('fifo');
  execFileSync('mkfifo', [fifo]);
  symlinkSync('fifo', files.path('fifo.json'));
  writeFileSync(files.path('ok.json'), JSON.stringify([RULE]));
  writeFileSync(files.path('zero.test.json'), JSON.stringify({ ruleset: '/dev/zero', cases: [] }));
  writeFileSync(files.path('fifo.test.json'), JSON.stringify({ ruleset: 'fifo', cases: [] }));
  writeFileSync(files.path('fifo-lists.test.json'), JSON.stringify({ ruleset: 'ok.json', lists: 'fifo', cases: [] }));
  writeFileSync(files.path('huge.json'), '');
  truncateSync(files.path('huge.json'), MAX_INPUT_BYTES + 1); // sparse: nothing is written
  writeFileSync(files.path('huge.test.json'), JSON.stringify({ ruleset: 'huge.json', cases: [] }));

  it('a test file naming /dev/zero gets a clear error, quickly', async () => {
    const { result: r, ms } = await timed(() => runCli(['test', 'zero.test.json'], { cwd: files.dir }));
    expect(ms).toBeLessThan(2000);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('zero.test.json: "ruleset": cannot read /dev/zero: not a regular file (a device)');
  });

  it('a FIFO (relative to the test file) is refused without blocking: as ruleset, as lists', async () => {
    // No writer ever opens the FIFO: opening it for reading would block forever.
    const r = await runCli(['test', files.path('fifo.test.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`fifo.test.json: "ruleset": cannot read ${fifo}: not a regular file (a FIFO)`);
    const lists = await runCli(['test', files.path('fifo-lists.test.json')]);
    expect(lists.code).toBe(2);
    expect(lists.stderr).toContain(`"lists": cannot read ${fifo}: not a regular file (a FIFO)`);
  });

  it('a file over the size limit is refused before it is read', async () => {
    const r = await runCli(['test', 'huge.test.json'], { cwd: files.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"ruleset": cannot read');
    expect(r.stderr).toContain('huge.json: larger than 16 MiB');
  });

  it('every command reads files the same way', async () => {
    const cases: [string[], string][] = [
      [['check', 'fifo.json'], 'cannot read fifo.json: not a regular file (a FIFO)'],
      [['check', '--lists', 'fifo', 'ssl'], 'cannot read fifo: not a regular file (a FIFO)'],
      [['check', '--scheme', '/dev/zero', 'ssl'], 'cannot read /dev/zero: not a regular file (a device)'],
      [['fmt', '--write', 'huge.json'], 'cannot read huge.json: larger than 16 MiB'],
      [['eval', 'ok.json', '--request', 'fifo'], 'cannot read fifo: not a regular file (a FIFO)'],
      [['eval', 'fifo.json', '--request', '{}'], 'cannot read fifo.json: not a regular file (a FIFO)'],
      [['replay', 'ok.json', 'fifo'], 'cannot read fifo: not a regular file (a FIFO)'],
      [['replay', 'fifo', '--generate', '1'], 'cannot read fifo: not a regular file (a FIFO)'],
    ];
    for (const [args, message] of cases) {
      const { result: r, ms } = await timed(() => runCli(args, { cwd: files.dir }));
      expect(r.stderr, args.join(' ')).toContain(message);
      expect(r.code, args.join(' ')).toBe(2);
      expect(ms).toBeLessThan(2000);
    }
  });

  it('standard input is bounded too', async () => {
    const r = await runCli(['check', '-'], { input: ' '.repeat(MAX_INPUT_BYTES + 1) });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('standard input is larger than 16 MiB');
  });
});
