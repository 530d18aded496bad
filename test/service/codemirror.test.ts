/**
 * The CodeMirror extension without a DOM: the pure conversions (snippets, token classes,
 * completion icons, diagnostics and quick fixes, minimal format edits, Markdown parsing and
 * rendering into a stand-in document) and the editor-state side of the extension (the
 * diagnostics helper, the completion source and how completions apply, signature help,
 * the format command). What needs a real browser (decorations, tooltips, key handling) is
 * tested end to end in `test/playground/playground.test.ts`.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CompletionContext, snippet, type Completion, type CompletionResult, type CompletionSource } from '@codemirror/autocomplete';
import { setDiagnostics } from '@codemirror/lint';
import { EditorState, type Transaction, type TransactionSpec } from '@codemirror/state';
import { showTooltip, type EditorView, type Tooltip } from '@codemirror/view';
import { tags } from '@lezer/highlight';
import { describe, expect, it } from 'vitest';
import { cloudflareScheme, Scheme } from '../../src/index.js';
import { LanguageService, SEMANTIC_TOKEN_TYPES } from '../../src/service/index.js';
import { languageServiceOf, wirefilterDiagnostics } from '../../src/service/codemirror/config.js';
import {
  completionType,
  lspSnippetText,
  lspSnippetToCodeMirror,
  minimalChange,
  parseLspSnippet,
  quickFixes,
  TOKEN_TAGS,
  tokenClasses,
  tokenTags,
  toLintDiagnostic,
} from '../../src/service/codemirror/convert.js';
import { formatCommand } from '../../src/service/codemirror/format.js';
import { wirefilterHighlightStyle } from '../../src/service/codemirror/highlight.js';
import { wirefilter } from '../../src/service/codemirror/index.js';
import { lintDiagnostics } from '../../src/service/codemirror/lint.js';
import { parseInline, parseMarkdown, renderMarkdown, type MarkdownDocument } from '../../src/service/codemirror/markdown.js';
import { cursor } from './cursor.js';

const scheme = cloudflareScheme();
const service = new LanguageService(scheme, { phase: 'http_request_firewall_custom' });

/** An editor stand-in for commands and completion `apply` functions: state plus dispatch. */
class FakeView {
  constructor(public state: EditorState) {}
  dispatch(...specs: (Transaction | TransactionSpec)[]): void {
    const first = specs[0]!;
    this.state = ('startState' in first ? first : this.state.update(...(specs as TransactionSpec[]))).state;
  }
  get view(): EditorView {
    return this as unknown as EditorView;
  }
}

