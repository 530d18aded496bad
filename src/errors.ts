/**
 * The one error type the library throws.
 *
 * @module
 */
import type { Diagnostic } from './check/diagnostics.js';
import { renderDiagnostics } from './check/render.js';

/** Errors rendered into a {@link WirefilterError}'s message; the rest are only in `diagnostics`. */
const MAX_RENDERED_ERRORS = 20;

/**
 * Thrown by `Scheme.compile` (and other APIs that cannot return diagnostics) when the input
 * has errors. `diagnostics` holds every problem found, warnings included.
 */
export class WirefilterError extends Error {
  override name = 'WirefilterError';

  constructor(
    message: string,
    /** Every diagnostic found, in source order. */
    readonly diagnostics: readonly Diagnostic[] = [],
    /** The expression the diagnostics refer to, when there is one. */
    readonly source?: string,
    /**
     * What went wrong, as a stable kebab-case code: `invalid-expression` when the
     * diagnostics say it, `invalid-scheme`, `invalid-values`, … otherwise.
     */
    readonly code: string = 'invalid-expression',
  ) {
    super(message);
  }

  /** Builds the error for an expression that failed to compile. */
  static fromDiagnostics(source: string, diagnostics: readonly Diagnostic[]): WirefilterError {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    // Each rendered error repeats its source line: bound the message (all are in `diagnostics`).
    const shown = errors.slice(0, MAX_RENDERED_ERRORS);
    const more = errors.length - shown.length;
    const message = renderDiagnostics(source, shown) + (more > 0 ? `\n\n… and ${more} more error${more === 1 ? '' : 's'} (see \`diagnostics\`)` : '');
    return new WirefilterError(message, diagnostics, source);
  }
}
