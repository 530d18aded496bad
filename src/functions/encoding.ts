/**
 * Encoding and hashing: `decode_base64`, `encode_base64`, `sha256`.
 *
 * All three are byte functions: the input's UTF-8 bytes go in, and decoded or hashed bytes
 * come out as text only when they happen to be valid UTF-8 (`bytesToValue`), so nothing is
 * lost through UTF-16.
 *
 * @module
 */
import { BYTES } from '../scheme/types.js';
import { decodeBase64, encodeBase64 } from '../values/base64.js';
import { bytesToValue, isBytesValue, toUtf8 } from '../values/bytes.js';
import { sha256 as sha256Digest } from '../values/sha256.js';
import { flagLetters } from './common.js';
import type { BuiltinFunction } from '../scheme/functions.js';
import { RATE_LIMITING_RULES, REQUEST_HEADER_RULES, RESPONSE_HEADER_RULES, TRANSFORM_RULES, WAF_CUSTOM_RULES } from './phases.js';

/**
 * `decode_base64(source)`: standard-alphabet Base64 to bytes.
 *
 * Padding is optional (`MTIzYWJj`, `YQ==` and `YQ` all decode), but when present it must be
 * exact; any byte outside the standard alphabet (including whitespace and the URL-safe `-`
 * and `_`) or an impossible length makes the result missing. The specification leaves both
 * points open; this is the lenient reading that still rejects everything ambiguous.
 */
export const decodeBase64Function: BuiltinFunction = {
  name: 'decode_base64',
  description: 'Decodes standard Base64 (padding optional) to bytes; missing if the input is not Base64.',
  params: [{ name: 'source', type: BYTES, kind: 'field' }],
  returns: BYTES,
  // Documented for custom rules, rate limiting rules and Transform Rules.
  phases: [WAF_CUSTOM_RULES, RATE_LIMITING_RULES, ...TRANSFORM_RULES],
  call([value]) {
    if (!isBytesValue(value)) return undefined;
    const bytes = decodeBase64(toUtf8(value));
    return bytes === undefined ? undefined : bytesToValue(bytes);
  },
};

/** `encode_base64(input, flags?)`: Base64 without padding; `u` = URL-safe alphabet, `p` = pad. */
export const encodeBase64Function: BuiltinFunction = {
  name: 'encode_base64',
  description:
    'Encodes bytes as Base64 without "=" padding. Flags: "u" URL-safe alphabet, "p" add padding. WAF custom rules: allowed (availability unconfirmed).',
  params: [{ name: 'input', type: BYTES, kind: 'any' }],
  optional: [{ name: 'flags', type: BYTES, kind: 'literal', validate: flagLetters('up', 'flags are a string of the letters "u" and "p"') }],
  returns: BYTES,
  // Documented for request/response header transform rules; WAF custom rules are [U] in the
  // specification and allowed here.
  phases: [WAF_CUSTOM_RULES, REQUEST_HEADER_RULES, RESPONSE_HEADER_RULES],
  call([value, flags]) {
    if (!isBytesValue(value)) return undefined;
    const letters = typeof flags === 'string' ? flags : '';
    return encodeBase64(toUtf8(value), { urlSafe: letters.includes('u'), pad: letters.includes('p') });
  },
};

/**
 * `sha256(input)`: the 32 raw digest bytes. The input may be a literal too (the
 * specification gives no kind; hashing a constant is pointless but harmless).
 */
export const sha256: BuiltinFunction = {
  name: 'sha256',
  description:
    'SHA-256 digest of the input as 32 raw bytes (wrap in encode_base64 to print it). Requires enablement at Cloudflare; allowed in WAF custom rules (unconfirmed).',
  params: [{ name: 'input', type: BYTES, kind: 'any' }],
  returns: BYTES,
  call: ([value]) => (isBytesValue(value) ? bytesToValue(sha256Digest(toUtf8(value))) : undefined),
};
