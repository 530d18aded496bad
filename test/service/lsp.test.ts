/**
 * The language server, tested as a real client would use it: spawned over stdio and driven
 * with JSON-RPC messages.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, positionOf, rangeOf, type Range } from './lsp-client.js';

const WF = 'file:///rules/admin.wf';
const WF_TEXT = 'http.hots eq "a"\n  or ip.src in {10.0.0.1/8} or regex_replace(http.host, "a", "b") eq "c"\n  or ip.geoip.country eq "FR"';
const JSON_URI = 'file:///rules/zone.json';
// The error sits after escaped quotes and a \u escape: its range must be mapped through them.
const JSON_TEXT = [
  '{',
  '  "result": {',
  '    "phase": "http_request_firewall_custom",',
  '    "rules": [',
  '      { "ref": "ok", "expression": "ssl&&not   ssl", "action": "block" },',
  '      { "ref": "bad", "expression": "http.request.uri.path eq \\"/caf\\u00e9\\" and http.hots eq \\"x\\"", "action": "block" },',
  '      { "ref": "headers", "expression": "any(http.request.headers[])", "action": "log" }',
  '    ]',
  '  }',
  '}',
].join('\n');

describe('wirefilter-lsp over stdio', () => {
  let client: Client;

  beforeAll(async () => {
    client = new Client();
    const init = await client.initialize({ wirefilter: { phase: 'http_request_firewall_custom' } });
    expect(init.capabilities).toMatchObject({
      hoverProvider: true,
      documentFormattingProvider: true,
      completionProvider: { triggerCharacters: expect.arrayContaining(['.', '$']) },
      signatureHelpProvider: { triggerCharacters: ['(', ','] },
      semanticTokensProvider: { legend: { tokenTypes: expect.arrayContaining(['field', 'function', 'keyword']) } },
    });
  }, 30_000);

  afterAll(() => client?.kill());

  it('publishes diagnostics with codes and ranges for a wirefilter document', async () => {
    await client.open(WF, 'wirefilter', WF_TEXT);
    const diagnostics = await client.diagnostics(WF);
    expect(diagnostics.map((d) => [d.code, d.range, d.severity])).toEqual([
      ['unknown-identifier', rangeOf(WF_TEXT, 'http.hots'), 1],
      ['invalid-cidr', rangeOf(WF_TEXT, '10.0.0.1/8'), 1],
      ['function-not-allowed-in-phase', rangeOf(WF_TEXT, 'regex_replace'), 1],
      ['deprecated-field', rangeOf(WF_TEXT, 'ip.geoip.country'), 2],
    ]);
    expect(diagnostics[0]).toMatchObject({ source: 'wirefilter', message: expect.stringContaining('http.host') });
    expect(diagnostics[3]!.tags).toEqual([2]);
  });

  it('maps diagnostics inside Rulesets JSON through string escapes', async () => {
    await client.open(JSON_URI, 'json', JSON_TEXT);
    const diagnostics = await client.diagnostics(JSON_URI);
    const codes = diagnostics.map((d) => d.code);
    expect(codes).toContain('unknown-identifier');
    const unknown = diagnostics.find((d) => d.code === 'unknown-identifier')!;
    expect(unknown.range).toEqual(rangeOf(JSON_TEXT, 'http.hots'));
    expect(unknown.range.start.line).toBe(5);
  });

  it('in rate limiting rules, warns on response fields in the expression and accepts them in counting_expression', async () => {
    const uri = 'file:///rules/ratelimit.json';
    const text = [
      '{ "phase": "http_ratelimit", "rules": [',
      '  { "ref": "login", "expression": "http.request.uri.path eq \\"/login\\" and http.response.code eq 401", "action": "block",',
      '    "ratelimit": { "characteristics": ["cf.colo.id", "ip.src"], "period": 60, "requests_per_period": 5,',
      '      "counting_expression": "http.request.uri.path eq \\"/login\\" and http.response.code eq 401" } }',
      '] }',
    ].join('\n');
    await client.open(uri, 'json', text);
    const diagnostics = await client.diagnostics(uri, (d) => d.length > 0);
    expect(diagnostics.map((d) => [d.code, d.range.start.line, d.severity])).toEqual([['field-not-available-in-phase', 1, 2]]);
    expect(diagnostics[0]!.message).toContain('counting_expression');
  });

  it('updates diagnostics on change', async () => {
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: WF, version: 2 },
      contentChanges: [{ range: rangeOf(WF_TEXT, 'http.hots'), text: 'http.host' }],
    });
    const diagnostics = await client.diagnostics(WF, (d) => !d.some((x) => x.code === 'unknown-identifier'));
    expect(diagnostics.map((d) => d.code)).toEqual(['invalid-cidr', 'function-not-allowed-in-phase', 'deprecated-field']);
  });

  it('completes field names, operators and header names (escaped inside JSON)', async () => {
    const uri = 'file:///rules/complete.wf';
    await client.open(uri, 'wirefilter', 'ssl and http.request.');
    const list = await client.request<{ items: { label: string; kind: number; textEdit: { range: Range; newText: string }; insertTextFormat?: number; command?: unknown }[] }>(
      'textDocument/completion',
      { textDocument: { uri }, position: { line: 0, character: 21 } },
    );
    const labels = list.items.map((i) => i.label);
    expect(labels).toContain('http.request.method');
    expect(labels).not.toContain('http.host');
    const method = list.items.find((i) => i.label === 'http.request.method')!;
    expect(method.textEdit).toEqual({ range: { start: { line: 0, character: 8 }, end: { line: 0, character: 21 } }, newText: 'http.request.method' });
    expect(list.items.find((i) => i.label === 'http.request.uri.')!.command).toMatchObject({ command: 'editor.action.triggerSuggest' });

    const line = JSON_TEXT.split('\n')[6]!;
    const headers = await client.request<typeof list>('textDocument/completion', {
      textDocument: { uri: JSON_URI },
      position: { line: 6, character: line.indexOf('[]') + 1 },
    });
    const accept = headers.items.find((i) => i.label === '"accept"')!;
    expect(accept.textEdit.newText).toBe('\\"accept\\"');

    const functions = await client.request<typeof list>('textDocument/completion', { textDocument: { uri }, position: { line: 0, character: 8 } });
    const lower = functions.items.find((i) => i.label === 'lower')!;
    expect(lower).toMatchObject({ kind: 3, insertTextFormat: 2 });
    expect(functions.items.map((i) => i.label)).not.toContain('regex_replace');
  });

  it('answers hover and signature help', async () => {
    const text = WF_TEXT.replace('http.hots', 'http.host');
    const hover = await client.request<{ contents: { kind: string; value: string }; range: Range }>('textDocument/hover', {
      textDocument: { uri: WF },
      position: positionOf(text, text.indexOf('ip.src') + 2),
    });
    expect(hover.contents.kind).toBe('markdown');
    expect(hover.contents.value).toContain('ip.src: Ip');
    expect(hover.range).toEqual(rangeOf(text, 'ip.src'));
    const none = await client.request('textDocument/hover', { textDocument: { uri: JSON_URI }, position: { line: 0, character: 0 } });
    expect(none).toBeNull();

    const uri = 'file:///rules/signature.wf';
    await client.open(uri, 'wirefilter', 'substring(http.host, 1, ');
    const help = await client.request<{ signatures: { label: string; parameters: { label: [number, number] }[] }[]; activeParameter: number }>(
      'textDocument/signatureHelp',
      { textDocument: { uri }, position: { line: 0, character: 24 } },
    );
    expect(help.signatures[0]!.label).toBe('substring(source: Bytes, start: Int, [end: Int]) -> Bytes');
    expect(help.activeParameter).toBe(2);
    expect(help.signatures[0]!.parameters[2]!.label).toEqual([37, 47]);
  });

  it('formats wirefilter documents and the expressions inside JSON', async () => {
    const uri = 'file:///rules/format.wf';
    await client.open(uri, 'wirefilter', 'ssl&&not   ssl\n');
    const edits = await client.request<{ range: Range; newText: string }[]>('textDocument/formatting', {
      textDocument: { uri },
      options: { tabSize: 2, insertSpaces: true },
    });
    expect(edits).toEqual([{ range: { start: { line: 0, character: 0 }, end: { line: 1, character: 0 } }, newText: 'ssl and not ssl\n' }]);

    const jsonEdits = await client.request<{ range: Range; newText: string }[]>('textDocument/formatting', {
      textDocument: { uri: JSON_URI },
      options: { tabSize: 2, insertSpaces: true },
    });
    // The first rule is reformatted; the second is already canonical; the third has a syntax error.
    expect(jsonEdits).toEqual([{ range: rangeOf(JSON_TEXT, '"ssl&&not   ssl"'), newText: '"ssl and not ssl"' }]);

    const broken = await client.request('textDocument/formatting', { textDocument: { uri: 'file:///rules/complete.wf' }, options: { tabSize: 2, insertSpaces: true } });
    expect(broken).toEqual([]);
  });

  it('returns semantic tokens', async () => {
    const uri = 'file:///rules/tokens.wf';
    await client.open(uri, 'wirefilter', 'ip.src in {10.0.0.0/8}\nand nosuch eq 1');
    const legend = (await client.request<{ data: number[] }>('textDocument/semanticTokens/full', { textDocument: { uri } })).data;
    const types = ['field', 'function', 'keyword', 'operator', 'string', 'regexp', 'number', 'ip', 'list', 'punctuation', 'unknown'];
    const decoded: string[] = [];
    let line = 0;
    let character = 0;
    for (let i = 0; i < legend.length; i += 5) {
      line += legend[i]!;
      character = legend[i]! === 0 ? character + legend[i + 1]! : legend[i + 1]!;
      decoded.push(`${line}:${character}:${legend[i + 2]}:${types[legend[i + 3]!]}:${legend[i + 4]}`);
    }
    expect(decoded).toEqual(['0:0:6:field:0', '0:7:2:keyword:0', '0:10:1:punctuation:0', '0:11:10:ip:0', '0:21:1:punctuation:0', '1:0:3:keyword:0', '1:4:6:field:2', '1:11:2:keyword:0', '1:14:1:number:0']);

    // A token over a line break (a raw string) is split into one token per line.
    const multiline = 'file:///rules/multiline.wf';
    await client.open(multiline, 'wirefilter', 'http.host eq r"a\nbc"');
    const pieces = (await client.request<{ data: number[] }>('textDocument/semanticTokens/full', { textDocument: { uri: multiline } })).data;
    expect(pieces.slice(10)).toEqual([0, 3, 3, 4, 0, 1, 0, 3, 4, 0]);

    const json = (await client.request<{ data: number[] }>('textDocument/semanticTokens/full', { textDocument: { uri: JSON_URI } })).data;
    const first = JSON_TEXT.split('\n')[4]!.indexOf('ssl&&');
    expect(json.slice(0, 5)).toEqual([4, first, 3, 0, 0]);
  });

  it('shuts down and exits cleanly', async () => {
    expect(await client.shutdown()).toBe(0);
  }, 20_000);
});

describe('wirefilter-lsp with a scheme file from the workspace configuration', () => {
  let client: Client;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wirefilter-lsp-'));
    writeFileSync(join(dir, 'scheme.json'), JSON.stringify({ fields: { host: 'Bytes', port: 'Int' }, lists: { ports: { type: 'Int', items: [80] } } }));
    client = new Client((connection) => {
      connection.onRequest('workspace/configuration', (params: { items: { section?: string }[] }) =>
        params.items.map((item) => (item.section === 'wirefilter' ? { schemeFile: 'scheme.json' } : null)),
      );
    });
    await client.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: null,
      workspaceFolders: [{ uri: pathToFileURL(dir).href, name: 'rules' }],
      capabilities: { workspace: { configuration: true } },
    });
    await client.connection.sendNotification('initialized', {});
  }, 30_000);

  afterAll(() => {
    client?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('validates against the configured scheme', async () => {
    const uri = 'file:///rules/custom.wf';
    await client.open(uri, 'wirefilter', 'host eq "a" and port in $ports and http.host eq "b"');
    const diagnostics = await client.diagnostics(uri, (d) => d.length === 1);
    expect(diagnostics.map((d) => [d.code, d.range.start.character])).toEqual([['unknown-identifier', 35]]);
    const list = await client.request<{ items: { label: string }[] }>('textDocument/completion', { textDocument: { uri }, position: { line: 0, character: 0 } });
    expect(list.items.map((i) => i.label)).toEqual(expect.arrayContaining(['host', 'port']));
    expect(await client.shutdown()).toBe(0);
  }, 30_000);
});
