/**
 * Hex byte-string literals (spec §2.7): two or more bytes of exactly two hex digits, joined by
 * `:`, `-` or `.` (mixed separators allowed), e.g. `6F:72:67` = "org".
 *
 * @module
 */

/** Outcome of {@link parseHexBytesLiteral}; `offset`/`length` are relative to the text. */
export type HexBytesResult =
  | { ok: true; bytes: Uint8Array }
  | { ok: false; message: string; offset: number; length: number };

const HEX_PAIR = /^[0-9A-Fa-f]{2}$/;

/** Parses an unquoted hex byte string such as `12:ab-CD.ef`. */
export function parseHexBytesLiteral(text: string): HexBytesResult {
  const bytes: number[] = [];
  let i = 0;
  for (;;) {
    const pair = text.slice(i, i + 2);
    if (!HEX_PAIR.test(pair)) {
      return { ok: false, message: `expected two hex digits for a byte, found \`${pair || 'nothing'}\``, offset: i, length: Math.max(1, pair.length) };
    }
    bytes.push(parseInt(pair, 16));
    i += 2;
    if (i === text.length) break;
    const separator = text[i];
    if (separator !== ':' && separator !== '-' && separator !== '.') {
      return { ok: false, message: `expected a byte separator (\`:\`, \`-\` or \`.\`), found \`${separator}\``, offset: i, length: text.length - i };
    }
    i++;
  }
  if (bytes.length < 2) {
    return { ok: false, message: 'a hex byte string needs at least two bytes, e.g. `6f:72`; use a quoted string for text', offset: 0, length: text.length };
  }
  return { ok: true, bytes: Uint8Array.from(bytes) };
}
