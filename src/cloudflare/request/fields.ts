/**
 * Request → field values: turns a Fetch API `Request` or a Node `http.IncomingMessage` (both
 * detected structurally, nothing is imported from Node) plus facts the caller knows into the
 * values of Cloudflare's fields, ready for `filter.execute()` or `scheme.context()`.
 *
 * ```ts
 * const values = requestFields(request, { clientIp: '2001:db8::7', country: 'GB' });
 * scheme.compile('http.request.uri.path.extension eq "php" and ip.src.country ne "GB"').execute(values);
 * ```
 *
 * What can be derived from the request itself is derived (URI, headers, cookies, body when
 * the caller hands over its bytes, …); everything Cloudflare computes at its edge
 * (geolocation, bot and WAF scores, TLS fingerprints, …) must come from the caller, through
 * typed shortcuts for common facts or `facts.fields` for any catalogue field. Facts always
 * win over derived values. `docs/request-fields.md` lists every field and its source.
 *
 * Values use the library's public representations: `Bytes` as a string when the bytes are
 * valid UTF-8, else a `Uint8Array`; `Int` as a number; `Ip` as a string; maps as objects
 * without a prototype, so a header or cookie named `__proto__` is an ordinary key.
 *
 * @module
 */
import type { BytesValue } from '../../values/bytes.js';
import { bodyFields } from './body.js';
import { acceptedLanguages, fetchHeaderLines, headerFields, nodeHeaderLines, parseCookies, type HeaderLine, type HeadersLike } from './headers.js';
import { asciiLowerString, fromBinary, keyFromBinary, nullMap, pushEntry, toBinary } from './text.js';
import { normalizePath, pathExtension, splitPairs, splitTarget, type UrlNormalization } from './url.js';
import { workersCfFields } from './workers-cf.js';
import { FIELD_ALIASES } from '../scheme.js';

export type { UrlNormalization } from './url.js';
export { WORKERS_CF_MAPPINGS, type WorkersCfMapping } from './workers-cf.js';

/** A field value in the library's public representation (see the module comment). */
export type FieldValue = string | Uint8Array | number | bigint | boolean | readonly FieldValue[] | FieldMap;

/** A `Map<T>` field value: a string-keyed object (created without a prototype here). */
export interface FieldMap {
  readonly [key: string]: FieldValue;
}

/** Field values keyed by field name, as returned by {@link requestFields}. */
export type RequestFieldValues = Record<string, FieldValue>;

/** The parts of a Fetch API `Request` that are read (Node 20+, browsers, Workers, Deno, Bun). */
export interface FetchRequestLike {
  readonly method: string;
  /** Absolute URL. */
  readonly url: string;
  readonly headers: HeadersLike;
  /** Cloudflare Workers' edge facts about the incoming request, when present. */
  readonly cf?: unknown;
}

/** The parts of a Node `net.Socket` / `tls.TLSSocket` that are read. */
export interface NodeSocketLike {
  readonly remoteAddress?: string;
  readonly localAddress?: string;
  readonly localPort?: number;
  /** `true` on a `tls.TLSSocket`. */
  readonly encrypted?: boolean;
  /** `tls.TLSSocket#getProtocol()`: `"TLSv1.3"`, … (Cloudflare's spelling too). */
  getProtocol?(): string | null;
  /** `tls.TLSSocket#getPeerCertificate()`: an empty object when the client sent none. */
  getPeerCertificate?(): object | null;
}

/** The parts of a Node `http.IncomingMessage` (or `http2` compatibility request) that are read. */
export interface NodeRequestLike {
  readonly method?: string;
  /** The request target exactly as sent (latin1-decoded by Node). */
  readonly url?: string;
  /** `"1.1"`, `"1.0"`, `"2.0"`. */
  readonly httpVersion: string;
  /** `[name, value, name, value, …]`: every header line, names in their original case. */
  readonly rawHeaders: readonly string[];
  readonly socket?: NodeSocketLike | null;
}