describe('LSP snippets → CodeMirror templates', () => {
  it.each([
    ['{$1}$0', '\\{${1}\\}${0}'],
    ['cidr(${1:address}, ${2:ipv4_bits}, ${3:ipv6_bits})$0', 'cidr(${1:address}, ${2:ipv4_bits}, ${3:ipv6_bits})${0}'],
    ['any(http.request.cookies["${1:name}"][*] ${2:eq} ${3:value})$0', 'any(http.request.cookies["${1:name}"][*] ${2:eq} ${3:value})${0}'],
    ['lower(${1:source})', 'lower(${1:source})${0}'],
    ['a ${1|eq,ne,contains|} b', 'a ${1:eq} b${0}'],
    ['${1:outer ${2:inner}} x', '${1:outer inner} x${0}'],
    ['\\$1 costs \\} \\\\ $1', '$1 costs \\} \\ ${1}${0}'],
    ['ip.src in $cf.vpn', 'ip.src in $cf.vpn'],
    ['${TM_SELECTED_TEXT:sel} $', 'sel $'],
    ['plain text', 'plain text'],
    // An unescaped `}` ends the placeholder (LSP); CodeMirror names cannot hold braces.
    ['${1:a{b}c}', '${1:ab}c\\}${0}'],
  ])('%s → %s', (lsp, codemirror) => {
    expect(lspSnippetToCodeMirror(lsp)).toBe(codemirror);
  });

  it('parses tab stops, placeholders and text', () => {
    expect(parseLspSnippet('f(${1:x}, $2)$0')).toEqual([
      { text: 'f(' },
      { stop: 1, placeholder: 'x' },
      { text: ', ' },
      { stop: 2, placeholder: '' },
      { text: ')' },
      { stop: 0, placeholder: '' },
    ]);
    expect(lspSnippetText('f(${1:x}, $2)$0')).toBe('f(x, )');
  });

  // Every snippet the service proposes, in many contexts, inserts through CodeMirror's own
  // snippet engine exactly the text the snippet means, with the cursor on its first field.
  const contexts = ['|', 'http.request.|', 'ip.src in |', 'any(|', 'http.request.headers|', 'lower(|', 'http.host eq "a" and |', 'not |', 'http.request.uri.args|', 'ip.src.asnum in |'];
  const snippets = new Map<string, string>();
  for (const marked of contexts) {
    const { text, offset } = cursor(marked);
    for (const item of service.complete(text, offset).items) if (item.isSnippet === true) snippets.set(item.insertText, marked);
  }

  it('the service proposes snippets in these contexts', () => {
    expect(snippets.size).toBeGreaterThan(10);
  });

  it.each([...snippets])('%s inserts its text with CodeMirror', (insertText, marked) => {
    const { text, offset } = cursor(marked);
    const list = service.complete(text, offset);
    const view = new FakeView(EditorState.create({ doc: text, selection: { anchor: offset } }));
    snippet(lspSnippetToCodeMirror(insertText))(view, null, list.span.start, list.span.end);
    const inserted = lspSnippetText(insertText);
    const doc = view.state.doc.toString();
    expect(doc).toBe(text.slice(0, list.span.start) + inserted + text.slice(list.span.end));
    const first = parseLspSnippet(insertText).find((p) => 'stop' in p && p.stop !== 0);
    if (first !== undefined && 'stop' in first) {
      // The selection is on the first tab stop (its placeholder selected).
      const selected = doc.slice(view.state.selection.main.from, view.state.selection.main.to);
      expect(selected).toBe(first.placeholder);
    }
  });
});

describe('semantic tokens → highlighting', () => {
  it('maps every token type to a tag that the default highlight style colors', () => {
    for (const type of SEMANTIC_TOKEN_TYPES) {
      expect(TOKEN_TAGS[type], type).toBeDefined();
      expect(wirefilterHighlightStyle.style(tokenTags({ type, modifiers: [] })), type).toMatch(/\S/);
    }
    expect(new Set(Object.values(TOKEN_TAGS)).size).toBe(SEMANTIC_TOKEN_TYPES.length);
  });

  it('gives stable classes with modifiers', () => {
    expect(tokenClasses({ type: 'field', modifiers: [] })).toBe('cm-wf-field');
    expect(tokenClasses({ type: 'field', modifiers: ['deprecated'] })).toBe('cm-wf-field cm-wf-deprecated');
    expect(tokenClasses({ type: 'field', modifiers: ['invalid'] })).toBe('cm-wf-field cm-wf-invalid');
    expect(tokenTags({ type: 'field', modifiers: ['invalid'] })).toEqual([tags.variableName, tags.invalid]);
    expect(tokenTags({ type: 'unknown', modifiers: ['invalid'] })).toEqual([tags.invalid]);
  });

  it('classes the tokens of a real expression', () => {
    const classes = service
      .semanticTokens('ip.geoip.country eq "GB" and lower(http.host) matches r"^a" and ip.src in $cf.vpn')
      .map((t) => tokenClasses(t));
    expect(classes).toEqual([
      'cm-wf-field cm-wf-deprecated',
      'cm-wf-keyword',
      'cm-wf-string',
      'cm-wf-keyword',
      'cm-wf-function',
      'cm-wf-punctuation',
      'cm-wf-field',
      'cm-wf-punctuation',
      'cm-wf-keyword',
      'cm-wf-regexp',
      'cm-wf-keyword',
      'cm-wf-field',
      'cm-wf-keyword',
      'cm-wf-list',
    ]);
  });
});

