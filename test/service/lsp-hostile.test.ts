/**
 * The language server against hostile or broken clients and workspaces: malformed message
 * frames, a scheme file that is a device or a FIFO, a burst of changes to a large Rulesets
 * document, and documents without text. Each server is the built `dist/lsp.js`, spawned over
 * stdio, and each test stops its server.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_FRAME_BYTES, FrameValidator, MAX_FRAMING_REPORTS } from '../../src/service/lsp/framing.js';
import { MAX_SCHEME_FILE_BYTES, readSchemeFile } from '../../src/service/lsp/scheme-file.js';
import { Client, frame, positionOf, type LspDiagnostic } from './lsp-client.js';

const posix = process.platform !== 'win32';

/** Servers started by the current test, stopped after it whatever happened. */
const started: Client[] = [];
function client(...args: ConstructorParameters<typeof Client>): Client {
  const c = new Client(...args);
  started.push(c);
  return c;
}
afterEach(() => {
  for (const c of started.splice(0)) c.kill();
});

const WF = 'file:///rules/probe.wf';
const WF_TEXT = 'http.hots eq "a" and ip.src in {10.0.0.0/8}';
const HOVER_IP = { textDocument: { uri: WF }, position: { line: 0, character: WF_TEXT.indexOf('ip.src') + 1 } };

/** Runs `chunks` through a validator; the forwarded bytes and the reports. */
function validate(chunks: Buffer[], maxFrameBytes?: number): { output: string; reports: string[] } {
  const reports: string[] = [];
  const validator = new FrameValidator({ ...(maxFrameBytes !== undefined && { maxFrameBytes }), report: (m) => reports.push(m) });
  const out: Buffer[] = [];
  validator.on('data', (chunk: Buffer) => out.push(chunk));
  for (const chunk of chunks) validator.write(chunk);
  validator.end();
  return { output: Buffer.concat(out).toString('utf8'), reports };
}

