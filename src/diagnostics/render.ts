/**
 * Renders diagnostics the way Cloudflare's API prints filter errors:
 *
 * ```
 * Filter parsing error (1:39):
 * ip.src in {2400:cb00::/32 2405:8100::/2000}
 *                                       ^^^^ number too large to fit in target type
 * ```
 *
 * @module
 */
import type { Diagnostic } from './diagnostics.js';
import { LineIndex } from './line-index.js';

/** Options for {@link renderDiagnostic}. */
export interface RenderOptions {
  /**
   * Unit of the column in the header. `utf8` (default) counts UTF-8 bytes like Cloudflare's
   * engine; `utf16` prints `Diagnostic.column` as is.
   */
  columnUnit?: 'utf8' | 'utf16';
  /** Heading word; default `Filter parsing error` for errors, `Filter warning` otherwise. */
  title?: string;
}

const encoder = new TextEncoder();

/** Display width of a string in a terminal, approximating wide characters as one column. */
const width = (text: string): number => [...text].length;

/**
 * Longest source line echoed whole. A longer line is shown as an excerpt around the span (its
 * ends elided with `…`), so that a message never grows with the input: a 1 MB expression gave
 * 1 MB messages, one per diagnostic.
 */
export const MAX_ECHOED_LINE = 240;

/** Characters of context kept before and after the span, and of a long span's two ends. */
const CONTEXT_BEFORE = 80;
const CONTEXT_AFTER = 60;
const SPAN_END_KEPT = 40;

/**
 * The line index of the source rendered last: callers render the diagnostics of one
 * expression one by one, and indexing the text again for each would make that quadratic.
 */
let lastLines: LineIndex | undefined;

function lineIndexOf(source: string): LineIndex {
  if (lastLines?.text !== source) lastLines = new LineIndex(source);
  return lastLines;
}

/** Renders one diagnostic with its source line (or an excerpt of it) and a caret underline of its span. */
export function renderDiagnostic(source: string, diagnostic: Diagnostic, options: RenderOptions = {}): string {
  const lines = lineIndexOf(source);
  const { start: lineStart, end: lineEnd } = lines.lineBounds(lines.line(diagnostic.span.start));
  const start = diagnostic.span.start - lineStart;
  const end = Math.max(start, Math.min(diagnostic.span.end - lineStart, lineEnd - lineStart));
  // The column counts UTF-8 bytes of the line up to the span (at most the line, never more).
  const column = options.columnUnit === 'utf16' ? diagnostic.column : encoder.encode(source.slice(lineStart, lineStart + start)).length + 1;
  const title = options.title ?? (diagnostic.severity === 'error' ? 'Filter parsing error' : `Filter ${diagnostic.severity}`);
  const shown = excerpt(source, lineStart, lineEnd, start, end);
  const pad = ' '.repeat(width(shown.before));
  const carets = '^'.repeat(Math.max(1, width(shown.span)));
  return `${title} (${diagnostic.line}:${column}):\n${shown.before}${shown.span}${shown.after}\n${pad}${carets} ${diagnostic.message}`;
}

/** The part of a line shown: text before the span, the span, text after (bounded lengths). */
function excerpt(source: string, lineStart: number, lineEnd: number, start: number, end: number): { before: string; span: string; after: string } {
  const at = (from: number, to: number): string => source.slice(lineStart + from, lineStart + to);
  const length = lineEnd - lineStart;
  if (length <= MAX_ECHOED_LINE) return { before: at(0, start), span: at(start, end), after: at(end, length) };
  const before = start > CONTEXT_BEFORE ? `…${at(start - CONTEXT_BEFORE, start)}` : at(0, start);
  const span = end - start > 2 * SPAN_END_KEPT + 1 ? `${at(start, start + SPAN_END_KEPT)}…${at(end - SPAN_END_KEPT, end)}` : at(start, end);
  const after = length - end > CONTEXT_AFTER ? `${at(end, end + CONTEXT_AFTER)}…` : at(end, length);
  return { before, span, after };
}

/** Renders several diagnostics, separated by blank lines. */
export function renderDiagnostics(source: string, diagnostics: readonly Diagnostic[], options?: RenderOptions): string {
  return diagnostics.map((d) => renderDiagnostic(source, d, options)).join('\n\n');
}
