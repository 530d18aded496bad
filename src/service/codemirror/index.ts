/// <reference lib="dom" />
/**
 * A CodeMirror 6 extension for the Rules language, built on the {@link LanguageService}:
 * semantic highlighting (deprecated fields struck through), lint diagnostics with quick
 * fixes, context-aware autocompletion with snippets, hover documentation, signature help
 * inside function calls and a format command (Shift-Alt-F).
 *
 * ```ts
 * import { EditorView } from '@codemirror/view';
 * import { wirefilter } from 'wirefilter-ts/codemirror';
 *
 * new EditorView({
 *   doc: 'http.host eq "example.com" and not cf.client.bot',
 *   extensions: [wirefilter({ phase: 'http_request_firewall_custom' })],
 *   parent: document.querySelector('#editor')!,
 * });
 * ```
 *
 * Browser-safe: it imports only `@codemirror/*`, `@lezer/highlight` and this library, and
 * never parses text as HTML (hover and completion documentation is rendered from Markdown
 * with DOM calls).
 *
 * @module
 */
import {
  autocompletion,
  insertCompletionText,
  pickedCompletion,
  snippet,
  startCompletion,
  type Completion,
  type CompletionContext,
  type CompletionResult,
  type CompletionSource,
} from '@codemirror/autocomplete';
import { HighlightStyle, highlightingFor, syntaxHighlighting } from '@codemirror/language';
import { forEachDiagnostic, linter, type Diagnostic as LintDiagnostic } from '@codemirror/lint';
import {
  EditorState,
  Facet,
  Prec,
  RangeSetBuilder,
  StateEffect,
  StateField,
  type Extension,
  type Text,
} from '@codemirror/state';
import {
  Decoration,
  EditorView,
  ViewPlugin,
  hoverTooltip,
  keymap,
  showTooltip,
  type Command,
  type DecorationSet,
  type KeyBinding,
  type Tooltip,
  type ViewUpdate,
} from '@codemirror/view';
import { tags } from '@lezer/highlight';
import { cloudflareScheme, type Diagnostic, type Scheme } from '../../index.js';
import { LanguageService } from '../language-service.js';
import type { CompletionItem, FormatOptions, SemanticToken, SignatureHelpInfo } from '../types.js';
import {
  completionType,
  lspSnippetToCodeMirror,
  minimalChange,
  toLintDiagnostic,
  tokenClasses,
  tokenTags,
} from './convert.js';
import { parseInline, renderInline, renderMarkdown, type MarkdownDocument, type MarkdownElement } from './markdown.js';

export {
  completionType,
  lspSnippetText,
  lspSnippetToCodeMirror,
  minimalChange,
  parseLspSnippet,
  quickFixes,
  toLintDiagnostic,
  tokenClasses,
  tokenTags,
  TOKEN_TAGS,
} from './convert.js';
export type { LintDiagnosticData, QuickFix, SnippetPart } from './convert.js';
export { parseInline, parseMarkdown, renderInline, renderMarkdown } from './markdown.js';
export type {
  MarkdownBlock,
  MarkdownDocument,
  MarkdownElement,
  MarkdownInline,
  RenderMarkdownOptions,
} from './markdown.js';

/** Options of {@link wirefilter}. Every feature is on unless turned off. */
export interface WirefilterOptions {
  /** The scheme expressions are written against. Default: {@link cloudflareScheme}`()`. */
  scheme?: Scheme;
  /** The Cloudflare phase (e.g. `http_request_firewall_custom`): functions not offered there are errors and are not proposed. */
  phase?: string;
  /** A ready language service; when given, `scheme` and `phase` are ignored. */
  service?: LanguageService;
  /** Semantic highlighting. Default true. */
  highlight?: boolean;
  /** Lint diagnostics (errors and warnings with their code, quick fixes). Default true. */
  lint?: boolean;
  /** Milliseconds of inactivity before the document is linted again. Default 250. */
  lintDelay?: number;
  /** Autocompletion. Default true. */
  autocomplete?: boolean;
  /** Hover documentation of fields, functions and operators. Default true. */
  hover?: boolean;
  /** Signature help inside function calls. Default true. */
  signatureHelp?: boolean;
  /** Options of {@link formatCommand}. */
  format?: FormatOptions;
  /** The keymap: Shift-Alt-F formats, Escape closes signature help. Default true. */
  keymap?: boolean;
}

interface Config {
  service: LanguageService;
  format: FormatOptions;
}

