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

/** Renders one diagnostic with its source line and a caret underline of its span. */
export function renderDiagnostic(source: string, diagnostic: Diagnostic, options: RenderOptions = {}): string {
  const lineStart = source.lastIndexOf('\n', diagnostic.span.start - 1) + 1;
  let lineEnd = source.indexOf('\n', lineStart);
  if (lineEnd < 0) lineEnd = source.length;
  const line = source.slice(lineStart, lineEnd).replace(/\r$/, '');
  const start = diagnostic.span.start - lineStart;
  const end = Math.min(diagnostic.span.end - lineStart, line.length);
  const column = options.columnUnit === 'utf16' ? diagnostic.column : encoder.encode(line.slice(0, start)).length + 1;
  const title = options.title ?? (diagnostic.severity === 'error' ? 'Filter parsing error' : `Filter ${diagnostic.severity}`);
  const pad = ' '.repeat(width(line.slice(0, start)));
  const carets = '^'.repeat(Math.max(1, width(line.slice(start, Math.max(start, end)))));
  return `${title} (${diagnostic.line}:${column}):\n${line}\n${pad}${carets} ${diagnostic.message}`;
}

/** Renders several diagnostics, separated by blank lines. */
export function renderDiagnostics(source: string, diagnostics: readonly Diagnostic[], options?: RenderOptions): string {
  return diagnostics.map((d) => renderDiagnostic(source, d, options)).join('\n\n');
}