/** A request {@link requestFields} accepts. */
export type RequestLike = FetchRequestLike | NodeRequestLike;

/**
 * Facts about the request that only the caller can know. Every property is optional; typed
 * shortcuts cover common fields, and `fields` takes any catalogue field by name.
 */
export interface RequestFacts {
  /** Client IP → `ip.src` (default for Node: the socket's peer address). IPv4-mapped IPv6 is unmapped. */
  clientIp?: string | null;
  /** `http.request.version`: `"HTTP/1.1"`, `"HTTP/2"`, `"HTTP/3"` (`"1.1"`, `"2.0"` are accepted too). */
  httpVersion?: string;
  /** `ssl`: the client connection is encrypted (default: URL scheme / `socket.encrypted`). */
  ssl?: boolean;
  /** When the request was received (ms since the epoch, or a `Date`) → `http.request.timestamp.*`. */
  timestamp?: number | Date;
  /** `ip.src.asnum` (and its alias `ip.geoip.asnum`). */
  asn?: number;
  /** `ip.src.country`, ISO 3166-1 alpha-2. */
  country?: string;
  /** `ip.src.continent`. */
  continent?: string;
  /** `ip.src.city`. */
  city?: string;
  /** `ip.src.region`. */
  region?: string;
  /** `ip.src.region_code`. */
  regionCode?: string;
  /** `ip.src.subdivision_1_iso_code`, e.g. `"GB-ENG"`. */
  subdivision1?: string;
  /** `ip.src.subdivision_2_iso_code`. */
  subdivision2?: string;
  /** `ip.src.is_in_european_union`. */
  isEU?: boolean;
  /** `ip.src.postal_code`. */
  postalCode?: string;
  /** `ip.src.metro_code`. */
  metroCode?: string;
  /** `ip.src.lat` (a decimal string in the catalogue; numbers are converted). */
  latitude?: string | number;
  /** `ip.src.lon`. */
  longitude?: string | number;
  /** `ip.src.timezone.name`. */
  timezone?: string;
  /** `cf.tls_version`, e.g. `"TLSv1.3"`. */
  tlsVersion?: string;
  /** `cf.tls_cipher`. */
  tlsCipher?: string;
  /** `cf.bot_management.score` (1–99). */
  botScore?: number;
  /** `cf.bot_management.verified_bot` and `cf.client.bot`. */
  verifiedBot?: boolean;
  /** `cf.verified_bot_category`. */
  verifiedBotCategory?: string;
  /** `cf.bot_management.ja3_hash`. */
  ja3Hash?: string;
  /** `cf.bot_management.ja4`. */
  ja4?: string;
  /** `cf.threat_score` (Cloudflare now always reports 0, the default here). */
  threatScore?: number;
  /** `cf.waf.score`. */
  wafScore?: number;
  /** `cf.ray_id`. */
  rayId?: string;
  /** `cf.zone.name`. */
  zoneName?: string;
  /** `cf.edge.server_ip` (default for Node: the socket's local address). */
  edgeServerIp?: string;
  /** `cf.edge.server_port` (default: the socket's local port, or the URL's port). */
  edgeServerPort?: number;
  /**
   * Body bytes (the whole body, or a prefix of it — then set `bodySize`). Only when given are
   * the `http.request.body.*` fields produced; a string stands for its UTF-8 bytes.
   */
  body?: Uint8Array | ArrayBuffer | string;
  /** Total body size in bytes when `body` is only a prefix (`http.request.body.size`). */
  bodySize?: number;
  /**
   * A Workers-style `request.cf` object, for when it is not attached to the request itself
   * (e.g. captured earlier or built in tests).
   */
  cf?: unknown;
  /**
   * Any catalogue field by name, applied last and verbatim (no conversion, no unmapping). A
   * value of `undefined` removes a derived field, making it missing.
   */
  fields?: Readonly<Record<string, FieldValue | undefined>>;
}

