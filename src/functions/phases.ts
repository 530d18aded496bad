/**
 * Cloudflare phase ids used to restrict where standard functions may be used (the `phases`
 * property of a function, checked when the `phase` option is set).
 *
 * `functions.md` names *products*; this module maps them to the Ruleset Engine phase ids:
 *
 * | Product in the documentation                  | Phase id                           |
 * |-----------------------------------------------|------------------------------------|
 * | WAF custom rules                              | `http_request_firewall_custom`     |
 * | Rate limiting rules                           | `http_ratelimit`                   |
 * | Transform Rules: URL rewrites                 | `http_request_transform`           |
 * | Transform Rules: request header modification  | `http_request_late_transform`      |
 * | Transform Rules: response header modification | `http_response_headers_transform`  |
 * | Single Redirects (dynamic URL redirects)      | `http_request_dynamic_redirect`    |
 * | Custom Error Rules                            | `http_custom_errors`               |
 * | Magic Firewall / Cloudflare Network Firewall  | `magic_transit`                    |
 *
 * Only functions whose availability Cloudflare documents as limited carry a `phases` list;
 * the others (e.g. `lower`, `has_key`, `sha256`) are accepted in every phase.
 *
 * @module
 */

/** WAF custom rules. */
export const WAF_CUSTOM_RULES = 'http_request_firewall_custom';
/** Rate limiting rules. */
export const RATE_LIMITING_RULES = 'http_ratelimit';
/** URL rewrite rules (Transform Rules). */
export const URL_REWRITE_RULES = 'http_request_transform';
/** Request header modification rules (Transform Rules). */
export const REQUEST_HEADER_RULES = 'http_request_late_transform';
/** Response header modification rules (Transform Rules). */
export const RESPONSE_HEADER_RULES = 'http_response_headers_transform';
/** Single Redirects, whose target URL may be a dynamic expression. */
export const DYNAMIC_REDIRECT_RULES = 'http_request_dynamic_redirect';
/** Custom Error Rules. */
export const CUSTOM_ERROR_RULES = 'http_custom_errors';
/** Magic Firewall (Cloudflare Network Firewall) rules. */
export const MAGIC_FIREWALL_RULES = 'magic_transit';

/** Every Transform Rules phase: URL rewrites, request and response header modification. */
export const TRANSFORM_RULES: readonly string[] = [URL_REWRITE_RULES, REQUEST_HEADER_RULES, RESPONSE_HEADER_RULES];

/**
 * Fields that only have values once the response exists (`http.response.*`, its `raw.` form,
 * `cf.response.*`): always missing in a request phase, valid in response phases and in rate
 * limiting rules' counting expressions.
 */
export const isResponseField = (name: string): boolean => /^(raw\.)?http\.response\.|^cf\.response\./.test(name);

/** Phases that run on the request, before any response exists (`http_request_*`, `http_ratelimit`). */
export const isRequestPhase = (phase: string): boolean => phase.startsWith('http_request_') || phase === RATE_LIMITING_RULES;
