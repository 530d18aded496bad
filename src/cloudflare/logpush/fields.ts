/**
 * The Logpush `http_requests` field table: for every field Cloudflare documents for the
 * dataset, the Rules language fields it supplies and how its value is converted, or why it
 * supplies none. {@link LOGPUSH_FIELD_MAP} drives `logpushRequest()` and is the single source
 * of the tables in `docs/logpush.md`.
 *
 * @module
 */
import { isIpAddress } from '../../values/ip.js';
import { toBinaryString, isAscii } from '../../values/bytes.js';
import { httpVersionText, isStaticExtension, URI_FIELD_NAMES as REQUEST_TARGET_FIELDS, type FieldValue } from '../request/fields.js';
import { asciiLowerString, fromBinary, keyFromBinary, nullMap, pushEntry } from '../request/text.js';
import { normalizePath, pathExtension, splitPairs, splitTarget, type UrlNormalization } from '../request/url.js';
import { logpushTimestampMs } from './timestamp.js';
import { describeValue } from './security.js';

/**
 * What a mapping sees while converting one record (internal): the fields asked for, where
 * values and problems go, and the record's other fields for conversions that combine several.
 */
export interface MappingTarget {
  /** True when the field (or its alias) is among the fields asked for. */
  wants(field: string): boolean;
  set(field: string, value: FieldValue): void;
  /** Reports the value being converted as not what `expected` describes (e.g. "an integer"). */
  reject(expected: string): void;
  /** Reports a problem in the caller's words, prefixed with the Logpush field name. */
  report(message: string): void;
  /** A field of the record (own properties only; `null` reads as absent). */
  read(logpush: string): unknown;
  /** Adds a request (`'request'`) or response header; a `fallback` is used only when the record's captured headers lack the name. */
  header(kind: 'request' | 'response', name: string, value: string, fallback: boolean): void;
  readonly normalization: UrlNormalization;
}

/** One Logpush `http_requests` field and what it becomes. */
export interface LogpushFieldMapping {
  /** The Logpush field name, capitalised as Cloudflare writes it. */
  readonly logpush: string;
  /** Its type in Cloudflare's Logpush reference (`string`, `int`, `array[string]`, `object`, …). */
  readonly type: string;
  /** The catalogue fields it supplies (canonical names; aliases are filled too). Empty: none. */
  readonly fields: readonly string[];
  /** How the value is converted, or why no Rules field corresponds (Markdown). */
  readonly conversion: string;
  /** @internal Converts a present, non-null value. */
  readonly apply?: (value: unknown, target: MappingTarget) => void;
}

// --- value converters: a value, or undefined after reporting why -----------------------------

const text = (value: unknown, target: MappingTarget): string | undefined => {
  if (typeof value === 'string') return value;
  target.reject('a string');
  return undefined;
};

const INTEGER_TEXT = /^-?\d{1,15}$/;
const integer = (value: unknown, target: MappingTarget): number | undefined => {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'string' && INTEGER_TEXT.test(value)) return Number(value);
  target.reject('an integer');
  return undefined;
};

/** Longest array read from one field: a request never has more detections or scanned objects. */
const MAX_LIST = 4096;

const list = <T>(value: unknown, target: MappingTarget, item: (x: unknown) => x is T, expected: string): T[] | undefined => {
  if (Array.isArray(value) && value.length <= MAX_LIST && value.every(item)) return value.slice();
  target.reject(expected);
  return undefined;
};
const isSafeInteger = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x);
const isString = (x: unknown): x is string => typeof x === 'string';

/** A JSON string as a binary string (one char per UTF-8 byte), what the URL helpers parse. */
const binaryOf = (value: string): string => (isAscii(value) ? value : toBinaryString(value));

/** ASCII-only upper-casing (country and region codes). */
const asciiUpper = (value: string): string => value.replace(/[a-z]+/g, (s) => s.toUpperCase());

// --- table constructors ---------------------------------------------------------------------

type Apply = NonNullable<LogpushFieldMapping['apply']>;

const row = /* @__NO_SIDE_EFFECTS__ */ (logpush: string, type: string, fields: readonly string[], conversion: string, apply?: Apply): LogpushFieldMapping =>
  apply === undefined ? { logpush, type, fields, conversion } : { logpush, type, fields, conversion, apply };