const configFacet = Facet.define<Config, Config | undefined>({ combine: (values) => values[0] });

/** The language service configured by {@link wirefilter} in this state, if any. */
export function languageServiceOf(state: EditorState): LanguageService | undefined {
  return state.facet(configFacet)?.service;
}

interface DocumentCache {
  diagnostics?: Diagnostic[];
  tokens?: SemanticToken[];
}

// Documents are immutable: results are cached per service and per document version.
const caches = new WeakMap<LanguageService, WeakMap<Text, DocumentCache>>();

function cacheFor(service: LanguageService, doc: Text): DocumentCache {
  let byDoc = caches.get(service);
  if (byDoc === undefined) caches.set(service, (byDoc = new WeakMap()));
  let cache = byDoc.get(doc);
  if (cache === undefined) byDoc.set(doc, (cache = {}));
  return cache;
}

/**
 * The library diagnostics (errors and warnings, spans in document offsets) of the current
 * document — the same list the lint markers show, available at once (no lint delay). `[]`
 * without the {@link wirefilter} extension.
 */
export function wirefilterDiagnostics(state: EditorState): Diagnostic[] {
  const service = languageServiceOf(state);
  if (service === undefined) return [];
  const cache = cacheFor(service, state.doc);
  cache.diagnostics ??= service.validate(state.doc.toString());
  return cache.diagnostics;
}

/** The lint diagnostics CodeMirror currently shows (after the lint delay), from every linter. */
export function lintDiagnostics(state: EditorState): LintDiagnostic[] {
  const found: LintDiagnostic[] = [];
  forEachDiagnostic(state, (d, from, to) => found.push({ ...d, from, to }));
  return found;
}

function semanticTokensOf(state: EditorState): SemanticToken[] {
  const service = languageServiceOf(state);
  if (service === undefined) return [];
  const cache = cacheFor(service, state.doc);
  cache.tokens ??= service.semanticTokens(state.doc.toString());
  return cache.tokens;
}

// ---------------------------------------------------------------------------------------
// Highlighting

/** The default colors (a light palette), used when no other highlight style is configured. */
export const wirefilterHighlightStyle: HighlightStyle = HighlightStyle.define([
  { tag: tags.variableName, color: '#1f4e99' },
  { tag: tags.function(tags.variableName), color: '#6f42c1' },
  { tag: tags.keyword, color: '#a0265e', fontWeight: '600' },
  { tag: tags.operator, color: '#a0265e' },
  { tag: tags.string, color: '#0f7b3f' },
  { tag: tags.regexp, color: '#b3541e' },
  { tag: tags.number, color: '#0b7285' },
  { tag: tags.atom, color: '#0b7285' },
  { tag: tags.special(tags.variableName), color: '#8a5a00', fontStyle: 'italic' },
  { tag: tags.punctuation, color: '#6a737d' },
  { tag: tags.invalid, color: '#cf222e' },
]);

/** Structural styles: deprecated fields struck through, tooltips, signature help. */
export const wirefilterTheme: Extension = EditorView.baseTheme({
  '.cm-wf-deprecated': { textDecoration: 'line-through', textDecorationThickness: '1px' },
  '.cm-completionIcon-snippet:after': { content: "'⌘'" },
  '.cm-tooltip .cm-wf-markdown': {
    maxWidth: '34em',
    padding: '4px 8px',
    fontSize: '90%',
    lineHeight: '1.45',
  },
  '.cm-wf-markdown p, .cm-wf-markdown ul, .cm-wf-markdown ol': { margin: '4px 0' },
  '.cm-wf-markdown ul, .cm-wf-markdown ol': { paddingLeft: '1.4em' },
  '.cm-wf-markdown pre': {
    margin: '4px 0',
    padding: '4px 6px',
    borderRadius: '4px',
    whiteSpace: 'pre-wrap',
    fontFamily: 'var(--wf-code-font, ui-monospace, SFMono-Regular, Menlo, Consolas, monospace)',
  },
  '.cm-wf-markdown code': {
    fontFamily: 'var(--wf-code-font, ui-monospace, SFMono-Regular, Menlo, Consolas, monospace)',
    fontSize: '95%',
  },
  '&light .cm-wf-markdown pre, &light .cm-wf-markdown :not(pre) > code': { background: '#f0f2f5' },
  '&dark .cm-wf-markdown pre, &dark .cm-wf-markdown :not(pre) > code': { background: '#2b3038' },
  '.cm-wf-markdown :not(pre) > code': { padding: '0 3px', borderRadius: '3px' },
  '.cm-wf-signature': {
    padding: '4px 8px',
    maxWidth: '40em',
    fontSize: '90%',
  },
  '.cm-wf-signature-label': {
    fontFamily: 'var(--wf-code-font, ui-monospace, SFMono-Regular, Menlo, Consolas, monospace)',
  },
  '.cm-wf-signature-active': { fontWeight: '700', textDecoration: 'underline' },
  '.cm-wf-signature .cm-wf-markdown': { padding: '0', marginTop: '2px' },
  '.cm-wf-code': { opacity: '0.7', fontSize: '85%', marginLeft: '0.5em' },
});