/** `bytes` cut into pieces of `size` bytes. */
function pieces(bytes: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

describe('frame validation (in process)', () => {
  const good = (id: number): Buffer => frame({ jsonrpc: '2.0', id, method: 'x', params: { text: 'héllo Content-Length' } });
  const body = (id: number): string => JSON.stringify({ jsonrpc: '2.0', id, method: 'x', params: { text: 'héllo Content-Length' } });
  const malformed = [
    `Content-Length: -5\r\n\r\n${body(90)}`,
    `Content-Length: abc\r\n\r\n${body(91)}`,
    `Content-Type: application/vscode-jsonrpc\r\n\r\n${body(92)}`,
    `Content-Length: 12\r\nContent-Length: 13\r\n\r\n${body(93)}`,
    `Content-Length: ${DEFAULT_MAX_FRAME_BYTES + 1}\r\n\r\n${body(94)}`,
    `Content-Length: 123456789012345678901234567890\r\n\r\n${body(95)}`,
    `garbage before a header Content-Length: 5\r\n\r\n{"a":`,
  ];

  it('forwards well-formed frames whole, however the input is cut', () => {
    const input = Buffer.concat([good(1), Buffer.from('content-length: 2\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{}'), Buffer.from('\r\n'), good(2)]);
    const expected = `${good(1).toString()}Content-Length: 2\r\n\r\n{}${good(2).toString()}`;
    for (const size of [1, 2, 3, 7, 64, input.length]) {
      const { output, reports } = validate(pieces(input, size));
      expect(output, `pieces of ${size}`).toBe(expected);
      expect(reports).toEqual([]);
    }
  });

  it('drops malformed frames, reports them and resynchronises on the next header', () => {
    // Each malformed frame follows a good one. (Right after another malformed frame, a frame
    // without Content-Length is skipped silently: resynchronisation looks for that header.)
    const input = Buffer.concat([...malformed.flatMap((m, i) => [good(i), Buffer.from(m)]), good(99)]);
    for (const size of [1, 5, 64, input.length]) {
      const { output, reports } = validate(pieces(input, size));
      // The junk-prefixed frame announces 5 bytes: `{"a":` is forwarded (the reader reports
      // it as invalid JSON); every other malformed frame is dropped with its body.
      const goods = malformed.map((_, i) => good(i).toString()).join('');
      expect(output, `pieces of ${size}`).toBe(`${goods}Content-Length: 5\r\n\r\n{"a":${good(99).toString()}`);
      const text = reports.join('\n');
      for (const reason of ['"-5" is not a non-negative integer', '"abc" is not', 'without Content-Length', 'conflicting Content-Length', `exceeds the ${DEFAULT_MAX_FRAME_BYTES}-byte frame limit`, 'not a header line']) {
        expect(text, `pieces of ${size}`).toContain(reason);
      }
      expect(text).toContain('resynchronised');
    }
  });

  it('finds the next frame when a dropped body holds the text of a header', () => {
    const dropped = `Content-Length: abc\r\n\r\n{"text":"Content-Length: 5 is a header"}`;
    const { output, reports } = validate([good(1), Buffer.from(dropped), good(2), good(3)]);
    expect(output).toBe(good(1).toString() + good(2).toString() + good(3).toString());
    expect(reports.filter((r) => r.startsWith('malformed')).length).toBe(2);
  });

  it('never buffers a frame above the limit, and keeps working after it', () => {
    const huge = Buffer.from(`Content-Length: ${2_000_000}\r\n\r\n`);
    const { output, reports } = validate([huge, ...pieces(Buffer.alloc(3_000_000, 0x61), 65_536), good(7)], 1_000_000);
    expect(output).toBe(good(7).toString());
    expect(reports[0]).toContain('exceeds the 1000000-byte frame limit');
    expect(reports[1]).toMatch(/resynchronised: skipped 30000\d\d bytes/);
    expect(() => new FrameValidator({ maxFrameBytes: -1 })).toThrow(RangeError);
  });

  it('goes through a flood of junk in linear time, with a bounded number of reports', () => {
    // Every position starts a `Content-Length:` that is never a header: the worst case of
    // resynchronisation, and many independent malformed frames after it.
    const flood = Buffer.from('Content-Length:'.repeat(140_000));
    const frames = Buffer.from('Content-Length: x\r\n\r\n'.repeat(2_000));
    const start = performance.now();
    const { output, reports } = validate([...pieces(flood, 65_536), ...pieces(frames, 65_536), good(3)]);
    const ms = performance.now() - start;
    expect(output).toBe(good(3).toString());
    expect(reports.length).toBe(MAX_FRAMING_REPORTS + 1);
    expect(reports.at(-1)).toContain('no more are reported');
    expect(ms).toBeLessThan(10_000);
  });
});

describe('wirefilter-lsp survives malformed frames', () => {
  it('answers a valid request after frames with a negative, non-numeric or missing Content-Length', async () => {
    const c = client();
    await c.initialize({});
    await c.open(WF, 'wirefilter', WF_TEXT);
    const notification = JSON.stringify({ jsonrpc: '2.0', method: 'textDocument/didOpen', params: { textDocument: { uri: 'file:///x.wf', languageId: 'wirefilter', version: 1, text: 'ssl' } } });
    const cases = [
      [`Content-Length: -5\r\n\r\n${notification}`, 'Content-Length "-5" is not a non-negative integer'],
      [`Content-Length: abc\r\n\r\n${notification}`, 'Content-Length "abc" is not a non-negative integer'],
      [`Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n${notification}`, 'header without Content-Length'],
    ] as const;
    for (const [bytes, report] of cases) {
      await c.write(bytes);
      // The next valid request is answered, and the dropped frame was reported.
      const hover = await c.request<{ contents: { value: string } }>('textDocument/hover', HOVER_IP);
      expect(hover.contents.value).toContain('ip.src: Ip');
      await c.until(() => (c.stderr.includes(report) ? true : undefined), report);
    }
    // The dropped didOpen frames never opened their document.
    expect(await c.request('textDocument/hover', { textDocument: { uri: 'file:///x.wf' }, position: { line: 0, character: 1 } })).toBeNull();
    expect(await c.shutdown()).toBe(0);
  });

  it('answers after a frame above the size limit, which it does not buffer', async () => {
    const c = client(undefined, ['--max-frame-bytes=4096']);
    await c.initialize({});
    // Announced far above the limit (and above what JavaScript numbers hold exactly), then
    // a real document above the limit: both dropped, the document is never opened.
    await c.write(`Content-Length: 99999999999999999999\r\n\r\n${'x'.repeat(100_000)}`);
    const big = 'ssl or '.repeat(1_000) + 'ssl';
    await c.write(frame({ jsonrpc: '2.0', method: 'textDocument/didOpen', params: { textDocument: { uri: 'file:///big.wf', languageId: 'wirefilter', version: 1, text: big } } }));
    await c.open(WF, 'wirefilter', WF_TEXT);
    const hover = await c.request<{ contents: { value: string } }>('textDocument/hover', HOVER_IP);
    expect(hover.contents.value).toContain('ip.src: Ip');
    expect(await c.request('textDocument/hover', { textDocument: { uri: 'file:///big.wf' }, position: { line: 0, character: 1 } })).toBeNull();
    expect(c.stderr).toContain('exceeds the 4096-byte frame limit');
    expect(await c.shutdown()).toBe(0);
  });

  it('exits when its input ends, reporting a frame cut short', async () => {
    const c = client();
    await c.initialize({});
    c.child.stdin!.end('Content-Length: 10\r\n\r\n{"a');
    // Without `shutdown` first, the exit code is 1, as the protocol asks.
    expect(await c.exited).toBe(1);
    expect(c.stderr).toContain('input ended 7 bytes before the end of a frame');
  });

  it('refuses a frame limit that is not a positive integer', async () => {
    const c = client(undefined, ['--max-frame-bytes=-1']);
    expect(await c.exited).toBe(2);
    expect(c.stderr).toContain('--max-frame-bytes=-1 is not a positive integer');
  });
});

describe.skipIf(!posix)('wirefilter-lsp with a scheme file that is not a regular file', () => {
  const expectCloudflareFields = async (c: Client): Promise<void> => {
    await c.open(WF, 'wirefilter', WF_TEXT);
    const hover = await c.request<{ contents: { value: string } }>('textDocument/hover', HOVER_IP);
    expect(hover.contents.value).toContain('ip.src: Ip');
    const diagnostics = await c.diagnostics(WF);
    expect(diagnostics.map((d) => d.code)).toEqual(['unknown-identifier']);
  };

  /** The server's resident memory in MiB (Linux). */
  const rssMiB = (c: Client): number => {
    const status = readFileSync(`/proc/${c.child.pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
  };

  it('reports /dev/zero, falls back to Cloudflare fields and stays small', async () => {
    const c = client();
    await c.initialize({ schemeFile: '/dev/zero' });
    const shown = await c.message(/cannot load the scheme file \/dev\/zero: it is a device, not a regular file/, 'window/showMessage');
    expect(shown.type).toBe(1);
    await c.message(/cannot load the scheme file \/dev\/zero/, 'window/logMessage');
    await expectCloudflareFields(c);
    if (process.platform === 'linux') expect(rssMiB(c)).toBeLessThan(512);
    expect(await c.shutdown()).toBe(0);
  });

  it('reports a FIFO without opening it (no writer ever comes)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wirefilter-lsp-fifo-'));
    try {
      execFileSync('mkfifo', [join(dir, 'scheme.json')]);
      const c = client((connection) => {
        connection.onRequest('workspace/configuration', () => [{ schemeFile: 'scheme.json' }]);
      });
      await c.connection.sendRequest('initialize', {
        processId: process.pid,
        rootUri: null,
        workspaceFolders: [{ uri: pathToFileURL(dir).href, name: 'rules' }],
        capabilities: { workspace: { configuration: true } },
      });
      await c.connection.sendNotification('initialized', {});
      await c.message(/scheme\.json: it is a FIFO \(named pipe\), not a regular file; using Cloudflare's fields/);
      await expectCloudflareFields(c);
      expect(await c.shutdown()).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports a scheme file above the size limit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wirefilter-lsp-big-'));
    try {
      const path = join(dir, 'scheme.json');
      writeFileSync(path, `{"fields":{}}${' '.repeat(MAX_SCHEME_FILE_BYTES)}`);
      const c = client();
      await c.initialize({ schemeFile: path });
      await c.message(/above the 4194304-byte limit for a scheme file/);
      await expectCloudflareFields(c);
      expect(await c.shutdown()).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads a regular file, also one whose size is not known in advance', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wirefilter-lsp-read-'));
    try {
      const path = join(dir, 'scheme.json');
      writeFileSync(path, '{"fields":{"héllo":"Bytes"}}');
      expect(readSchemeFile(path)).toBe('{"fields":{"héllo":"Bytes"}}');
      expect(() => readSchemeFile(path, 10)).toThrow(/above the 10-byte limit/);
      expect(() => readSchemeFile(dir)).toThrow(/it is a directory, not a regular file/);
      // /proc files report a size of 0 and are read up to the limit all the same.
      if (process.platform === 'linux') expect(readSchemeFile('/proc/self/status')).toContain('VmRSS');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('wirefilter-lsp under a burst of changes to a large Rulesets document', () => {
  const RULES = 4_000;
  const TARGET = 2_000;
  const rules = Array.from({ length: RULES }, (_, i) => ({
    ref: `r${i}`,
    description: `rule ${i}`,
    expression: `(http.host eq "site${i}.example.com" and starts_with(http.request.uri.path, "/api/v${i}/")) or ip.src in {10.${i % 256}.0.0/16} or http.request.headers["x-id-${i}"][0] eq "v${i}" or http.hots eq "x"`,
    action: 'block',
  }));
  // About 1.2 MB; every rule has one error (`http.hots`).
  const text = JSON.stringify({ phase: 'http_request_firewall_custom', rules }, null, 2);
  const expression = text.indexOf(`"expression"`, text.indexOf(`"r${TARGET}"`));
  const insertAt = text.indexOf(`\\"v${TARGET}\\"`, expression) + 3;
  const hots = text.indexOf('http.hots', expression);
  const uri = 'file:///rules/big.json';

  const change = (version: number, change: unknown): Buffer =>
    frame({ jsonrpc: '2.0', method: 'textDocument/didChange', params: { textDocument: { uri, version }, contentChanges: [change] } });

  it('answers hover within seconds and publishes the final version only', async () => {
    expect(text.length).toBeGreaterThan(1_000_000);
    const c = client();
    await c.initialize({});
    await c.open(uri, 'json', text);
    // A request right after the open is answered from the text, before the validation.
    const ipSrc = positionOf(text, text.indexOf('ip.src', expression) + 1);
    const early = await c.request<{ contents: { value: string } }>('textDocument/hover', { textDocument: { uri }, position: ipSrc });
    expect(early.contents.value).toContain('ip.src: Ip');
    expect(c.published.get(uri)).toBeUndefined();
    const opened = await c.diagnostics(uri);
    expect(opened.length).toBe(RULES);

    // 199 keystrokes in rule TARGET's string literal, then one that fixes its `http.hots`;
    // written at once, as a client does when the server is behind.
    const burst: Buffer[] = [];
    for (let version = 2; version <= 200; version++) {
      const at = positionOf(text, insertAt);
      burst.push(change(version, { range: { start: at, end: at }, text: 'x' }));
    }
    // `http.hots` is on the same line, after the 199 inserted characters.
    const hotsAt = positionOf(text, hots);
    expect(positionOf(text, insertAt).line).toBe(hotsAt.line);
    const from = { line: hotsAt.line, character: hotsAt.character + 199 };
    burst.push(change(201, { range: { start: from, end: { line: from.line, character: from.character + 'http.hots'.length } }, text: 'http.host' }));
    const before = c.published.get(uri)!.length;
    await c.write(Buffer.concat(burst));

    const start = performance.now();
    // `ip.src` comes before the edits in the rule: its position is unchanged.
    const hover = await c.request<{ contents: { value: string } }>('textDocument/hover', { textDocument: { uri }, position: ipSrc });
    const latency = performance.now() - start;
    expect(hover.contents.value).toContain('ip.src: Ip');
    expect(latency).toBeLessThan(5_000);

    const final = await c.until(() => c.published.get(uri)!.slice(before).find((p) => p.version === 201), 'the diagnostics of version 201');
    // Nothing but the final version was published after the burst (intermediate versions
    // were superseded before their validation finished), and it reflects the final text.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(c.published.get(uri)!.slice(before).map((p) => p.version)).toEqual([201]);
    expect(final.diagnostics.length).toBe(RULES - 1);
    expect(final.diagnostics.some((d: LspDiagnostic) => d.range.start.line === hotsAt.line)).toBe(false);
    expect(await c.shutdown()).toBe(0);
  }, 90_000);

  it('publishes nothing for a document closed while its validation is pending', async () => {
    const c = client();
    await c.initialize({});
    await c.open(uri, 'json', text);
    await c.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
    await c.until(() => c.published.get(uri), 'the publication of the close');
    // Longer than the debounce delay and a cold validation's first slices.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(c.published.get(uri)!.map((p) => p.diagnostics.length)).toEqual([0]);
    expect(await c.shutdown()).toBe(0);
  }, 30_000);
});

describe('wirefilter-lsp with documents that have no text', () => {
  it('treats a didOpen text that is null or not a string as empty, logs it and keeps answering', async () => {
    const c = client();
    await c.initialize({});
    for (const [i, value] of [null, 42, { a: 1 }].entries()) {
      const uri = `file:///rules/empty${i}.wf`;
      await c.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'wirefilter', version: 1, text: value } });
      await c.message(new RegExp(`didOpen for file:///rules/empty${i}\\.wf has no string text`));
      expect(await c.request('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 0 } })).toBeNull();
      // An empty expression is incomplete, as for any empty document.
      expect((await c.diagnostics(uri)).map((d) => d.code)).toEqual(['expected-token']);
      // The document is usable: a later change gives it text.
      await c.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: 'http.hots eq "a"' }] });
      await c.diagnostics(uri, (d) => d.length === 1 && d[0]!.code === 'unknown-identifier');
    }
    expect(await c.shutdown()).toBe(0);
  });

  it('ignores a change whose text is not a string or whose range is malformed, and logs it', async () => {
    const c = client();
    await c.initialize({});
    await c.open(WF, 'wirefilter', WF_TEXT);
    await c.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: WF, version: 2 },
      contentChanges: [{ text: null }, { range: { start: { line: 'a', character: 0 }, end: { line: 0, character: 1 } }, text: 'x' }, null],
    });
    await c.message(/ignored 3 malformed change\(s\) to file:\/\/\/rules\/probe\.wf/);
    const hover = await c.request<{ contents: { value: string } }>('textDocument/hover', HOVER_IP);
    expect(hover.contents.value).toContain('ip.src: Ip');
    expect(await c.shutdown()).toBe(0);
  });
});