/** A Logpush field copied into one Rules field by a converter. */
const copy = /* @__NO_SIDE_EFFECTS__ */ (
  logpush: string,
  type: string,
  field: string,
  conversion: string,
  convert: (value: unknown, target: MappingTarget) => FieldValue | undefined,
): LogpushFieldMapping =>
  row(logpush, type, [field], conversion, (value, target) => {
    const converted = convert(value, target);
    if (converted !== undefined) target.set(field, converted);
  });

/** A Logpush field no Rules field corresponds to. */
const none = /* @__NO_SIDE_EFFECTS__ */ (logpush: string, type: string, why: string): LogpushFieldMapping => row(logpush, type, [], why);

const REQUEST_HEADER_FIELDS = ['http.request.headers', 'http.request.headers.names', 'http.request.headers.values'];
const RESPONSE_HEADER_FIELDS = ['http.response.headers', 'http.response.headers.names', 'http.response.headers.values'];
const VERIFIED_BOT = 'cf.bot_management.verified_bot';
const STATIC_RESOURCE = 'cf.bot_management.static_resource';
const URI_FIELDS = REQUEST_TARGET_FIELDS;
const PATH_FIELDS = [STATIC_RESOURCE, 'http.request.uri.path', 'http.request.uri.path.extension', 'raw.http.request.uri.path', 'raw.http.request.uri.path.extension'];

/** A dedicated Logpush field for one request header: its own Rules field plus the header map entry. */
const requestHeaderField = /* @__NO_SIDE_EFFECTS__ */ (logpush: string, field: string | undefined, header: string): LogpushFieldMapping =>
  row(
    logpush,
    'string',
    field === undefined ? REQUEST_HEADER_FIELDS : [field, ...REQUEST_HEADER_FIELDS],
    `${field === undefined ? '' : 'Verbatim. '}Also \`http.request.headers["${header}"]\` when not empty and \`RequestHeaders\` lacks it.`,
    (value, target) => {
      const headerValue = text(value, target);
      if (headerValue === undefined) return;
      if (field !== undefined) target.set(field, headerValue);
      if (headerValue !== '') target.header('request', header, headerValue, true);
    },
  );

/** Whether the client is a verified bot, from whichever of the two Logpush fields the record has. */
function verifiedBot(target: MappingTarget): void {
  const category = target.read('VerifiedBotCategory');
  const source = target.read('BotScoreSrc');
  const fromCategory = typeof category === 'string' ? category !== '' : undefined;
  const fromSource = typeof source === 'string' ? source === 'Verified Bot' : undefined;
  if (fromCategory === undefined && fromSource === undefined) return;
  target.set(VERIFIED_BOT, fromCategory === true || fromSource === true);
}

/** Name → value objects (custom fields `RequestHeaders`, `ResponseHeaders`, `Cookies`). */
function entriesOf(value: unknown, target: MappingTarget): [string, string][] | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    target.reject('an object of name → string');
    return undefined;
  }
  const out: [string, string][] = [];
  for (const name of Object.keys(value)) {
    const item = (value as Record<string, unknown>)[name];
    if (typeof item === 'string') out.push([name, item]);
    else if (item !== null && item !== undefined) target.report(`${JSON.stringify(name.length > 40 ? `${name.slice(0, 40)}…` : name)}: expected a string, got ${describeValue(item)}`);
  }
  return out;
}

/** Field names of the URI fields, normalized and raw: constants, so lookups hash nothing per record. */
const URI_FIELD_NAMES = [
  {
    raw: false,
    uri: 'http.request.uri',
    path: 'http.request.uri.path',
    extension: 'http.request.uri.path.extension',
    query: 'http.request.uri.query',
    fullUri: 'http.request.full_uri',
    args: 'http.request.uri.args',
    argNames: 'http.request.uri.args.names',
    argValues: 'http.request.uri.args.values',
  },
  {
    raw: true,
    uri: 'raw.http.request.uri',
    path: 'raw.http.request.uri.path',
    extension: 'raw.http.request.uri.path.extension',
    query: 'raw.http.request.uri.query',
    fullUri: 'raw.http.request.full_uri',
    args: 'raw.http.request.uri.args',
    argNames: 'raw.http.request.uri.args.names',
    argValues: 'raw.http.request.uri.args.values',
  },
] as const;