describe('completion kinds, diagnostics, quick fixes, format edits', () => {
  it('picks completion icons', () => {
    expect(completionType('field', 'http.host')).toBe('property');
    expect(completionType('field', 'http.request.')).toBe('namespace');
    expect(completionType('function')).toBe('function');
    expect(completionType('operator')).toBe('keyword');
    expect(completionType('keyword')).toBe('keyword');
    expect(completionType('list')).toBe('constant');
    expect(completionType('value')).toBe('text');
    expect(completionType('snippet')).toBe('snippet');
  });

  it('converts diagnostics with their code, clipped to the document', () => {
    const text = 'http.hots eq "a" or ip.geoip.country eq "GB"';
    const [error, warning] = scheme.validate(text);
    expect(toLintDiagnostic(error!, text)).toEqual({
      from: 0,
      to: 9,
      severity: 'error',
      message: 'unknown identifier `http.hots`; did you mean `http.host`? [unknown-identifier]',
      source: 'wirefilter',
      fixes: [{ name: 'Change to http.host', insert: 'http.host' }],
    });
    expect(toLintDiagnostic(warning!, text).fixes).toEqual([{ name: 'Use ip.src.country', insert: 'ip.src.country' }]);
    expect(toLintDiagnostic(warning!, text.slice(0, 25))).toMatchObject({ from: 20, to: 25, severity: 'warning' });
  });

  it('widens empty spans to a character, never across a line break', () => {
    const at = (start: number, text: string): [number, number] => {
      const { from, to } = toLintDiagnostic({ code: 'expected-token', severity: 'error', message: 'm', span: { start, end: start }, line: 1, column: 1 }, text);
      return [from, to];
    };
    expect(at(9, 'a eq 1 and')).toEqual([9, 10]);
    expect(at(10, 'a eq 1 and')).toEqual([9, 10]);
    expect(at(3, 'ab\n\nc')).toEqual([3, 3]);
    expect(at(2, 'ab\nc')).toEqual([1, 2]);
    expect(at(0, '')).toEqual([0, 0]);
    expect(scheme.validate('http.host eq "a" and').map((d) => toLintDiagnostic(d, 'http.host eq "a" and')).map((d) => [d.from, d.to])).toEqual([[19, 20]]);
  });

  it('proposes no fix without a suggestion', () => {
    expect(quickFixes({ code: 'unknown-identifier', message: 'unknown identifier `zzz`' })).toEqual([]);
    expect(quickFixes({ code: 'deprecated-field', message: '`x` is deprecated: Cloudflare has deprecated this field' })).toEqual([]);
  });

  it('computes minimal format edits', () => {
    expect(minimalChange('a eq 1&&b', 'a eq 1 and b')).toEqual({ from: 6, to: 8, insert: ' and ' });
    expect(minimalChange('same', 'same')).toBeUndefined();
    expect(minimalChange('aaa', 'aa')).toEqual({ from: 2, to: 3, insert: '' });
    expect(minimalChange('', 'x')).toEqual({ from: 0, to: 0, insert: 'x' });
  });
});

