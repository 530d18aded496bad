/**
 * Editor tooling for the Rules language: the {@link LanguageService} (diagnostics,
 * completion, hover, signature help, semantic tokens, formatting) and the standalone
 * formatter. Browser-safe; the LSP server lives in `./lsp/` and is Node-only.
 *
 * @module
 */
export { LanguageService } from './language-service.js';
export { formatExpression } from './format.js';
export { COMPARISON_OPERATORS, LOGICAL_OPERATORS, OTHER_CONSTRUCTS, operatorDoc, operatorsFor } from './operators.js';
export type { OperatorDoc } from './operators.js';
export { REQUEST_HEADERS, RESPONSE_HEADERS } from './known-values.js';
export { SEMANTIC_TOKEN_TYPES, SEMANTIC_TOKEN_MODIFIERS } from './types.js';
export type {
  CompletionItem,
  CompletionKind,
  CompletionList,
  FormatOptions,
  HoverInfo,
  LanguageServiceOptions,
  ParameterInfo,
  SemanticToken,
  SemanticTokenModifier,
  SemanticTokenType,
  SignatureHelpInfo,
  SignatureInfo,
  Span,
} from './types.js';
