/**
 * The data shapes of the language service. They are plain, serialisable objects with spans
 * in UTF-16 offsets of the expression text (the same unit as `Diagnostic.span`), so that
 * any editor binding (the LSP server, a CodeMirror extension) can convert them to its own
 * positions without knowing anything about the language.
 *
 * @module
 */
import type { Span } from '../diagnostics/diagnostics.js';

export type { Span };

/** Options of {@link LanguageService}. */
export interface LanguageServiceOptions {
  /**
   * The Cloudflare phase expressions are written for (e.g. `http_request_firewall_custom`):
   * validation reports functions not offered there, and completion leaves them out.
   */
  phase?: string;
  /**
   * The expressions are rate limiting rules' `counting_expression`s, which run after the
   * response: response fields (`http.response.*`) are valid in them. Elsewhere in a request
   * phase (`http_request_*`, `http_ratelimit`), validation warns that a response field is
   * always missing (`field-not-available-in-phase`). Default false.
   */
  countingExpression?: boolean;
}

/** What a completion item stands for; editors pick an icon from it. */
export type CompletionKind = 'field' | 'function' | 'operator' | 'keyword' | 'list' | 'value' | 'snippet';

/** One completion proposal. */
export interface CompletionItem {
  /** Shown in the list; also what the editor filters on unless {@link filterText} is set. */
  label: string;
  kind: CompletionKind;
  /** One line shown next to the label, e.g. the field type or a function signature. */
  detail?: string;
  /** Markdown shown in the details pane. */
  documentation?: string;
  /**
   * Text that replaces {@link CompletionList.span}. A snippet (see {@link isSnippet}) uses
   * TextMate/LSP snippet syntax: `${1:placeholder}`, `$0`.
   */
  insertText: string;
  /** True when {@link insertText} is a snippet. */
  isSnippet?: boolean;
  /** The field is deprecated (editors strike it through). */
  deprecated?: boolean;
  /** Sort key; items without one sort by label after those with one. */
  sortText?: string;
  /** Text the editor should match the typed prefix against, when it differs from the label. */
  filterText?: string;
  /**
   * Accepting the item leaves the cursor where another completion is useful (after a
   * namespace such as `http.request.`, or after `$`): editors should open the list again.
   */
  retrigger?: boolean;
}

/** The result of {@link LanguageService.complete}. */
export interface CompletionList {
  items: CompletionItem[];
  /** The text every item replaces (empty at the cursor when nothing has been typed yet). */
  span: Span;
}

/** The result of {@link LanguageService.hover}. */
export interface HoverInfo {
  /** What the hover describes (a token or a name). */
  span: Span;
  /** Markdown. */
  markdown: string;
}

/** One parameter of a {@link SignatureInfo}. */
export interface ParameterInfo {
  /** `[start, end]` offsets into the signature label, or the parameter's own text. */
  label: [number, number] | string;
  documentation?: string;
}

/** One signature shown by signature help. */
export interface SignatureInfo {
  /** e.g. `substring(source: Bytes, start: Int, [end: Int]) -> Bytes`. */
  label: string;
  documentation?: string;
  parameters: ParameterInfo[];
}

/** The result of {@link LanguageService.signatureHelp}. */
export interface SignatureHelpInfo {
  signatures: SignatureInfo[];
  activeSignature: number;
  /** Index of the parameter at the cursor (the last one for variadic tails). */
  activeParameter: number;
}

/** Token types of {@link LanguageService.semanticTokens}, in legend order. */
export const SEMANTIC_TOKEN_TYPES = [
  'field',
  'function',
  'keyword',
  'operator',
  'string',
  'regexp',
  'number',
  'ip',
  'list',
  'punctuation',
  'unknown',
] as const;

/** A semantic token type. */
export type SemanticTokenType = (typeof SEMANTIC_TOKEN_TYPES)[number];

/** Token modifiers, in legend order. */
export const SEMANTIC_TOKEN_MODIFIERS = ['deprecated', 'invalid'] as const;

/** A semantic token modifier: `deprecated` fields, `invalid` (unknown names, bad characters). */
export type SemanticTokenModifier = (typeof SEMANTIC_TOKEN_MODIFIERS)[number];

/** One highlighted token. */
export interface SemanticToken {
  span: Span;
  type: SemanticTokenType;
  modifiers: SemanticTokenModifier[];
}

/** Options of the formatter. */
export interface FormatOptions {
  /** Maximum line width before logical chains are broken one operand per line. Default 100. */
  width?: number;
  /** One level of indentation: a string, or a number of spaces. Default two spaces. */
  indent?: string | number;
  /**
   * Operator spelling: `english` (`and`, `not`, `eq`, …, the default) or `symbolic` (`&&`,
   * `!`, `==`, …). Operators without a symbolic form (`contains`, `in`, …) stay English.
   */
  operators?: 'english' | 'symbolic';
  /** Nesting limit used while parsing (default 128, as for validation). */
  maxNestingDepth?: number;
}