/** How {@link requestFields} derives values. */
export interface RequestFieldsOptions {
  /**
   * URL normalization for the non-`raw` URI fields: `'cloudflare'` (default, Cloudflare's
   * zone default), `'rfc3986'` or `'none'`. `raw.*` fields are never normalized.
   */
  normalization?: UrlNormalization;
  /**
   * Body inspection limit in bytes (default 131072 = 128 KiB, Cloudflare's Enterprise limit);
   * a longer body is truncated and `http.request.body.truncated` is true.
   */
  bodyLimit?: number;
  /** Maximum number of multipart parts parsed (default 1024). */
  maxMultipartParts?: number;
  /**
   * Maximum number of header lines exposed in `http.request.headers*`; beyond it
   * `http.request.headers.truncated` is true. Default: unlimited (Cloudflare's cap is not documented).
   */
  maxHeaders?: number;
  /**
   * Fetch only: lowercase names of headers whose combined value (`Headers` joins repeated
   * headers with `, `) is split back into one entry per comma-separated item.
   */
  splitHeaders?: readonly string[];
  /** Keep IPv4-mapped IPv6 client addresses (`::ffff:192.0.2.1`) as they are. Default false. */
  keepIpv4Mapped?: boolean;
  /** Read Cloudflare Workers' `request.cf` when the request has one. Default true. */
  workersCf?: boolean;
  /** Clock for `http.request.timestamp.*` when `facts.timestamp` is not given (ms since the epoch). */
  now?: () => number;
  /**
   * Only these fields are needed (e.g. `ruleset.fields`): fields derived from the request that
   * are not listed are not computed (no URI parsing when no URI field is listed, no cookie or
   * `Accept-Language` parsing, no `cf.random_seed`…). Facts are still copied whole, so other
   * fields may be present. List both names of an aliased field. Default: derive everything.
   */
  fields?: ReadonlySet<string>;
}

/** Default `bodyLimit`: Cloudflare's documented Enterprise body inspection limit (128 KB). */
export const DEFAULT_BODY_LIMIT = 128 * 1024;

/** The fields derived from the request target (path and query); Logpush's `ClientRequestURI` supplies the same. */
export const URI_FIELD_NAMES: readonly string[] = [
  'http.request.full_uri',
  'http.request.uri',
  'http.request.uri.path',
  'http.request.uri.path.extension',
  'http.request.uri.query',
  'http.request.uri.args',
  'http.request.uri.args.names',
  'http.request.uri.args.values',
  'raw.http.request.full_uri',
  'raw.http.request.uri',
  'raw.http.request.uri.path',
  'raw.http.request.uri.path.extension',
  'raw.http.request.uri.query',
  'raw.http.request.uri.args',
  'raw.http.request.uri.args.names',
  'raw.http.request.uri.args.values',
  'cf.bot_management.static_resource',
];

/**
 * Every catalogue field {@link requestFields} can derive from the request alone (body fields
 * only when `facts.body` is given; see `docs/request-fields.md` for the conditions of the
 * others). All other fields must be supplied by the caller.
 */
export const DERIVED_FIELDS: readonly string[] = [
  'http.host',
  'http.request.method',
  'http.request.version',
  ...URI_FIELD_NAMES,
  'http.request.timestamp.sec',
  'http.request.timestamp.msec',
  'http.user_agent',
  'http.referer',
  'http.cookie',
  'http.x_forwarded_for',
  'http.request.cookies',
  'http.request.headers',
  'http.request.headers.names',
  'http.request.headers.values',
  'http.request.headers.truncated',
  'http.request.accepted_languages',
  'http.request.body.raw',
  'http.request.body.truncated',
  'http.request.body.size',
  'http.request.body.form',
  'http.request.body.form.names',
  'http.request.body.form.values',
  'http.request.body.mime',
  'http.request.body.multipart',
  'http.request.body.multipart.names',
  'http.request.body.multipart.values',
  'http.request.body.multipart.content_types',
  'http.request.body.multipart.content_dispositions',
  'http.request.body.multipart.content_transfer_encodings',
  'http.request.body.multipart.filenames',
  'ip.src',
  'ssl',
  'cf.tls_version',
  'cf.edge.server_ip',
  'cf.edge.server_port',
  'cf.edge.client_tcp',
  'cf.random_seed',
  'cf.threat_score',
  ...tlsClientAuthDefaults().keys(),
];

