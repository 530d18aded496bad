/**
 * Decoding of string literals: quoted strings (with their four escapes), raw strings and
 * quoted strings used as regular expressions (spec §2.4–2.6).
 *
 * @module
 */
import type { DiagnosticBag } from '../../diagnostics/diagnostics.js';
import type { StringLiteral } from '../ast.js';
import type { RawStringPayload } from '../tokens.js';

const encoder = new TextEncoder();

const isHex = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
const isOctal = (c: number): boolean => c >= 48 && c <= 55;

/**
 * The UTF-8 bytes of `text`. Literals are short and mostly ASCII, for which a plain copy is
 * several times cheaper than a call into `TextEncoder`.
 */
function utf8(text: string): Uint8Array {
  const length = text.length;
  if (length > 64) return encoder.encode(text);
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f) return encoder.encode(text);
    out[i] = c;
  }
  return out;
}

/** `content` when its UTF-8 decodes back to it (no lone surrogates), else `undefined`. */
function wellFormed(content: string): string | undefined {
  return content.isWellFormed() ? content : undefined;
}

/** Appends the UTF-8 bytes of `text` to `out`. */
function pushText(out: number[], text: string): void {
  for (const b of encoder.encode(text)) out.push(b);
}

/**
 * Decodes a quoted string token (`image` includes the quotes). `start` is the absolute
 * offset of the opening quote. Invalid escapes are reported and skipped.
 */
export function decodeQuotedString(image: string, start: number, terminated: boolean, bag: DiagnosticBag): StringLiteral {
  const span = { start, end: start + image.length };
  if (!terminated) bag.error('missing-ending-quote', 'could not find an ending quote for this string', span);
  const contentEnd = terminated ? image.length - 1 : image.length;
  if (!image.includes('\\')) {
    const content = image.slice(1, contentEnd);
    return { kind: 'String', form: 'quoted', bytes: utf8(content), text: wellFormed(content), contentStart: start + 1, span };
  }
  const bytes: number[] = [];
  let runStart = 1;
  let i = 1;
  while (i < contentEnd) {
    if (image.charCodeAt(i) !== 92) {
      i++;
      continue;
    }
    pushText(bytes, image.slice(runStart, i));
    const escapeStart = i;
    const next = image.charCodeAt(i + 1);
    if (next === 34 || next === 92) {
      bytes.push(next);
      i += 2;
    } else if (next === 120 /* x */) {
      const h1 = image.charCodeAt(i + 2);
      const h2 = image.charCodeAt(i + 3);
      if (i + 3 < contentEnd && isHex(h1) && isHex(h2)) {
        bytes.push(parseInt(image.slice(i + 2, i + 4), 16));
        i += 4;
      } else {
        const end = Math.min(contentEnd, i + 4);
        bag.error('invalid-escape', '`\\x` must be followed by exactly two hex digits', { start: start + escapeStart, end: start + end });
        i = Math.max(i + 2, Math.min(end, contentEnd));
      }
    } else if (isOctal(next)) {
      const digits = image.slice(i + 1, i + 4);
      if (i + 3 < contentEnd && /^[0-7]{3}$/.test(digits) && parseInt(digits, 8) <= 255) {
        bytes.push(parseInt(digits, 8));
        i += 4;
      } else {
        const end = Math.min(contentEnd, i + 4);
        const why = /^[0-7]{3}$/.test(digits)
          ? `octal escape \`\\${digits}\` is larger than \\377 (255)`
          : 'an octal escape needs exactly three octal digits, e.g. `\\000`';
        bag.error('invalid-escape', why, { start: start + escapeStart, end: start + end });
        i = end;
      }
    } else {
      const shown = i + 1 < contentEnd ? image.slice(i, i + 2) : '\\';
      const hint = i + 1 < contentEnd && '.*?+()[]{}|^$dDwWsSbB'.includes(image[i + 1]!)
        ? ' (regex escapes are only kept after `matches`; use a raw string r"…" or double the backslash)'
        : '';
      bag.error('invalid-escape', `invalid escape \`${shown}\`: expected \\", \\\\, \\xHH or \\OOO after \\${hint}`, {
        start: start + escapeStart,
        end: start + Math.min(contentEnd, i + 2),
      });
      i += 2;
    }
    runStart = i;
  }
  pushText(bytes, image.slice(runStart, contentEnd));
  return { kind: 'String', form: 'quoted', bytes: Uint8Array.from(bytes), contentStart: start + 1, span };
}

/** The largest number of `#` a raw string may use. */
export const MAX_RAW_STRING_HASHES = 255;

/** Decodes a raw string token; `start` is the absolute offset of the `r`. */
export function decodeRawString(image: string, payload: RawStringPayload, start: number, bag: DiagnosticBag): StringLiteral {
  const span = { start, end: start + image.length };
  const { contentStart, contentEnd } = payload;
  if (!payload.opened) {
    bag.error('expected-token', 'expected `"` or `#` after `r` to start a raw string', span);
  } else if (!payload.terminated) {
    bag.error('missing-ending-quote', `could not find the ending \`"${'#'.repeat(payload.hashes)}\` of this raw string`, span);
  }
  if (payload.hashes > MAX_RAW_STRING_HASHES) {
    bag.error('invalid-raw-string-hash-count', `a raw string can't use more than ${MAX_RAW_STRING_HASHES} #s (found ${payload.hashes})`, {
      start: start + 1,
      end: start + 1 + payload.hashes,
    });
  }
  const content = image.slice(contentStart, contentEnd);
  return { kind: 'String', form: 'raw', bytes: utf8(content), text: wellFormed(content), pattern: content, contentStart: start + contentStart, span };
}

/**
 * Decodes a quoted string that follows `matches`: outside a bracket class `\"` becomes `"`;
 * every other backslash pair is handed to the regex compiler as written.
 */
export function decodeRegexString(image: string, start: number, terminated: boolean, bag: DiagnosticBag): StringLiteral {
  const span = { start, end: start + image.length };
  if (!terminated) bag.error('missing-ending-quote', 'could not find an ending quote for this regular expression', span);
  const contentEnd = terminated ? image.length - 1 : image.length;
  let pattern = '';
  let runStart = 1;
  let inClass = false;
  for (let i = 1; i < contentEnd; i++) {
    const c = image.charCodeAt(i);
    if (c === 92) {
      if (!inClass && image.charCodeAt(i + 1) === 34) {
        pattern += image.slice(runStart, i) + '"';
        runStart = i + 2;
      }
      i++;
    } else if (inClass) {
      if (c === 93) inClass = false;
    } else if (c === 91) {
      inClass = true;
    }
  }
  pattern += image.slice(runStart, contentEnd);
  return { kind: 'String', form: 'regex', bytes: utf8(pattern), pattern, contentStart: start + 1, span };
}