describe('Markdown', () => {
  it('parses the service hover texts', () => {
    const hover = service.hover('ip.geoip.country eq "GB"', 3)!;
    expect(parseMarkdown(hover.markdown)).toEqual([
      { kind: 'code', language: 'wirefilter', text: 'ip.geoip.country: Bytes' },
      { kind: 'paragraph', content: [{ kind: 'strong', children: [{ kind: 'text', text: 'Deprecated:' }] }, { kind: 'text', text: ' use ip.src.country instead.' }] },
      { kind: 'paragraph', content: [{ kind: 'text', text: 'Legacy alias of ip.src.country (same value).' }] },
      { kind: 'paragraph', content: [{ kind: 'text', text: 'Another name for ' }, { kind: 'code', text: 'ip.src.country' }, { kind: 'text', text: ': either name supplies the value of both.' }] },
      { kind: 'paragraph', content: [{ kind: 'text', text: 'Deprecated but still accepted in new and existing rules; prefer ip.src.country.' }] },
      { kind: 'paragraph', content: [{ kind: 'em', children: [{ kind: 'text', text: 'Category: ' }, { kind: 'code', text: 'geo' }] }] },
    ]);
  });

  it('parses lists, headings and joined paragraph lines', () => {
    expect(parseMarkdown('# Title\nline one\nline two\n\n- a `x`\n- b\n  continued\n1. first\n2. second')).toEqual([
      { kind: 'heading', content: [{ kind: 'text', text: 'Title' }] },
      { kind: 'paragraph', content: [{ kind: 'text', text: 'line one line two' }] },
      { kind: 'list', ordered: false, items: [[{ kind: 'text', text: 'a ' }, { kind: 'code', text: 'x' }], [{ kind: 'text', text: 'b continued' }]] },
      { kind: 'list', ordered: true, items: [[{ kind: 'text', text: 'first' }], [{ kind: 'text', text: 'second' }]] },
    ]);
    expect(parseMarkdown('```\nunclosed\ncode')).toEqual([{ kind: 'code', language: '', text: 'unclosed\ncode' }]);
  });

  it.each([
    ['**bold *and em***', [{ kind: 'strong', children: [{ kind: 'text', text: 'bold ' }, { kind: 'em', children: [{ kind: 'text', text: 'and em' }] }] }]],
    ['`a*b*c` *d*', [{ kind: 'code', text: 'a*b*c' }, { kind: 'text', text: ' ' }, { kind: 'em', children: [{ kind: 'text', text: 'd' }] }]],
    ['`` a`b ``', [{ kind: 'code', text: 'a`b' }]],
    ['2 * 3 * 4', [{ kind: 'text', text: '2 * 3 * 4' }]],
    ['snake_case_name', [{ kind: 'text', text: 'snake_case_name' }]],
    ['\\*not em\\*', [{ kind: 'text', text: '*not em*' }]],
    ['unclosed **bold and `code', [{ kind: 'text', text: 'unclosed **bold and `code' }]],
    ['[docs](https://developers.cloudflare.com/)', [{ kind: 'link', href: 'https://developers.cloudflare.com/', children: [{ kind: 'text', text: 'docs' }] }]],
  ])('inline %s', (text, expected) => {
    expect(parseInline(text)).toEqual(expected);
  });

  /** A stand-in document recording what is created: elements by tag, text nodes as strings. */
  interface FakeNode {
    tag: string;
    className: string;
    attributes: Record<string, string>;
    children: (FakeNode | string)[];
  }
  const fakeDocument = {
    createElement: (tag: string): FakeNode & { appendChild(c: FakeNode | string): void; setAttribute(n: string, v: string): void } => {
      const node = {
        tag,
        className: '',
        attributes: {} as Record<string, string>,
        children: [] as (FakeNode | string)[],
        appendChild(child: FakeNode | string) {
          node.children.push(child);
        },
        setAttribute(name: string, value: string) {
          node.attributes[name] = value;
        },
      };
      return node;
    },
    createTextNode: (text: string) => text,
  };
  const toHtml = (node: FakeNode | string): string =>
    typeof node === 'string'
      ? `{${node}}`
      : `<${node.tag}${node.className ? `.${node.className}` : ''}${Object.entries(node.attributes).map(([k, v]) => ` ${k}=${v}`).join('')}>${node.children.map(toHtml).join('')}</${node.tag}>`;

  it('renders with DOM calls only: markup in the text stays text', () => {
    const root = renderMarkdown('Hi <img src=x onerror=alert(1)> **`<b>`**\n\n- [x](javascript:alert)\n- [ok](https://example.com/)\n\n```\n<script>\n```', {
      document: fakeDocument as unknown as MarkdownDocument,
    });
    expect(toHtml(root as unknown as FakeNode)).toBe(
      '<div.cm-wf-markdown>' +
        '<p>{Hi <img src=x onerror=alert(1)> }<strong><code>{<b>}</code></strong></p>' +
        '<ul><li><span>{x}</span></li><li><a href=https://example.com/ target=_blank rel=noopener noreferrer>{ok}</a></li></ul>' +
        '<pre><code>{<script>}</code></pre>' +
        '</div>',
    );
  });

  it('lets code blocks be highlighted', () => {
    const root = renderMarkdown('```wirefilter\nhttp.host\n```', {
      document: fakeDocument as unknown as MarkdownDocument,
      highlightCode: (code, language) => {
        const element = fakeDocument.createElement('code');
        element.appendChild(`${language}:${code}`);
        return element;
      },
    });
    expect(toHtml(root as unknown as FakeNode)).toBe('<div.cm-wf-markdown><pre><code>{wirefilter:http.host}</code></pre></div>');
  });
});

