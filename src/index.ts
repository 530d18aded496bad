/**
 * wirefilter-ts: Cloudflare's Rules language (wirefilter) for TypeScript.
 *
 * ```ts
 * import { Scheme } from 'wirefilter-ts';
 * const scheme = new Scheme({ fields: { 'http.host': 'Bytes', 'ip.src': 'Ip' } });
 * const filter = scheme.compile('http.host eq "example.com" and ip.src in {192.0.2.0/24}');
 * filter.execute({ 'http.host': 'example.com', 'ip.src': '192.0.2.7' }); // true
 * ```
 *
 * @module
 */
export { Scheme, Filter } from './scheme/scheme.js';
export type { SchemeDefinition, SchemeOptions, FieldDefinition, ListDefinition, SchemeField, SchemeFunction } from './scheme/scheme.js';
export { cloudflareScheme, CLOUDFLARE_FIELDS, MANAGED_IP_LISTS, WAF_CUSTOM_RULES_PHASE } from './cloudflare/scheme.js';
export type { CloudflareSchemeConfig, CatalogueField } from './cloudflare/scheme.js';
export { requestFields, DERIVED_FIELDS } from './cloudflare/request.js';
export type {
  RequestFacts,
  RequestFieldsOptions,
  RequestFieldValues,
  RequestLike,
  FetchRequestLike,
  NodeRequestLike,
  UrlNormalization,
} from './cloudflare/request.js';
export { ExecutionContext } from './compile/context.js';
export type { FieldValues } from './compile/context.js';
export { WirefilterError } from './errors.js';
export { DIAGNOSTIC_CODES } from './check/diagnostics.js';
export type { Diagnostic, DiagnosticCode, Severity, Span } from './check/diagnostics.js';
export { renderDiagnostic, renderDiagnostics } from './check/render.js';
export type { RenderOptions } from './check/render.js';
export type { FunctionDefinition, ArgumentKind } from './functions/definition.js';
export type { TypeName } from './scheme/types.js';
export { parseExpression } from './syntax/parser.js';
export type { ParseOptions, ParseResult } from './syntax/parser.js';
export type * as ast from './syntax/ast.js';
export { Ruleset, RulesetError } from './ruleset/ruleset.js';
export type {
  RuleInput,
  RulesetInput,
  RulesetSource,
  RulesetResponse,
  RulesetOptions,
  RulesetProblem,
  EvaluateOptions,
  Decision,
  DecisionAction,
  DecisionEvent,
  EventAction,
  BlockResponse,
  Clearance,
} from './ruleset/types.js';
export { renderTrace } from './ruleset/trace.js';
export type { RuleTrace, ExplanationNode, TraceValue } from './ruleset/trace.js';
export { LanguageService, formatExpression, SEMANTIC_TOKEN_TYPES, SEMANTIC_TOKEN_MODIFIERS } from './service/index.js';
export type {
  CompletionItem,
  CompletionKind,
  CompletionList,
  FormatOptions,
  HoverInfo,
  LanguageServiceOptions,
  ParameterInfo,
  SemanticToken,
  SemanticTokenType,
  SemanticTokenModifier,
  SignatureHelpInfo,
  SignatureInfo,
} from './service/index.js';