/** A typed shortcut of {@link RequestFacts} and the field it sets. */
export interface FactShortcut {
  readonly fact: keyof RequestFacts;
  readonly field: string;
}

/**
 * The one-to-one shortcuts of {@link RequestFacts} (the others — `clientIp`, `httpVersion`,
 * `ssl`, `timestamp`, `body`, `bodySize` — feed derived fields). Exported for the docs.
 */
export const FACT_SHORTCUTS: readonly FactShortcut[] = [
  { fact: 'asn', field: 'ip.src.asnum' },
  { fact: 'country', field: 'ip.src.country' },
  { fact: 'continent', field: 'ip.src.continent' },
  { fact: 'city', field: 'ip.src.city' },
  { fact: 'region', field: 'ip.src.region' },
  { fact: 'regionCode', field: 'ip.src.region_code' },
  { fact: 'subdivision1', field: 'ip.src.subdivision_1_iso_code' },
  { fact: 'subdivision2', field: 'ip.src.subdivision_2_iso_code' },
  { fact: 'isEU', field: 'ip.src.is_in_european_union' },
  { fact: 'postalCode', field: 'ip.src.postal_code' },
  { fact: 'metroCode', field: 'ip.src.metro_code' },
  { fact: 'latitude', field: 'ip.src.lat' },
  { fact: 'longitude', field: 'ip.src.lon' },
  { fact: 'timezone', field: 'ip.src.timezone.name' },
  { fact: 'tlsVersion', field: 'cf.tls_version' },
  { fact: 'tlsCipher', field: 'cf.tls_cipher' },
  { fact: 'botScore', field: 'cf.bot_management.score' },
  { fact: 'verifiedBot', field: 'cf.bot_management.verified_bot' },
  { fact: 'verifiedBotCategory', field: 'cf.verified_bot_category' },
  { fact: 'ja3Hash', field: 'cf.bot_management.ja3_hash' },
  { fact: 'ja4', field: 'cf.bot_management.ja4' },
  { fact: 'threatScore', field: 'cf.threat_score' },
  { fact: 'wafScore', field: 'cf.waf.score' },
  { fact: 'rayId', field: 'cf.ray_id' },
  { fact: 'zoneName', field: 'cf.zone.name' },
  { fact: 'edgeServerIp', field: 'cf.edge.server_ip' },
  { fact: 'edgeServerPort', field: 'cf.edge.server_port' },
];

export { FIELD_ALIASES } from '../scheme.js';

/**
 * Extensions for which Cloudflare sets `cf.bot_management.static_resource` (from the
 * catalogue notes), so the flag can be computed from the normalized path.
 */
const STATIC_EXTENSIONS: ReadonlySet<string> = /* @__PURE__ */ new Set([
  'ico', 'jpg', 'png', 'jpeg', 'gif', 'css', 'js', 'tif', 'tiff', 'bmp', 'pict', 'webp', 'svg', 'svgz', 'class', 'jar', 'txt', 'csv', 'doc', 'docx',
  'xls', 'xlsx', 'pdf', 'ps', 'pls', 'ppt', 'pptx', 'ttf', 'otf', 'woff', 'woff2', 'eot', 'eps', 'ejs', 'swf', 'torrent', 'midi', 'mid', 'm3u8',
  'm4a', 'mp3', 'ogg', 'ts',
]);

/** Whether a path's (lower-cased) extension makes Cloudflare set `cf.bot_management.static_resource`. */
export const isStaticExtension = (extension: string): boolean => STATIC_EXTENSIONS.has(extension);