const decorationCache = new Map<string, Decoration>();
function markFor(cls: string): Decoration {
  let mark = decorationCache.get(cls);
  if (mark === undefined) decorationCache.set(cls, (mark = Decoration.mark({ class: cls })));
  return mark;
}

/** The CSS classes of a token in this state: its stable classes plus the highlight style's. */
function tokenClassIn(state: EditorState, token: Pick<SemanticToken, 'type' | 'modifiers'>): string {
  const style = highlightingFor(state, tokenTags(token));
  return style === null ? tokenClasses(token) : `${tokenClasses(token)} ${style}`;
}

function buildDecorations(view: EditorView): DecorationSet {
  const builder = new RangeSetBuilder<Decoration>();
  const visible = view.visibleRanges;
  const length = view.state.doc.length;
  let range = 0;
  let last = 0;
  for (const token of semanticTokensOf(view.state)) {
    const start = token.span.start;
    const end = Math.min(token.span.end, length);
    // Ranges must come sorted and non-overlapping: skip anything out of order.
    if (end <= start || start < last) continue;
    while (range < visible.length && visible[range]!.to < start) range++;
    if (range >= visible.length) break;
    if (end < visible[range]!.from) continue;
    builder.add(start, end, markFor(tokenClassIn(view.state, token)));
    last = end;
  }
  return builder.finish();
}

const semanticHighlighter = ViewPlugin.fromClass(
  class {
    decorations: DecorationSet;
    constructor(view: EditorView) {
      this.decorations = buildDecorations(view);
    }
    update(update: ViewUpdate): void {
      if (update.docChanged || update.viewportChanged || update.transactions.some((tr) => tr.reconfigured)) {
        this.decorations = buildDecorations(update.view);
      }
    }
  },
  { decorations: (plugin) => plugin.decorations },
);

/**
 * Renders `code` (an expression, or a documentation snippet such as `http.host: Bytes`) as
 * a `<code>` element colored like the editor of `state`: tokens carry the same `cm-wf-*`
 * and highlight-style classes; unrecognised text stays plain. Useful to show expressions
 * outside the editor (rule lists, traces). Built with DOM calls only.
 */
export function highlightExpression(state: EditorState, code: string, doc: Document = document): HTMLElement {
  const element = doc.createElement('code');
  const service = languageServiceOf(state);
  let at = 0;
  for (const token of service?.semanticTokens(code) ?? []) {
    // Documentation snippets such as `http.host: Bytes` are not expressions: only color
    // what is recognised.
    if (token.type === 'unknown' || token.modifiers.includes('invalid') || token.span.start < at) continue;
    if (token.span.start > at) element.append(code.slice(at, token.span.start));
    const span = doc.createElement('span');
    span.className = tokenClassIn(state, token);
    span.textContent = code.slice(token.span.start, token.span.end);
    element.append(span);
    at = token.span.end;
  }
  if (at < code.length) element.append(code.slice(at));
  return element;
}

/** Renders Markdown documentation for a tooltip in this editor. */
function documentation(view: EditorView, markdown: string): HTMLElement {
  return renderMarkdown(markdown, {
    document: view.dom.ownerDocument as unknown as MarkdownDocument,
    highlightCode: (code, language) =>
      language === '' || language === 'wirefilter' ? (highlightExpression(view.state, code, view.dom.ownerDocument) as unknown as MarkdownElement) : undefined,
  }) as unknown as HTMLElement;
}

// ---------------------------------------------------------------------------------------
// Lint

