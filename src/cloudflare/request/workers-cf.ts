/**
 * Cloudflare Workers' `request.cf` object → field values.
 *
 * Inside a Worker the runtime attaches what the edge computed (geolocation, TLS details, bot
 * management…) to the incoming request as `request.cf`. Most of it maps one-to-one onto
 * fields, with a few representation changes: mTLS flags arrive as `"1"`/`"0"` strings,
 * `certVerified` as `"SUCCESS"`/`"NONE"`/`"FAILED:…"`, `tlsClientHelloLength` as a decimal
 * string, `isEUCountry` as `"1"` (or a boolean in newer runtimes), and an empty
 * `detectionIds` is sometimes an empty object instead of an empty array.
 *
 * @module
 */

/** Converts one `request.cf` property to a field value; `undefined` = not usable. */
type Convert = (value: unknown) => unknown;

const text: Convert = (v) => (typeof v === 'string' ? v : undefined);
const int: Convert = (v) => {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
  if (typeof v === 'string' && /^-?\d{1,15}$/.test(v)) return Number(v);
  return undefined;
};
const flag: Convert = (v) => (v === true || v === '1' ? true : v === false || v === '0' ? false : undefined);
/** Latitude, longitude and metro code are strings in the catalogue; accept numbers too. */
const decimal: Convert = (v) => (typeof v === 'string' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined);
const verified: Convert = (v) => (typeof v === 'string' ? v === 'SUCCESS' : typeof v === 'boolean' ? v : undefined);
const intList: Convert = (v) => {
  if (Array.isArray(v)) return v.filter((x) => typeof x === 'number' && Number.isSafeInteger(x));
  if (typeof v === 'object' && v !== null && Object.keys(v).length === 0) return [];
  return undefined;
};
const json: Convert = (v) => (v === undefined || v === null ? undefined : JSON.stringify(v));

/** One mapping: dotted property path in `request.cf` → catalogue field. */
export interface WorkersCfMapping {
  /** Property path inside `request.cf`, e.g. `botManagement.score`. */
  readonly property: string;
  /** The field it sets. */
  readonly field: string;
  /** @internal */
  readonly convert: Convert;
}

const m = /* @__NO_SIDE_EFFECTS__ */ (property: string, field: string, convert: Convert = text): WorkersCfMapping => ({ property, field, convert });

/**
 * Every `request.cf` property that maps onto a catalogue field. Exported so the documentation
 * can list, per field, where a Worker finds it.
 */