/** Cloudflare's values for the mTLS fields when no client certificate was presented. */
function tlsClientAuthDefaults(): Map<string, boolean | string> {
  const defaults = new Map<string, boolean | string>();
  for (const name of ['cert_presented', 'cert_verified', 'cert_revoked']) defaults.set(`cf.tls_client_auth.${name}`, false);
  for (const name of [
    'cert_issuer_dn',
    'cert_subject_dn',
    'cert_issuer_dn_rfc2253',
    'cert_subject_dn_rfc2253',
    'cert_issuer_dn_legacy',
    'cert_subject_dn_legacy',
    'cert_serial',
    'cert_issuer_serial',
    'cert_fingerprint_sha256',
    'cert_fingerprint_sha1',
    'cert_not_before',
    'cert_not_after',
    'cert_ski',
    'cert_issuer_ski',
    'cert_rfc9440',
    'cert_chain_rfc9440',
  ]) {
    defaults.set(`cf.tls_client_auth.${name}`, '');
  }
  for (const name of ['cert_rfc9440_too_large', 'cert_chain_rfc9440_too_large']) defaults.set(`cf.tls_client_auth.${name}`, false);
  return defaults;
}

/** What the two request flavours have in common once read. */
interface RequestSource {
  method: string;
  /** Request target as a binary string (origin-form for Node, absolute URL for Fetch). */
  target: string;
  lines: HeaderLine[];
  /** Host when there is no Host header (absolute-form authority, HTTP/2 `:authority`). */
  fallbackHost?: string;
  version?: string;
  ssl: boolean;
  clientIp?: string;
  serverIp?: string;
  serverPort?: number;
  tlsVersion?: string;
  /** True when a TLS socket shows that the client presented no certificate. */
  noClientCert: boolean;
  /** True when the transport is known to be TCP. */
  tcp?: boolean;
  cf?: unknown;
}

function isNodeRequest(request: RequestLike): request is NodeRequestLike {
  return Array.isArray((request as NodeRequestLike).rawHeaders) && typeof (request as NodeRequestLike).httpVersion === 'string';
}

function isFetchRequest(request: RequestLike): request is FetchRequestLike {
  const r = request as FetchRequestLike;
  return typeof r.url === 'string' && typeof r.headers === 'object' && r.headers !== null && typeof r.headers.forEach === 'function';
}

function readNodeRequest(request: NodeRequestLike): RequestSource {
  const socket = request.socket ?? undefined;
  const ssl = socket?.encrypted === true;
  const target = toBinary(request.url ?? '/');
  const authority = request.rawHeaders.findIndex((name, i) => i % 2 === 0 && name === ':authority');
  let tlsVersion: string | undefined;
  // Plain HTTP is covered by `ssl === false` later; here only a TLS socket can tell.
  let noClientCert = false;
  if (ssl && socket !== undefined) {
    const protocol = typeof socket.getProtocol === 'function' ? socket.getProtocol() : null;
    if (typeof protocol === 'string' && protocol !== 'unknown') tlsVersion = protocol;
    if (typeof socket.getPeerCertificate === 'function') {
      const certificate = socket.getPeerCertificate();
      noClientCert = certificate === null || Object.keys(certificate).length === 0;
    }
  }
  return {
    method: request.method ?? '',
    target,
    lines: nodeHeaderLines(request.rawHeaders),
    fallbackHost: splitTarget(target).authority ?? (authority >= 0 ? toBinary(String(request.rawHeaders[authority + 1])) : undefined),
    version: httpVersionText(request.httpVersion),
    ssl,
    clientIp: socket?.remoteAddress,
    serverIp: socket?.localAddress,
    serverPort: socket?.localPort,
    tlsVersion,
    noClientCert,
    // Node's http and http2 modules only ever run over TCP.
    tcp: true,
  };
}

