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
 * The main entry holds the core (schemes, filters, contexts, diagnostics) and rulesets. Editor
 * features (the language service, the formatter) are in `wirefilter-ts/service`; the
 * CodeMirror extension in `wirefilter-ts/codemirror`.
 *
 * @module
 */
export { Scheme } from './engine/scheme.js';
export { Filter } from './engine/filter.js';
export type { SchemeDefinition, FieldDefinition, ListDefinition, SchemeField, SchemeFunction } from './scheme/environment.js';
export type { SchemeOptions } from './scheme/options.js';
export { parseType } from './scheme/types.js';
export type { Type } from './scheme/types.js';
export { isIpAddress } from './values/ip.js';
export { cloudflareScheme, CLOUDFLARE_FIELDS, MANAGED_IP_LISTS, WAF_CUSTOM_RULES_PHASE } from './cloudflare/scheme.js';
export { isRequestPhase, isResponseField } from './functions/phases.js';
export type { CloudflareSchemeConfig, CatalogueField } from './cloudflare/scheme.js';
export { requestFields, DERIVED_FIELDS, isStaticExtension } from './cloudflare/request/fields.js';
export type {
  RequestFacts,
  RequestFieldsOptions,
  RequestFieldValues,
  RequestLike,
  FetchRequestLike,
  NodeRequestLike,
  UrlNormalization,
} from './cloudflare/request/fields.js';
export { ExecutionContext } from './engine/context.js';
export type { FieldValues } from './engine/context.js';
export { WirefilterError } from './diagnostics/errors.js';
export { DIAGNOSTIC_CODES } from './diagnostics/diagnostics.js';
export type { Diagnostic, DiagnosticCode, Severity, Span } from './diagnostics/diagnostics.js';
export { renderDiagnostic, renderDiagnostics } from './diagnostics/render.js';
export { LineIndex } from './diagnostics/line-index.js';
export type { LineColumn } from './diagnostics/line-index.js';
export type { RenderOptions } from './diagnostics/render.js';
export type { FunctionDefinition, ArgumentKind } from './scheme/functions.js';
export type { TypeName } from './scheme/types.js';
export { parseExpression } from './syntax/parser.js';
export type { ParseResult } from './syntax/parser.js';
export type { ParseOptions } from './scheme/options.js';
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
export { RateLimiter } from './ratelimit/limiter.js';
export { memoryStore } from './ratelimit/memory-store.js';
export { lintRateLimitPlan, RATE_LIMIT_PLANS, RATE_LIMIT_PLAN_LIMITS, SUPPORTED_DURATIONS } from './ratelimit/plan.js';
export type { RateLimitPlan, RateLimitPlanLimits } from './ratelimit/plan.js';
export type { MemoryStore, MemoryStoreOptions } from './ratelimit/memory-store.js';
export { redisStore } from './ratelimit/redis-store.js';
export type { IORedisClient, NodeRedisClient, RedisClientKind, RedisCommandSender, RedisStore, RedisStoreClient, RedisStoreOptions } from './ratelimit/redis-store.js';
export type {
  RateLimitAction,
  RateLimitAlgorithm,
  RateLimitCount,
  RateLimitEvaluateOptions,
  RateLimitHit,
  RateLimitParametersInput,
  RateLimiterOptions,
  RateLimitRuleInput,
  RateLimitRulesetSource,
  RateLimitStore,
} from './ratelimit/types.js';
export type { RuleTrace, ExplanationNode, TraceValue } from './ruleset/trace.js';
