/**
 * Values worth proposing in completion: common HTTP header names (lowercase, as the header
 * maps key them) and the usual values of a few fields.
 *
 * @module
 */

/** Common request header names, lowercase. */
export const REQUEST_HEADERS: readonly string[] = [
  'accept', 'accept-encoding', 'accept-language', 'authorization', 'cache-control', 'cdn-loop',
  'cf-connecting-ip', 'cf-ipcountry', 'cf-ray', 'cf-visitor', 'connection', 'content-encoding',
  'content-length', 'content-type', 'cookie', 'dnt', 'expect', 'forwarded', 'host', 'if-match',
  'if-modified-since', 'if-none-match', 'if-range', 'if-unmodified-since', 'origin', 'pragma',
  'priority', 'proxy-authorization', 'range', 'referer', 'sec-ch-ua', 'sec-ch-ua-mobile',
  'sec-ch-ua-platform', 'sec-fetch-dest', 'sec-fetch-mode', 'sec-fetch-site', 'sec-fetch-user',
  'sec-websocket-key', 'sec-websocket-protocol', 'sec-websocket-version', 'te', 'true-client-ip',
  'upgrade', 'upgrade-insecure-requests', 'user-agent', 'via', 'x-api-key', 'x-csrf-token',
  'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-real-ip', 'x-requested-with',
];

/** Common response header names, lowercase. */
export const RESPONSE_HEADERS: readonly string[] = [
  'access-control-allow-origin', 'age', 'cache-control', 'cf-cache-status', 'content-disposition',
  'content-encoding', 'content-length', 'content-security-policy', 'content-type', 'date', 'etag',
  'expires', 'last-modified', 'location', 'permissions-policy', 'referrer-policy', 'retry-after',
  'server', 'set-cookie', 'strict-transport-security', 'vary', 'www-authenticate',
  'x-content-type-options', 'x-frame-options', 'x-powered-by',
];

/** Header names for a map field keyed by header name, or `undefined` for other maps. */
export function headerNamesFor(field: string): readonly string[] | undefined {
  if (/(^|\.)request\.headers$/.test(field)) return REQUEST_HEADERS;
  if (/(^|\.)response\.headers$/.test(field)) return RESPONSE_HEADERS;
  return undefined;
}

const FIELD_VALUES: Record<string, readonly string[]> = {
  'http.request.method': ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'CONNECT', 'TRACE', 'PURGE'],
  'http.request.version': ['HTTP/1.0', 'HTTP/1.1', 'HTTP/2', 'HTTP/3'],
  'ip.src.continent': ['AF', 'AN', 'AS', 'EU', 'NA', 'OC', 'SA', 'T1'],
  'ip.geoip.continent': ['AF', 'AN', 'AS', 'EU', 'NA', 'OC', 'SA', 'T1'],
};

/** Usual string values of a field (`http.request.method` → `GET`, …), if any are known. */
export function valuesFor(field: string): readonly string[] | undefined {
  return FIELD_VALUES[field];
}