function applyUri(value: unknown, target: MappingTarget): void {
  const uri = text(value, target);
  if (uri === undefined) return;
  const parts = splitTarget(binaryOf(uri));
  const rawPath = parts.path;
  const query = parts.query ?? '';
  const suffix = parts.query === undefined ? '' : `?${parts.query}`;
  let origin: string | undefined | null = null;
  for (const names of URI_FIELD_NAMES) {
    if (names.raw && !target.wants(names.uri) && !target.wants(names.path) && !target.wants(names.extension) && !target.wants(names.query) && !target.wants(names.fullUri) && !target.wants(names.args) && !target.wants(names.argNames) && !target.wants(names.argValues)) continue;
    const p = names.raw ? rawPath : normalizePath(rawPath, target.normalization);
    if (target.wants(names.uri)) target.set(names.uri, fromBinary(p + suffix));
    if (target.wants(names.path)) target.set(names.path, fromBinary(p));
    if (target.wants(names.extension) || (!names.raw && target.wants(STATIC_RESOURCE))) {
      // Only the normalized extension is lowercased, as Cloudflare documents for each field.
      const extension = pathExtension(p);
      const shown = names.raw ? extension : asciiLowerString(extension);
      if (target.wants(names.extension)) target.set(names.extension, fromBinary(shown));
      // Logpush has no field for it: derived from the extension, as Cloudflare defines it.
      if (!names.raw && target.wants(STATIC_RESOURCE)) target.set(STATIC_RESOURCE, isStaticExtension(shown));
    }
    if (target.wants(names.query)) target.set(names.query, fromBinary(query));
    if (target.wants(names.fullUri)) {
      if (origin === null) {
        const host = target.read('ClientRequestHost');
        const scheme = target.read('ClientRequestScheme');
        origin = typeof host === 'string' && typeof scheme === 'string' && /^https?$/i.test(scheme) ? `${scheme.toLowerCase()}://${binaryOf(host)}` : undefined;
      }
      if (origin !== undefined) target.set(names.fullUri, fromBinary(origin + p + suffix));
    }
    const wantsMap = target.wants(names.args);
    const wantsNames = target.wants(names.argNames);
    const wantsValues = target.wants(names.argValues);
    if (wantsMap || wantsNames || wantsValues) {
      const pairs = splitPairs(query);
      const values = pairs.values.map(fromBinary);
      if (wantsMap) {
        const map = nullMap<FieldValue[]>();
        pairs.names.forEach((name, i) => pushEntry(map, keyFromBinary(name), values[i]!));
        target.set(names.args, map);
      }
      if (wantsNames) target.set(names.argNames, pairs.names.map(fromBinary));
      if (wantsValues) target.set(names.argValues, values);
    }
  }
}

function applyPath(value: unknown, target: MappingTarget): void {
  const uri = target.read('ClientRequestURI');
  if (typeof uri === 'string') return;
  const rawPath = text(value, target);
  if (rawPath === undefined) return;
  const binary = binaryOf(rawPath);
  const path = normalizePath(binary, target.normalization);
  target.set('http.request.uri.path', fromBinary(path));
  const extension = asciiLowerString(pathExtension(path));
  target.set('http.request.uri.path.extension', fromBinary(extension));
  target.set(STATIC_RESOURCE, isStaticExtension(extension));
  target.set('raw.http.request.uri.path', fromBinary(binary));
  target.set('raw.http.request.uri.path.extension', fromBinary(pathExtension(binary)));
}

function applyTimestamp(value: unknown, target: MappingTarget): void {
  const ms = logpushTimestampMs(value);
  if (ms === undefined) {
    target.reject('a timestamp (RFC 3339, or Unix seconds, milliseconds or nanoseconds)');
    return;
  }
  const sec = Math.floor(ms / 1000);
  target.set('http.request.timestamp.sec', sec);
  target.set('http.request.timestamp.msec', ms - sec * 1000);
}