export const WORKERS_CF_MAPPINGS: readonly WorkersCfMapping[] = [
  m('asn', 'ip.src.asnum', int),
  m('country', 'ip.src.country'),
  m('continent', 'ip.src.continent'),
  m('city', 'ip.src.city'),
  m('region', 'ip.src.region'),
  m('regionCode', 'ip.src.region_code'),
  m('postalCode', 'ip.src.postal_code'),
  m('metroCode', 'ip.src.metro_code', decimal),
  m('latitude', 'ip.src.lat', decimal),
  m('longitude', 'ip.src.lon', decimal),
  m('timezone', 'ip.src.timezone.name'),
  m('isEUCountry', 'ip.src.is_in_european_union', flag),
  m('httpProtocol', 'http.request.version'),
  m('tlsVersion', 'cf.tls_version'),
  m('tlsCipher', 'cf.tls_cipher'),
  m('tlsClientCiphersSha1', 'cf.tls_ciphers_sha1'),
  m('tlsClientExtensionsSha1', 'cf.tls_client_extensions_sha1'),
  m('tlsClientExtensionsSha1Le', 'cf.tls_client_extensions_sha1_le'),
  m('tlsClientHelloLength', 'cf.tls_client_hello_length', int),
  m('tlsClientRandom', 'cf.tls_client_random'),
  m('clientTcpRtt', 'cf.timings.client_tcp_rtt_msec', int),
  m('clientQuicRtt', 'cf.timings.client_quic_rtt_msec', int),
  m('edgeL4.deliveryRate', 'cf.edge.l4.delivery_rate', int),
  m('verifiedBotCategory', 'cf.verified_bot_category'),
  m('hostMetadata', 'cf.hostname.metadata', json),
  m('threatScore', 'cf.threat_score', int),
  m('botManagement.score', 'cf.bot_management.score', int),
  m('botManagement.verifiedBot', 'cf.bot_management.verified_bot', flag),
  m('botManagement.staticResource', 'cf.bot_management.static_resource', flag),
  m('botManagement.ja3Hash', 'cf.bot_management.ja3_hash'),
  m('botManagement.ja4', 'cf.bot_management.ja4'),
  m('botManagement.jsDetection.passed', 'cf.bot_management.js_detection.passed', flag),
  m('botManagement.detectionIds', 'cf.bot_management.detection_ids', intList),
  m('botManagement.corporateProxy', 'cf.bot_management.corporate_proxy', flag),
  m('botManagement.signedAgent', 'cf.bot_management.signed_agent', flag),
  m('tlsClientAuth.certPresented', 'cf.tls_client_auth.cert_presented', flag),
  m('tlsClientAuth.certVerified', 'cf.tls_client_auth.cert_verified', verified),
  m('tlsClientAuth.certRevoked', 'cf.tls_client_auth.cert_revoked', flag),
  m('tlsClientAuth.certIssuerDN', 'cf.tls_client_auth.cert_issuer_dn'),
  m('tlsClientAuth.certSubjectDN', 'cf.tls_client_auth.cert_subject_dn'),
  m('tlsClientAuth.certIssuerDNRFC2253', 'cf.tls_client_auth.cert_issuer_dn_rfc2253'),
  m('tlsClientAuth.certSubjectDNRFC2253', 'cf.tls_client_auth.cert_subject_dn_rfc2253'),
  m('tlsClientAuth.certIssuerDNLegacy', 'cf.tls_client_auth.cert_issuer_dn_legacy'),
  m('tlsClientAuth.certSubjectDNLegacy', 'cf.tls_client_auth.cert_subject_dn_legacy'),
  m('tlsClientAuth.certSerial', 'cf.tls_client_auth.cert_serial'),
  m('tlsClientAuth.certIssuerSerial', 'cf.tls_client_auth.cert_issuer_serial'),
  m('tlsClientAuth.certFingerprintSHA256', 'cf.tls_client_auth.cert_fingerprint_sha256'),
  m('tlsClientAuth.certFingerprintSHA1', 'cf.tls_client_auth.cert_fingerprint_sha1'),
  m('tlsClientAuth.certNotBefore', 'cf.tls_client_auth.cert_not_before'),
  m('tlsClientAuth.certNotAfter', 'cf.tls_client_auth.cert_not_after'),
  m('tlsClientAuth.certSKI', 'cf.tls_client_auth.cert_ski'),
  m('tlsClientAuth.certIssuerSKI', 'cf.tls_client_auth.cert_issuer_ski'),
  m('tlsClientAuth.certRFC9440', 'cf.tls_client_auth.cert_rfc9440'),
  m('tlsClientAuth.certRFC9440TooLarge', 'cf.tls_client_auth.cert_rfc9440_too_large', flag),
  m('tlsClientAuth.certChainRFC9440', 'cf.tls_client_auth.cert_chain_rfc9440'),
  m('tlsClientAuth.certChainRFC9440TooLarge', 'cf.tls_client_auth.cert_chain_rfc9440_too_large', flag),
];

/** Reads a dotted path from nested plain objects, ignoring inherited properties. */
function readPath(root: unknown, path: string): unknown {
  let node = root;
  for (const key of path.split('.')) {
    if (typeof node !== 'object' || node === null || !Object.prototype.hasOwnProperty.call(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/**
 * The field values a Workers `request.cf` object provides. Properties that are absent or of
 * an unexpected shape are skipped, so a partial object (local development, tests) is fine.
 */
export function workersCfFields(cf: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null);
  if (typeof cf !== 'object' || cf === null) return out;
  for (const { property, field, convert } of WORKERS_CF_MAPPINGS) {
    const value = convert(readPath(cf, property));
    if (value !== undefined) out[field] = value;
  }
  return out;
}