describe('the extension in an editor state', () => {
  const state = (marked: string, options: Parameters<typeof wirefilter>[0] = {}): EditorState => {
    const { text, offset } = cursor(marked);
    return EditorState.create({ doc: text, selection: { anchor: offset }, extensions: [wirefilter({ scheme, phase: 'http_request_firewall_custom', ...options })] });
  };
  const source = (s: EditorState): CompletionSource => s.languageDataAt<CompletionSource>('autocomplete', 0)[0]!;
  const complete = (s: EditorState, explicit = false): CompletionResult | null =>
    source(s)(new CompletionContext(s, s.selection.main.head, explicit)) as CompletionResult | null;

  it('exposes the service and the current diagnostics', () => {
    const s = state('http.hots eq "a" and ip.geoip.country eq "GB"|');
    expect(languageServiceOf(s)?.phase).toBe('http_request_firewall_custom');
    expect(wirefilterDiagnostics(s).map((d) => [d.code, d.severity, d.span.start])).toEqual([
      ['unknown-identifier', 'error', 0],
      ['deprecated-field', 'warning', 21],
    ]);
    expect(wirefilterDiagnostics(s)).toBe(wirefilterDiagnostics(s)); // cached per document
    expect(wirefilterDiagnostics(EditorState.create({ doc: 'x' }))).toEqual([]);
  });

  it('uses a given service, or a custom scheme', () => {
    const custom = new Scheme({ fields: { 'my.field': 'Int' } });
    const s = EditorState.create({ doc: 'my.field eq 1 and other', extensions: [wirefilter({ scheme: custom })] });
    expect(wirefilterDiagnostics(s).map((d) => d.message)).toEqual(['unknown identifier `other`']);
    const given = EditorState.create({ doc: '', extensions: [wirefilter({ service })] });
    expect(languageServiceOf(given)).toBe(service);
  });

  it('completes from the service, opening by itself only when something was typed', () => {
    const typed = complete(state('http.ho|'))!;
    expect(typed.from).toBe(0);
    expect(typed.options.map((o) => o.label)).toContain('http.host');
    expect(complete(state('http.host |'))).toBeNull();
    expect(complete(state('http.host |'), true)!.options.slice(0, 2).map((o) => o.label)).toEqual(['eq', '==']);
    expect(complete(state('ip.src in $|'))!.options.map((o) => o.label)).toContain('$cf.vpn');
    expect(complete(state('http.request.headers["|'))!.options[0]!.label).toBe('accept');
  });

  it('shows function signatures after the name, filter texts as labels, and documentation lazily', () => {
    const options = complete(state('low|'))!.options;
    const lower = options.find((o) => o.label === 'lower')!;
    expect(lower.detail).toBe('(source: Bytes) -> Bytes');
    expect(lower.type).toBe('function');
    expect(typeof lower.info).toBe('function');
    const any = complete(state('http.request.cookies|'))!.options.find((o) => o.displayLabel?.startsWith('any(') === true)!;
    expect(any.label).toBe('http.request.cookies');
  });

  const apply = (s: EditorState, option: Completion, result: CompletionResult): FakeView => {
    const view = new FakeView(s);
    if (typeof option.apply !== 'function') throw new Error('expected an apply function');
    option.apply(view.view, option, result.from, result.to ?? s.selection.main.head);
    return view;
  };

  it('applies plain completions, snippets with tab stops, and retriggers after namespaces', () => {
    let s = state('http.ho|');
    let result = complete(s)!;
    let view = apply(s, result.options.find((o) => o.label === 'http.host')!, result);
    expect(view.state.doc.toString()).toBe('http.host');

    s = state('ip.src in |');
    result = complete(s, true)!;
    view = apply(s, result.options.find((o) => o.label === '{')!, result);
    expect(view.state.doc.toString()).toBe('ip.src in {}');
    expect(view.state.selection.main.head).toBe(11);

    s = state('lo|');
    result = complete(s)!;
    view = apply(s, result.options.find((o) => o.label === 'lower')!, result);
    expect(view.state.doc.toString()).toBe('lower(source)');
    const { from, to } = view.state.selection.main;
    expect(view.state.sliceDoc(from, to)).toBe('source');

    s = state('http.req|');
    result = complete(s)!;
    view = apply(s, result.options.find((o) => o.label === 'http.request.')!, result);
    expect(view.state.doc.toString()).toBe('http.request.');
  });

  it('shows signature help inside calls only', () => {
    const tooltips = (s: EditorState): Tooltip[] => s.facet(showTooltip).filter((t): t is Tooltip => t !== null);
    expect(tooltips(state('substring(http.host, |)'))).toHaveLength(1);
    expect(tooltips(state('substring(http.host, |)'))[0]!.pos).toBe(21);
    expect(tooltips(state('http.host| eq "a"'))).toHaveLength(0);
    expect(tooltips(state('lower(|)', { signatureHelp: false }))).toHaveLength(0);
    // Moving the cursor into a call shows it.
    const s = state('|lower(http.host)');
    expect(tooltips(s.update({ selection: { anchor: 7 } }).state)).toHaveLength(1);
  });

  it('formats the document with the configured options, keeping text outside the change', () => {
    const view = new FakeView(state('http.host eq "a"&&not ssl|', { format: { operators: 'english' } }));
    expect(formatCommand(view.view)).toBe(true);
    expect(view.state.doc.toString()).toBe('http.host eq "a" and not ssl');
    const symbolic = new FakeView(state('http.host eq "a" and not ssl|', { format: { operators: 'symbolic' } }));
    formatCommand(symbolic.view);
    expect(symbolic.state.doc.toString()).toBe('http.host == "a" && !ssl');
    const broken = new FakeView(state('http.host eq (|'));
    expect(formatCommand(broken.view)).toBe(false);
    expect(broken.state.doc.toString()).toBe('http.host eq (');
    expect(formatCommand(new FakeView(EditorState.create({ doc: 'a' })).view)).toBe(false);
  });
});