function applyRegion(value: unknown, target: MappingTarget): void {
  const region = text(value, target);
  if (region === undefined) return;
  // Logpush writes the subdivision part ("CA"); accept a full ISO 3166-2 code ("US-CA") too.
  const upper = asciiUpper(region);
  const dash = upper.indexOf('-');
  const code = dash < 0 ? upper : upper.slice(dash + 1);
  target.set('ip.src.region_code', code);
  const country = target.read('ClientCountry');
  if (dash >= 0) target.set('ip.src.subdivision_1_iso_code', upper);
  else if (code === '') target.set('ip.src.subdivision_1_iso_code', '');
  else if (typeof country === 'string' && /^[A-Za-z]{2}$/.test(country)) target.set('ip.src.subdivision_1_iso_code', `${asciiUpper(country)}-${code}`);
}

function applyHeaders(kind: 'request' | 'response'): Apply {
  return (value, target) => {
    for (const [name, header] of entriesOf(value, target) ?? []) target.header(kind, name, header, false);
  };
}

function applyCookies(value: unknown, target: MappingTarget): void {
  const entries = entriesOf(value, target);
  if (entries === undefined) return;
  const map = nullMap<FieldValue[]>();
  for (const [name, cookie] of entries) pushEntry(map, name, cookie);
  target.set('http.request.cookies', map);
}

const SCORE_CLASS_CONVERSION = 'Lower-cased, camelCase and `-` turned into `_` (`likelyAttack` → `likely_attack`).';
const NOT_A_RULE_INPUT = 'No Rules field: not known before the request is answered.';
const SECURITY = 'No Rules field: what Cloudflare did; read by `logpushSecurity()`.';
const PATHING = 'No Rules field: how Cloudflare handled the request (older summary of the security fields).';
const LEGACY = 'No Rules field (field of older jobs, removed from the dataset).';
const LEGACY_SECURITY = 'No Rules field: name of `Security*` before 2023; read by `logpushSecurity()` when the record has no `Security*` list.';

/**
 * Every Logpush `http_requests` field, in Cloudflare's (alphabetical) order, followed by the
 * fields of older jobs. Fields with an empty `fields` list have no Rules counterpart; record
 * keys missing from this table are reported by `logpushRequest()` as `unmapped`.
 */