function readFetchRequest(request: FetchRequestLike, options: RequestFieldsOptions): RequestSource {
  const target = toBinary(request.url);
  const { scheme, authority } = splitTarget(target);
  const ssl = scheme === 'https';
  const port = authority === undefined ? undefined : /:(\d{1,5})$/.exec(authority)?.[1];
  return {
    method: request.method,
    target,
    lines: fetchHeaderLines(request.headers, new Set((options.splitHeaders ?? []).map(asciiLowerString))),
    fallbackHost: authority,
    ssl,
    serverPort: port !== undefined ? Number(port) : scheme === 'https' ? 443 : scheme === 'http' ? 80 : undefined,
    noClientCert: false,
    cf: options.workersCf === false ? undefined : request.cf,
  };
}

/**
 * `HTTP/x` spelling of a version: Node reports `1.1` and `2.0`, Cloudflare writes `HTTP/1.1`
 * and `HTTP/2` (major version only from HTTP/2 on).
 */
export function httpVersionText(version: string): string {
  const text = version.trim();
  const match = /^(?:HTTP\/)?(\d)(?:\.(\d))?$/i.exec(text);
  if (match === null) return text;
  const major = Number(match[1]);
  return major >= 2 ? `HTTP/${major}` : `HTTP/${major}.${match[2] ?? '0'}`;
}

const MAPPED_IPV4 = /^(?:::|(?:0{1,4}:){5})ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/**
 * A client address as Cloudflare reports it: brackets and a zone index (`fe80::1%eth0`) are
 * dropped, and an IPv4-mapped IPv6 address — what a dual-stack Node server reports for an
 * IPv4 client — becomes the plain IPv4 address, since the client used IPv4 and `ip.src`
 * never equals across families (`::ffff:192.0.2.1` would not match `192.0.2.0/24`).
 */
export function normalizeClientIp(address: string, keepIpv4Mapped = false): string {
  let ip = address.trim();
  if (ip.startsWith('[') && ip.endsWith(']')) ip = ip.slice(1, -1);
  const zone = ip.indexOf('%');
  if (zone >= 0) ip = ip.slice(0, zone);
  if (!keepIpv4Mapped) {
    const mapped = MAPPED_IPV4.exec(ip);
    if (mapped !== null) ip = mapped[1]!;
  }
  return ip;
}

/** Name/value lists of a query or form as the three fields Cloudflare exposes. */
function pairFields(names: string[], values: string[]): [Record<string, BytesValue[]>, BytesValue[], BytesValue[]] {
  const map = nullMap<BytesValue[]>();
  const nameValues = names.map(fromBinary);
  const valueValues = values.map(fromBinary);
  names.forEach((name, i) => pushEntry(map, keyFromBinary(name), valueValues[i]!));
  return [map, nameValues, valueValues];
}

function bodyBytes(body: Uint8Array | ArrayBuffer | string): Uint8Array {
  if (typeof body === 'string') return new TextEncoder().encode(body);
  if (body instanceof Uint8Array) return body;
  return new Uint8Array(body);
}

function randomSeed(): Uint8Array | undefined {
  const crypto = (globalThis as { crypto?: { getRandomValues?: (array: Uint8Array) => Uint8Array } }).crypto;
  return typeof crypto?.getRandomValues === 'function' ? crypto.getRandomValues(new Uint8Array(32)) : undefined;
}

/**
 * Derives Cloudflare field values from a request and the facts the caller knows.
 *
 * Precedence, lowest first: values derived from the request; Workers' `request.cf` (then
 * `facts.cf`); typed shortcuts of `facts`; `facts.fields`. Aliases (`ip.geoip.*`,
 * `cf.client.bot`) are then filled from their canonical fields and vice versa.
 *
 * @param request A Fetch API `Request` or a Node `http.IncomingMessage`, detected by shape.
 * @param facts Connection and edge facts, and optionally the body bytes.
 * @param options Normalization and limits.
 * @returns A prototype-less object keyed by field name.
 * @throws TypeError when `request` has neither shape.
 */
