/**
 * The language service: everything an editor needs for one expression — diagnostics,
 * completion, hover, signature help, semantic tokens and formatting — as plain functions of
 * the text and a cursor offset. It is browser-safe (no Node APIs, no WASM, no `eval`) and
 * copes with partial and broken input, which is what editors mostly hand it.
 *
 * Offsets and spans are UTF-16 code units into the text, like `Diagnostic.span`.
 *
 * @module
 */
import type { Diagnostic } from '../diagnostics/diagnostics.js';
import type { Scheme } from '../engine/scheme.js';
import { SchemeCatalog } from './catalog.js';
import { complete } from './complete.js';
import { formatExpression } from './format.js';
import { hover } from './hover.js';
import { signatureHelp } from './signature.js';
import { semanticTokens } from './tokens.js';
import type {
  CompletionList,
  FormatOptions,
  HoverInfo,
  LanguageServiceOptions,
  SemanticToken,
  SignatureHelpInfo,
} from './types.js';

/**
 * Editor features for expressions written against one scheme.
 *
 * ```ts
 * const service = new LanguageService(cloudflareScheme(), { phase: 'http_request_firewall_custom' });
 * service.complete('http.request.', 13).items.map((i) => i.label); // ['http.request.method', …]
 * service.format('a eq 1&&b', { operators: 'english' });          // 'a eq 1 and b'
 * ```
 */
export class LanguageService {
  /** The scheme expressions are checked against. */
  readonly scheme: Scheme;
  /** The phase given in the options, if any. */
  readonly phase: string | undefined;
  private readonly catalog: SchemeCatalog;

  constructor(scheme: Scheme, options: LanguageServiceOptions = {}) {
    this.scheme = scheme;
    this.phase = options.phase ?? scheme.options.phase;
    this.catalog = new SchemeCatalog(scheme, this.phase);
  }

  /** Every diagnostic (errors and warnings) with exact ranges; `[]` for a valid expression. */
  validate(text: string): Diagnostic[] {
    return this.scheme.validate(text, this.phase === undefined ? {} : { phase: this.phase });
  }

  /** Completion proposals at `offset`, and the span of text they replace. */
  complete(text: string, offset: number): CompletionList {
    return complete(this.catalog, text, offset);
  }

  /** What the token at `offset` is, as Markdown; `undefined` when there is nothing to say. */
  hover(text: string, offset: number): HoverInfo | undefined {
    return hover(this.catalog, text, offset);
  }

  /** The signature of the call whose arguments contain `offset`. */
  signatureHelp(text: string, offset: number): SignatureHelpInfo | undefined {
    return signatureHelp(this.catalog, text, offset);
  }

  /** Highlighting information for every token, in order. */
  semanticTokens(text: string): SemanticToken[] {
    return semanticTokens(this.catalog, text);
  }

  /** The canonical form of the expression, or `undefined` when it has syntax errors. */
  format(text: string, options: FormatOptions = {}): string | undefined {
    return formatExpression(text, { maxNestingDepth: this.scheme.options.maxNestingDepth, ...options });
  }
}