function lintSource(view: EditorView): LintDiagnostic[] {
  const text = view.state.doc.toString();
  return wirefilterDiagnostics(view.state).map((diagnostic) => {
    const data = toLintDiagnostic(diagnostic, text);
    const lint: LintDiagnostic = {
      from: data.from,
      to: data.to,
      severity: data.severity,
      message: data.message,
      source: data.source,
      renderMessage: (v) => {
        const doc = v.dom.ownerDocument;
        const element = doc.createElement('span');
        renderInline(parseInline(diagnostic.message), element as unknown as MarkdownElement, doc as unknown as MarkdownDocument);
        const code = doc.createElement('span');
        code.className = 'cm-wf-code';
        code.textContent = diagnostic.code;
        element.append(code);
        return element;
      },
    };
    if (data.fixes.length > 0) {
      lint.actions = data.fixes.map((fix) => ({
        name: fix.name,
        apply: (v: EditorView, from: number, to: number) => {
          v.dispatch({ changes: { from, to, insert: fix.insert }, userEvent: 'input.fix' });
        },
      }));
    }
    return lint;
  });
}

// ---------------------------------------------------------------------------------------
// Completion

const deprecatedCompletions = new WeakSet<Completion>();

/** Characters after which the list opens by itself even though no word was typed yet. */
const TRIGGERS = /[$["(]$/;

function toCompletion(item: CompletionItem, index: number, view: EditorView | undefined): Completion {
  const filter = item.filterText ?? item.label;
  let detail = item.detail;
  if (detail !== undefined && item.kind === 'function' && detail.startsWith(`${item.label}(`)) {
    detail = detail.slice(item.label.length);
  }
  const completion: Completion = {
    label: filter,
    type: completionType(item.kind, item.label),
    // Ties in match quality keep the service's order.
    sortText: `${String(index).padStart(5, '0')}`,
  };
  if (filter !== item.label) completion.displayLabel = item.label;
  if (detail !== undefined) completion.detail = detail;
  if (item.documentation !== undefined) {
    const markdown = item.documentation;
    completion.info = () => (view === undefined ? (renderMarkdown(markdown) as unknown as HTMLElement) : documentation(view, markdown));
  }
  const template = item.isSnippet === true ? lspSnippetToCodeMirror(item.insertText) : undefined;
  const insert = template !== undefined && /[$#]\{/.test(template) ? template : undefined;
  const plain = insert === undefined ? (template !== undefined ? template.replace(/\\([{}])/g, '$1') : item.insertText) : undefined;
  completion.apply = (view, picked, from, to) => {
    if (insert !== undefined) snippet(insert)(view, picked, from, to);
    else view.dispatch({ ...insertCompletionText(view.state, plain!, from, to), annotations: pickedCompletion.of(picked) });
    if (item.retrigger === true) startCompletion(view);
  };
  if (item.deprecated === true) deprecatedCompletions.add(completion);
  return completion;
}

const completionSource: CompletionSource = (context: CompletionContext): CompletionResult | null => {
  const service = languageServiceOf(context.state);
  if (service === undefined) return null;
  const text = context.state.doc.toString();
  const list = service.complete(text, context.pos);
  if (list.items.length === 0) return null;
  const typed = text.slice(list.span.start, context.pos);
  if (!context.explicit && typed === '' && !TRIGGERS.test(text.slice(0, context.pos))) return null;
  return {
    from: list.span.start,
    to: Math.max(list.span.end, context.pos),
    options: list.items.map((item, index) => toCompletion(item, index, context.view)),
  };
};

// ---------------------------------------------------------------------------------------
// Hover

const hoverSource = hoverTooltip((view, pos) => {
  const service = languageServiceOf(view.state);
  const info = service?.hover(view.state.doc.toString(), pos);
  if (info === undefined) return null;
  return {
    pos: info.span.start,
    end: info.span.end,
    above: true,
    create: (v) => {
      const dom = documentation(v, info.markdown);
      dom.classList.add('cm-wf-hover');
      return { dom };
    },
  };
});

// ---------------------------------------------------------------------------------------
// Signature help

const closeSignature = StateEffect.define<null>();

interface SignatureState {
  tooltip: Tooltip | null;
  /** Escape was pressed: stay closed until the document changes. */
  dismissed: boolean;
}

function signatureTooltip(state: EditorState, dismissed: boolean): Tooltip | null {
  const selection = state.selection.main;
  if (dismissed || !selection.empty) return null;
  const service = languageServiceOf(state);
  const help = service?.signatureHelp(state.doc.toString(), selection.head);
  if (help === undefined || help.signatures.length === 0) return null;
  return { pos: selection.head, above: true, strictSide: false, create: (view) => ({ dom: renderSignature(view, help) }) };
}

function renderSignature(view: EditorView, help: SignatureHelpInfo): HTMLElement {
  const doc = view.dom.ownerDocument;
  const signature = help.signatures[help.activeSignature] ?? help.signatures[0]!;
  const dom = doc.createElement('div');
  dom.className = 'cm-wf-signature';
  const label = doc.createElement('div');
  label.className = 'cm-wf-signature-label';
  const parameter = signature.parameters[help.activeParameter];
  let range: [number, number] | undefined;
  if (parameter !== undefined) {
    if (Array.isArray(parameter.label)) range = parameter.label;
    else {
      const at = signature.label.indexOf(parameter.label);
      if (at >= 0) range = [at, at + parameter.label.length];
    }
  }
  if (range === undefined) label.textContent = signature.label;
  else {
    const active = doc.createElement('span');
    active.className = 'cm-wf-signature-active';
    active.textContent = signature.label.slice(range[0], range[1]);
    label.append(signature.label.slice(0, range[0]), active, signature.label.slice(range[1]));
  }
  dom.append(label);
  const docs = parameter?.documentation;
  if (docs !== undefined) dom.append(documentation(view, docs));
  return dom;
}

const signatureField = StateField.define<SignatureState>({
  create: (state) => ({ tooltip: signatureTooltip(state, false), dismissed: false }),
  update(value, tr) {
    let dismissed = tr.docChanged ? false : value.dismissed;
    if (tr.effects.some((e) => e.is(closeSignature))) dismissed = true;
    if (!tr.docChanged && !tr.selection && dismissed === value.dismissed && !tr.reconfigured) return value;
    return { tooltip: signatureTooltip(tr.state, dismissed), dismissed };
  },
  provide: (field) => showTooltip.compute([field], (state) => state.field(field).tooltip),
});

const closeSignatureCommand: Command = (view) => {
  const value = view.state.field(signatureField, false);
  if (value?.tooltip == null) return false;
  view.dispatch({ effects: closeSignature.of(null) });
  return true;
};

// ---------------------------------------------------------------------------------------
// Formatting

/**
 * Formats the document with the language service's canonical printer (options from
 * {@link WirefilterOptions.format}). Returns false when the document has syntax errors (it
 * is left unchanged) or the extension is not configured.
 */
export const formatCommand: Command = (view) => {
  const config = view.state.facet(configFacet);
  if (config === undefined) return false;
  const text = view.state.doc.toString();
  const formatted = config.service.format(text, config.format);
  if (formatted === undefined) return false;
  const change = minimalChange(text, formatted);
  if (change !== undefined) view.dispatch({ changes: change, userEvent: 'format', scrollIntoView: true });
  return true;
};

/** Key bindings of the extension: Shift-Alt-F formats, Escape closes signature help. */
export const wirefilterKeymap: readonly KeyBinding[] = [
  { key: 'Shift-Alt-f', run: formatCommand, preventDefault: true },
  { key: 'Escape', run: closeSignatureCommand },
];

// ---------------------------------------------------------------------------------------

/**
 * The Rules-language editor extension. Every feature can be turned off in `options`; the
 * scheme defaults to Cloudflare's.
 */
export function wirefilter(options: WirefilterOptions = {}): Extension {
  const service =
    options.service ??
    new LanguageService(options.scheme ?? cloudflareScheme(), options.phase === undefined ? {} : { phase: options.phase });
  const extensions: Extension[] = [configFacet.of({ service, format: options.format ?? {} }), wirefilterTheme];
  if (options.highlight !== false) {
    extensions.push(semanticHighlighter, syntaxHighlighting(wirefilterHighlightStyle, { fallback: true }));
  }
  if (options.lint !== false) extensions.push(linter(lintSource, { delay: options.lintDelay ?? 250 }));
  if (options.autocomplete !== false) {
    extensions.push(
      EditorState.languageData.of(() => [{ autocomplete: completionSource }]),
      autocompletion({
        icons: true,
        optionClass: (completion) => (deprecatedCompletions.has(completion) ? 'cm-wf-deprecated' : ''),
      }),
    );
  }
  if (options.hover !== false) extensions.push(hoverSource);
  if (options.signatureHelp !== false) extensions.push(signatureField);
  if (options.keymap !== false) extensions.push(Prec.high(keymap.of(wirefilterKeymap)));
  return extensions;
}