export function requestFields(request: RequestLike, facts: RequestFacts = {}, options: RequestFieldsOptions = {}): RequestFieldValues {
  let source: RequestSource;
  if (isNodeRequest(request)) source = readNodeRequest(request);
  else if (isFetchRequest(request)) source = readFetchRequest(request, options);
  else throw new TypeError('requestFields: expected a Fetch API Request or a Node http.IncomingMessage');

  const out = Object.create(null) as Record<string, FieldValue>;
  const set = (name: string, value: FieldValue | undefined): void => {
    if (value !== undefined) out[name] = value;
  };
  const wanted = options.fields;
  // One field asked for (`fields` unset: every field); `want` for a group of fields.
  const wants = (name: string): boolean => wanted === undefined || wanted.has(name);
  const want = (...names: string[]): boolean => wanted === undefined || names.some((name) => wanted.has(name));

  // --- headers ------------------------------------------------------------------------------
  const headers = headerFields(source.lines, options.maxHeaders ?? Infinity);
  const first = (name: string): string | undefined => headers.all(name)[0];
  if (wants('http.request.headers')) set('http.request.headers', headers.map);
  if (wants('http.request.headers.names')) set('http.request.headers.names', headers.names);
  if (wants('http.request.headers.values')) set('http.request.headers.values', headers.values);
  if (wants('http.request.headers.truncated')) set('http.request.headers.truncated', headers.truncated);
  // Absent headers read as "", as Cloudflare's header fields default to the empty string.
  if (wants('http.user_agent')) set('http.user_agent', fromBinary(first('user-agent') ?? ''));
  if (wants('http.referer')) set('http.referer', fromBinary(first('referer') ?? ''));
  if (wants('http.cookie')) set('http.cookie', fromBinary(headers.all('cookie').join('; ')));
  if (wants('http.x_forwarded_for')) set('http.x_forwarded_for', fromBinary(headers.all('x-forwarded-for').join(', ')));
  if (want('http.request.cookies')) set('http.request.cookies', parseCookies(headers.all('cookie')));
  if (want('http.request.accepted_languages')) set('http.request.accepted_languages', acceptedLanguages(headers.all('accept-language')));

  // --- request line and URI -----------------------------------------------------------------
  const ssl = facts.ssl ?? source.ssl;
  const host = first('host') ?? source.fallbackHost ?? '';
  set('ssl', ssl);
  set('http.host', fromBinary(host));
  set('http.request.method', fromBinary(toBinary(source.method)));
  set('http.request.version', source.version);

  if (wanted === undefined || URI_FIELD_NAMES.some((name) => wanted.has(name))) {
    const target = splitTarget(source.target);
    const rawPath = target.path;
    const path = normalizePath(rawPath, options.normalization ?? 'cloudflare');
    const query = target.query ?? '';
    const suffix = target.query === undefined ? '' : `?${target.query}`;
    const origin = `${ssl ? 'https' : 'http'}://${host}`;
    const extension = asciiLowerString(pathExtension(path));
    if (wants('http.request.full_uri')) set('http.request.full_uri', fromBinary(origin + path + suffix));
    if (wants('http.request.uri')) set('http.request.uri', fromBinary(path + suffix));
    if (wants('http.request.uri.path')) set('http.request.uri.path', fromBinary(path));
    if (wants('http.request.uri.path.extension')) set('http.request.uri.path.extension', fromBinary(extension));
    if (wants('http.request.uri.query')) set('http.request.uri.query', fromBinary(query));
    if (wants('raw.http.request.full_uri')) set('raw.http.request.full_uri', fromBinary(origin + rawPath + suffix));
    if (wants('raw.http.request.uri')) set('raw.http.request.uri', fromBinary(rawPath + suffix));
    if (wants('raw.http.request.uri.path')) set('raw.http.request.uri.path', fromBinary(rawPath));
    if (wants('raw.http.request.uri.path.extension')) set('raw.http.request.uri.path.extension', fromBinary(pathExtension(rawPath)));
    if (wants('raw.http.request.uri.query')) set('raw.http.request.uri.query', fromBinary(query));
    const { names, values } = splitPairs(query);
    // Two independent copies: the normalized and raw argument fields must not share objects.
    for (const prefix of ['', 'raw.']) {
      if (!want(`${prefix}http.request.uri.args`, `${prefix}http.request.uri.args.names`, `${prefix}http.request.uri.args.values`)) continue;
      const [map, nameList, valueList] = pairFields(names, values);
      set(`${prefix}http.request.uri.args`, map);
      set(`${prefix}http.request.uri.args.names`, nameList);
      set(`${prefix}http.request.uri.args.values`, valueList);
    }
    if (wants('cf.bot_management.static_resource')) set('cf.bot_management.static_resource', STATIC_EXTENSIONS.has(extension));
  }

  // --- connection ---------------------------------------------------------------------------
  const clientIp = facts.clientIp ?? source.clientIp;
  if (typeof clientIp === 'string' && clientIp !== '') set('ip.src', normalizeClientIp(clientIp, options.keepIpv4Mapped));
  if (source.serverIp !== undefined && source.serverIp !== '') set('cf.edge.server_ip', normalizeClientIp(source.serverIp, options.keepIpv4Mapped));
  set('cf.edge.server_port', source.serverPort);
  set('cf.tls_version', source.tlsVersion);
  const time = facts.timestamp instanceof Date ? facts.timestamp.getTime() : (facts.timestamp ?? options.now?.() ?? Date.now());
  const seconds = Math.floor(time / 1000);
  set('http.request.timestamp.sec', seconds);
  set('http.request.timestamp.msec', Math.floor(time - seconds * 1000));
  if (want('cf.random_seed')) set('cf.random_seed', randomSeed());
  // Cloudflare documents that this legacy score is now always 0.
  set('cf.threat_score', 0);

  // --- body ---------------------------------------------------------------------------------
  if (facts.body !== undefined) {
    const contentType = first('content-type');
    bodyFields(out, {
      bytes: bodyBytes(facts.body),
      size: facts.bodySize,
      contentType,
      limit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
      maxParts: options.maxMultipartParts ?? 1024,
    });
  }

  // --- caller facts, lowest precedence first ------------------------------------------------
  Object.assign(out, workersCfFields(source.cf), workersCfFields(facts.cf));
  for (const { fact, field } of FACT_SHORTCUTS) {
    const value = facts[fact];
    if (value === undefined || value === null) continue;
    set(field, (fact === 'latitude' || fact === 'longitude') && typeof value === 'number' ? String(value) : (value as FieldValue));
  }
  if (facts.httpVersion !== undefined) set('http.request.version', httpVersionText(facts.httpVersion));
  else if (typeof out['http.request.version'] === 'string') out['http.request.version'] = httpVersionText(out['http.request.version']);

  // --- values that follow from facts now known ----------------------------------------------
  const version = out['http.request.version'];
  if (out['cf.edge.client_tcp'] === undefined) {
    if (typeof version === 'string') set('cf.edge.client_tcp', !version.startsWith('HTTP/3'));
    else set('cf.edge.client_tcp', source.tcp);
  }
  // Without TLS (or with TLS but no certificate) there is no client certificate, and
  // Cloudflare then reports the mTLS fields as false / "".
  if (out.ssl === false || source.noClientCert) {
    for (const [name, value] of tlsClientAuthDefaults()) if (out[name] === undefined) out[name] = value;
  }

  const explicit = facts.fields ?? {};
  for (const name of Object.keys(explicit)) {
    const value = explicit[name];
    if (value === undefined) delete out[name];
    else out[name] = value;
  }
  for (const [canonical, alias] of FIELD_ALIASES) {
    if (out[alias] === undefined && out[canonical] !== undefined && !Object.hasOwn(explicit, alias)) out[alias] = out[canonical]!;
    else if (out[canonical] === undefined && out[alias] !== undefined && !Object.hasOwn(explicit, canonical)) out[canonical] = out[alias]!;
  }
  return out;
}