describe('the extension is browser-safe', () => {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');
  const entry = resolve(root, 'service/codemirror/index.ts');
  /** Every module reachable from `entry` through relative imports, with its package imports. */
  const reachable = new Map<string, string[]>();
  const visit = (file: string): void => {
    if (reachable.has(file)) return;
    const source = readFileSync(file, 'utf8').replace(/\/\*[^]*?\*\//g, ''); // not the examples in TSDoc
    const specifiers = [...source.matchAll(/(?:import|export)[^'"]*?from\s*'([^']+)'|import\('([^']+)'\)/g)].map((m) => m[1] ?? m[2]!);
    reachable.set(file, specifiers.filter((s) => !s.startsWith('.')));
    for (const s of specifiers.filter((s) => s.startsWith('.') && !s.endsWith('.json'))) visit(resolve(dirname(file), s.replace(/\.js$/, '.ts')));
  };
  visit(entry);

  it('imports only CodeMirror, @lezer/highlight and the library, nothing Node-only', () => {
    expect(reachable.size).toBeGreaterThan(20);
    for (const [file, packages] of reachable) {
      expect(file, 'LSP modules are Node-only').not.toContain('/service/lsp/');
      for (const name of packages) {
        expect(name.startsWith('node:') || name.startsWith('vscode-'), `${file} imports ${name}`).toBe(false);
        if (file.includes('/service/codemirror/')) expect(name, file).toMatch(/^@codemirror\/(state|view|language|lint|autocomplete)$|^@lezer\/highlight$/);
      }
    }
  });

  it('never parses text as HTML and never evaluates code', () => {
    for (const file of reachable.keys()) {
      const source = readFileSync(file, 'utf8').replace(/\/\*[^]*?\*\/|\/\/.*$/gm, '');
      expect(/\beval\s*\(|new\s+Function\b|WebAssembly\.|innerHTML|outerHTML|insertAdjacentHTML|document\.write/.test(source), file).toBe(false);
    }
  });
});

describe('lintDiagnostics', () => {
  it('lists what the lint state shows', () => {
    const state = EditorState.create({ doc: 'http.hots', extensions: [wirefilter()] });
    expect(lintDiagnostics(state)).toEqual([]);
    const shown = state.update(setDiagnostics(state, [{ from: 0, to: 9, severity: 'error', message: 'm' }])).state;
    expect(lintDiagnostics(shown)).toMatchObject([{ from: 0, to: 9, severity: 'error', message: 'm' }]);
  });
});
