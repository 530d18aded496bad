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
import { LineIndex } from '../diagnostics/line-index.js';
import { isRequestPhase, isResponseField } from '../functions/phases.js';
import { lex, T } from './analysis.js';
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
  /** Whether the expressions are counting expressions (see {@link LanguageServiceOptions.countingExpression}). */
  readonly countingExpression: boolean;
  private readonly catalog: SchemeCatalog;

  constructor(scheme: Scheme, options: LanguageServiceOptions = {}) {
    this.scheme = scheme;
    this.phase = options.phase ?? scheme.options.phase;
    this.countingExpression = options.countingExpression === true;
    this.catalog = new SchemeCatalog(scheme, this.phase);
  }

  /**
   * Every diagnostic (errors and warnings) with exact ranges; `[]` for a valid expression. In
   * a request phase, a response field outside a counting expression is a
   * `field-not-available-in-phase` warning: it never has a value there.
   */
  validate(text: string): Diagnostic[] {
    const diagnostics = this.scheme.validate(text, this.phase === undefined ? {} : { phase: this.phase });
    if (this.phase === undefined || this.countingExpression || !isRequestPhase(this.phase) || diagnostics.some((d) => d.severity === 'error')) return diagnostics;
    const warnings = responseFieldWarnings(this.scheme, text, this.phase);
    return warnings.length === 0 ? diagnostics : [...diagnostics, ...warnings].sort((a, b) => a.span.start - b.span.start);
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

/** A warning per response field named in `text` (each field once), for a request phase. */
function responseFieldWarnings(scheme: Scheme, text: string, phase: string): Diagnostic[] {
  const { tokens } = lex(text);
  const seen = new Set<string>();
  const warnings: Diagnostic[] = [];
  let lines: LineIndex | undefined;
  tokens.forEach((token, i) => {
    if (token.type !== T.Identifier || tokens[i + 1]?.type === T.LParen || seen.has(token.image)) return;
    if (!isResponseField(token.image) || scheme.fieldInfo(token.image) === undefined) return;
    seen.add(token.image);
    lines ??= new LineIndex(text);
    const message =
      phase === 'http_ratelimit'
        ? `\`${token.image}\` only has a value after the response: a rate limiting rule's expression runs on the request, so use it in \`counting_expression\``
        : `\`${token.image}\` only has a value in response phases; in ${phase} it is always missing`;
    warnings.push({ code: 'field-not-available-in-phase', severity: 'warning', message, span: { start: token.start, end: token.end }, ...lines.position(token.start) });
  });
  return warnings;
}