export const LOGPUSH_FIELD_MAP: readonly LogpushFieldMapping[] = [
  copy('BotDetectionIDs', 'array[int]', 'cf.bot_management.detection_ids', 'Verbatim (integers).', (v, t) => list(v, t, isSafeInteger, 'an array of integers')),
  none('BotDetectionTags', 'array[string]', 'No Rules field.'),
  copy('BotScore', 'int', 'cf.bot_management.score', 'Verbatim.', integer),
  row('BotScoreSrc', 'string', [VERIFIED_BOT], '`"Verified Bot"` → true; see `VerifiedBotCategory`.', (v, t) => {
    if (text(v, t) !== undefined) verifiedBot(t);
  }),
  none('BotTags', 'array[string]', 'No Rules field.'),
  none('CacheCacheStatus', 'string', NOT_A_RULE_INPUT),
  none('CacheReserveUsed', 'bool', NOT_A_RULE_INPUT),
  none('CacheResponseBytes', 'int', NOT_A_RULE_INPUT),
  none('CacheResponseStatus', 'int', NOT_A_RULE_INPUT),
  none('CacheTieredFill', 'bool', NOT_A_RULE_INPUT),
  copy('ClientASN', 'int', 'ip.src.asnum', 'Verbatim.', integer),
  copy('ClientCity', 'string', 'ip.src.city', 'Verbatim.', text),
  copy('ClientCountry', 'string', 'ip.src.country', 'Upper-cased (logs hold `"us"`, rules compare `"US"`).', (v, t) => {
    const country = text(v, t);
    return country === undefined ? undefined : asciiUpper(country);
  }),
  none('ClientDeviceType', 'string', 'No Rules field.'),
  copy('ClientIP', 'string', 'ip.src', 'Verbatim; must be an IPv4 or IPv6 address.', (v, t) => {
    const ip = text(v, t);
    if (ip === undefined) return undefined;
    if (ip.length <= 64 && isIpAddress(ip)) return ip;
    t.reject('an IP address');
    return undefined;
  }),
  none('ClientIPClass', 'string', 'No Rules field.'),
  copy('ClientLatitude', 'string', 'ip.src.lat', 'Verbatim (a number becomes its decimal text).', (v, t) => (typeof v === 'number' && Number.isFinite(v) ? String(v) : text(v, t))),
  copy('ClientLongitude', 'string', 'ip.src.lon', 'Verbatim (a number becomes its decimal text).', (v, t) => (typeof v === 'number' && Number.isFinite(v) ? String(v) : text(v, t))),
  none('ClientMTLSAuthCertFingerprint', 'string', 'Not mapped: Logpush fills it on the first request of an mTLS connection only.'),
  none('ClientMTLSAuthStatus', 'string', 'Not mapped: Logpush fills it on the first request of an mTLS connection only.'),
  row(
    'ClientRegionCode',
    'string',
    ['ip.src.region_code', 'ip.src.subdivision_1_iso_code'],
    'Upper-cased. `ip.src.region_code` is the subdivision part (`"CA"`); `ip.src.subdivision_1_iso_code` joins it to `ClientCountry` (`"US-CA"`), `""` when the region is `""`. A full code (`"US-CA"`) is accepted too.',
    applyRegion,
  ),
  none('ClientRequestBytes', 'int', 'No Rules field (counts header bytes too, so it is not `http.request.body.size`).'),
  requestHeaderField('ClientRequestHost', 'http.host', 'host'),
  copy('ClientRequestMethod', 'string', 'http.request.method', 'Verbatim.', text),
  row('ClientRequestPath', 'string', PATH_FIELDS, 'Used only when the record has no `ClientRequestURI`: the path fields, as for `ClientRequestURI`.', applyPath),
  row('ClientRequestProtocol', 'string', ['http.request.version', 'cf.edge.client_tcp'], 'Spelled `HTTP/1.1`, `HTTP/2`, `HTTP/3`; `cf.edge.client_tcp` is false for HTTP/3 (QUIC).', (v, t) => {
    const protocol = text(v, t);
    if (protocol === undefined || protocol === '') return;
    const version = httpVersionText(protocol);
    t.set('http.request.version', version);
    t.set('cf.edge.client_tcp', !/^HTTP\/3/i.test(version));
  }),
  requestHeaderField('ClientRequestReferer', 'http.referer', 'referer'),
  row('ClientRequestScheme', 'string', ['ssl'], '`https` → true, `http` → false (any case); also the scheme of `http.request.full_uri`.', (v, t) => {
    const scheme = text(v, t);
    if (scheme === undefined) return;
    if (/^https?$/i.test(scheme)) t.set('ssl', scheme.length === 5);
    else t.reject('"http" or "https"');
  }),
  none('ClientRequestSource', 'string', 'No Rules field.'),
  row(
    'ClientRequestURI',
    'string',
    URI_FIELDS,
    'Path and query as the client sent them: the `raw.*` fields verbatim, the others after URL normalization (option `normalization`, default `cloudflare`); arguments split as `requestFields()` does. The `full_uri` fields also need `ClientRequestScheme` and `ClientRequestHost`. `cf.bot_management.static_resource` (no Logpush field of its own) is derived from the extension of the path, by the list of static extensions Cloudflare documents.',
    applyUri,
  ),
  requestHeaderField('ClientRequestUserAgent', 'http.user_agent', 'user-agent'),
  copy('ClientSSLCipher', 'string', 'cf.tls_cipher', '`"NONE"` and `""` (no TLS) → missing; else verbatim.', (v, t) => {
    const cipher = text(v, t);
    return cipher === undefined || cipher === '' || cipher.toUpperCase() === 'NONE' ? undefined : cipher;
  }),
  copy('ClientSSLProtocol', 'string', 'cf.tls_version', '`"none"` and `""` (no TLS) → missing; else verbatim (`TLSv1.3`).', (v, t) => {
    const protocol = text(v, t);
    return protocol === undefined || protocol === '' || protocol.toLowerCase() === 'none' ? undefined : protocol;
  }),
  none('ClientSrcPort', 'int', 'No Rules field.'),
  copy('ClientTCPRTTMs', 'int', 'cf.timings.client_tcp_rtt_msec', 'Verbatim.', integer),
  requestHeaderField('ClientXRequestedWith', undefined, 'x-requested-with'),
  copy('ContentScanObjResults', 'array[string]', 'cf.waf.content_scan.obj_results', 'Verbatim.', (v, t) => list(v, t, isString, 'an array of strings')),
  copy('ContentScanObjSizes', 'array[int]', 'cf.waf.content_scan.obj_sizes', 'Verbatim.', (v, t) => list(v, t, isSafeInteger, 'an array of integers')),
  copy('ContentScanObjTypes', 'array[string]', 'cf.waf.content_scan.obj_types', 'Verbatim.', (v, t) => list(v, t, isString, 'an array of strings')),
  row('Cookies', 'object', ['http.request.cookies'], 'Custom field (only the cookies the job captures): name → `[value]`, names verbatim.', applyCookies),
  none('EdgeCFConnectingO2O', 'bool', 'No Rules field.'),
  none('EdgeColoCode', 'string', 'No Rules field (IATA code of the data center; kept for reports).'),
  copy('EdgeColoID', 'int', 'cf.colo.id', 'Verbatim.', integer),
  none('EdgeEndTimestamp', 'int or string', NOT_A_RULE_INPUT),
  none('EdgePathingOp', 'string', PATHING),
  none('EdgePathingSrc', 'string', PATHING),
  none('EdgePathingStatus', 'string', PATHING),
  none('EdgeRequestHost', 'string', 'No Rules field (the Host header sent to the origin).'),
  none('EdgeResponseBodyBytes', 'int', NOT_A_RULE_INPUT),
  none('EdgeResponseBytes', 'int', NOT_A_RULE_INPUT),
  none('EdgeResponseCompressionRatio', 'float', NOT_A_RULE_INPUT),
  row(
    'EdgeResponseContentType',
    'string',
    ['http.response.content_type.media_type', ...RESPONSE_HEADER_FIELDS],
    'Media type without parameters, lower-cased. Also `http.response.headers["content-type"]` when not empty and `ResponseHeaders` lacks it.',
    (v, t) => {
      const contentType = text(v, t);
      if (contentType === undefined) return;
      const semicolon = contentType.indexOf(';');
      t.set('http.response.content_type.media_type', asciiLowerString((semicolon < 0 ? contentType : contentType.slice(0, semicolon)).trim()));
      if (contentType !== '') t.header('response', 'content-type', contentType, true);
    },
  ),
  copy('EdgeResponseStatus', 'int', 'http.response.code', 'Verbatim.', integer),
  none(
    'EdgeServerIP',
    'string',
    'Not mapped: the IP of the edge server that made the request *to the origin* (`""` when none was made), not `cf.edge.server_ip`, the address the client connected to.',
  ),
  row(
    'EdgeStartTimestamp',
    'int or string',
    ['http.request.timestamp.sec', 'http.request.timestamp.msec'],
    'Any Logpush timestamp format (see [Timestamps](#timestamps)), cut to the millisecond.',
    applyTimestamp,
  ),
  none('EdgeTimeToFirstByteMs', 'int', NOT_A_RULE_INPUT),
  copy('JA3Hash', 'string', 'cf.bot_management.ja3_hash', 'Verbatim.', text),
  copy('JA4', 'string', 'cf.bot_management.ja4', 'Verbatim.', text),
  none('JA4Signals', 'object', 'No Rules field in the catalogue.'),
  none(
    'LeakedCredentialCheckResult',
    'string',
    'Not mapped: one result cannot restore the four independent `cf.waf.credential_check.*` flags.',
  ),
  none('OriginDNSResponseTimeMs', 'int', NOT_A_RULE_INPUT),
  none('OriginIP', 'string', NOT_A_RULE_INPUT),
  none('OriginRequestHeaderSendDurationMs', 'int', NOT_A_RULE_INPUT),
  none('OriginResponseBytes', 'int', NOT_A_RULE_INPUT),
  none('OriginResponseDurationMs', 'int', NOT_A_RULE_INPUT),
  none('OriginResponseHTTPExpires', 'string', NOT_A_RULE_INPUT),
  none('OriginResponseHTTPLastModified', 'string', NOT_A_RULE_INPUT),
  none('OriginResponseHeaderReceiveDurationMs', 'int', NOT_A_RULE_INPUT),
  none('OriginResponseStatus', 'int', NOT_A_RULE_INPUT),
  none('OriginResponseTime', 'int', NOT_A_RULE_INPUT),
  none('OriginSSLProtocol', 'string', NOT_A_RULE_INPUT),
  none('OriginTCPHandshakeDurationMs', 'int', NOT_A_RULE_INPUT),
  none('OriginTLSHandshakeDurationMs', 'int', NOT_A_RULE_INPUT),
  none('ParentRayID', 'string', 'No Rules field.'),
  copy('RayID', 'string', 'cf.ray_id', 'Verbatim.', text),
  row(
    'RequestHeaders',
    'object',
    REQUEST_HEADER_FIELDS,
    'Custom field (only the headers the job captures): names lower-cased, each value a one-item list; `host`, `user-agent`, `referer` and `x-requested-with` are added from their dedicated fields when absent.',
    applyHeaders('request'),
  ),
  row('ResponseHeaders', 'object', RESPONSE_HEADER_FIELDS, 'Custom field, as `RequestHeaders`; `content-type` is added from `EdgeResponseContentType` when absent.', applyHeaders('response')),
  none('SecurityAction', 'string', SECURITY),
  none('SecurityActions', 'array[string]', SECURITY),
  none('SecurityRuleDescription', 'string', SECURITY),
  none('SecurityRuleID', 'string', SECURITY),
  none('SecurityRuleIDs', 'array[string]', SECURITY),
  none('SecuritySources', 'array[string]', SECURITY),
  none('SmartRouteColoID', 'int', 'No Rules field.'),
  none('UpperTierColoID', 'int', 'No Rules field.'),
  row(
    'VerifiedBotCategory',
    'string',
    ['cf.verified_bot_category', VERIFIED_BOT],
    'Verbatim. `cf.bot_management.verified_bot` is true when it is not empty or `BotScoreSrc` is `"Verified Bot"`, false when the record has either field and neither says so.',
    (v, t) => {
      const category = text(v, t);
      if (category === undefined) return;
      t.set('cf.verified_bot_category', category);
      verifiedBot(t);
    },
  ),
  copy('WAFAttackScore', 'int', 'cf.waf.score', 'Verbatim.', integer),
  copy('WAFAttackScoreClass', 'string', 'cf.waf.score.class', SCORE_CLASS_CONVERSION, (v, t) => {
    const scoreClass = text(v, t);
    return scoreClass === undefined ? undefined : scoreClass.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/-/g, '_').toLowerCase();
  }),
  none('WAFFlags', 'string', LEGACY),
  none('WAFMatchedVar', 'string', LEGACY),
  copy('WAFRCEAttackScore', 'int', 'cf.waf.score.rce', 'Verbatim.', integer),
  copy('WAFSQLiAttackScore', 'int', 'cf.waf.score.sqli', 'Verbatim.', integer),
  copy('WAFXSSAttackScore', 'int', 'cf.waf.score.xss', 'Verbatim.', integer),
  none('WorkerCPUTime', 'int', 'No Rules field.'),
  none('WorkerScriptName', 'string', 'No Rules field.'),
  none('WorkerStatus', 'string', 'No Rules field.'),
  none('WorkerSubrequest', 'bool', 'No Rules field.'),
  none('WorkerSubrequestCount', 'int', 'No Rules field.'),
  none('WorkerWallTimeUs', 'int', 'No Rules field.'),
  copy('ZoneName', 'string', 'cf.zone.name', 'Verbatim.', text),
  // Fields of jobs created before the 2023 security-fields change.
  none('FirewallMatchesActions', 'array[string]', LEGACY_SECURITY),
  none('FirewallMatchesRuleIDs', 'array[string]', LEGACY_SECURITY),
  none('FirewallMatchesSources', 'array[string]', LEGACY_SECURITY),
  none('WAFAction', 'string', LEGACY),
  none('WAFProfile', 'string', LEGACY),
  none('WAFRuleID', 'string', LEGACY),
  none('WAFRuleMessage', 'string', LEGACY),
  none('EdgeRateLimitAction', 'string', LEGACY),
  none('EdgeRateLimitID', 'int', LEGACY),
];
