/// <reference lib="dom" />
/**
 * Semantic highlighting: the language service's tokens become decorations with stable
 * `cm-wf-*` classes (deprecated fields struck through) plus the classes of the editor's
 * highlight style, so that a theme colors them like any CodeMirror language.
 *
 * @module
 */
import { HighlightStyle, highlightingFor, syntaxHighlighting } from '@codemirror/language';
import { RangeSetBuilder, type EditorState, type Extension } from '@codemirror/state';
import { Decoration, ViewPlugin, type DecorationSet, type EditorView, type ViewUpdate } from '@codemirror/view';
import { tags } from '@lezer/highlight';
import type { SemanticToken } from '../types.js';
import { languageServiceOf, semanticTokensOf } from './config.js';
import { tokenClasses, tokenTags } from './convert.js';

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
 * Semantic highlighting of the visible part of the document, with
 * {@link wirefilterHighlightStyle} as the fallback colors.
 */
export function semanticHighlighting(): Extension {
  return [semanticHighlighter, syntaxHighlighting(wirefilterHighlightStyle, { fallback: true })];
}

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
