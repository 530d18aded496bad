/**
 * A strict JSON (RFC 8259) reader that looks up one value by path, for `lookup_json_string`
 * and `lookup_json_integer`.
 *
 * Design notes:
 *
 * * **No recursion.** Request bodies are attacker-controlled; a recursive descent parser would
 *   overflow the JS stack on `[[[[…` a few thousand levels deep. The reader is a loop over an
 *   explicit stack of open containers (a plain array), so nesting depth costs heap memory
 *   linear in the input, never stack frames.
 * * **The whole document is validated**, not only the part on the path: a body that is not
 *   JSON has no JSON values, even if its first bytes look like the start of one.
 * * **Nothing is built.** Only the member names on the path and the string at the end of the
 *   path are decoded; every other value is scanned and checked, not materialised.
 * * **Duplicate member names: the last one wins**, like `JSON.parse` and serde_json's map.
 *   Every time a member on the path starts, whatever an earlier member of the same name
 *   produced is forgotten.
 * * Strings must be valid UTF-8 (the caller decodes strictly) and escapes must be well formed;
 *   a `\u` escape of an unpaired surrogate is rejected, so decoded strings are always
 *   well-formed text whose UTF-8 is exact.
 *
 * @module
 */

/**
 * One step of a path: an object member name, or an array position. `undefined` is a step
 * that matches nothing (e.g. a member name that is not valid UTF-8); `bigint` positions are
 * too large to exist and also match nothing.
 */
export type JsonPathStep = string | number | bigint | undefined;

/** The value found at the end of a path, as much as the lookup functions need of it. */
export type JsonFound =
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'number'; readonly text: string; readonly integer: boolean }
  | { readonly kind: 'literal'; readonly value: true | false | null }
  | { readonly kind: 'object' | 'array' };

const OBJECT = 1;
const ARRAY = 2;

const FOUND_OBJECT: JsonFound = { kind: 'object' };
const FOUND_ARRAY: JsonFound = { kind: 'array' };
const FOUND_TRUE: JsonFound = { kind: 'literal', value: true };
const FOUND_FALSE: JsonFound = { kind: 'literal', value: false };
const FOUND_NULL: JsonFound = { kind: 'literal', value: null };

/** Signals invalid JSON from the helpers below (a position is never negative otherwise). */
const INVALID = -1;

const isWhitespace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

function skipWhitespace(text: string, i: number): number {
  while (i < text.length && isWhitespace(text.charCodeAt(i))) i++;
  return i;
}

function hex4(text: string, i: number): number {
  let value = 0;
  for (let k = 0; k < 4; k++) {
    const c = text.charCodeAt(i + k);
    const d = c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 70 ? c - 55 : c >= 97 && c <= 102 ? c - 87 : -1;
    if (d < 0) return -1;
    value = value * 16 + d;
  }
  return value;
}

/** Decoded text of the last string read with `decode` set (a module slot avoids allocating a result object). */
let decoded = '';

/**
 * Reads the string starting at the `"` at `i`; returns the index after the closing quote, or
 * {@link INVALID}. With `decode`, leaves the decoded text in {@link decoded}.
 */
function readString(text: string, i: number, decode: boolean): number {
  const n = text.length;
  i++; // opening quote
  let chunkStart = i;
  let out = '';
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      if (decode) decoded = out + text.slice(chunkStart, i);
      return i + 1;
    }
    if (c < 0x20) return INVALID;
    if (c !== 0x5c /* \ */) {
      i++;
      continue;
    }
    if (decode) out += text.slice(chunkStart, i);
    const e = text.charCodeAt(i + 1);
    let unit: number;
    switch (e) {
      case 0x22:
      case 0x5c:
      case 0x2f:
        unit = e;
        break;
      case 0x62:
        unit = 0x08;
        break;
      case 0x66:
        unit = 0x0c;
        break;
      case 0x6e:
        unit = 0x0a;
        break;
      case 0x72:
        unit = 0x0d;
        break;
      case 0x74:
        unit = 0x09;
        break;
      case 0x75 /* u */: {
        const code = hex4(text, i + 2);
        if (code < 0) return INVALID;
        if (code >= 0xdc00 && code <= 0xdfff) return INVALID; // low surrogate without a high one
        if (code >= 0xd800 && code <= 0xdbff) {
          // A high surrogate must be followed by an escaped low surrogate.
          if (text.charCodeAt(i + 6) !== 0x5c || text.charCodeAt(i + 7) !== 0x75) return INVALID;
          const low = hex4(text, i + 8);
          if (low < 0xdc00 || low > 0xdfff) return INVALID;
          if (decode) out += String.fromCharCode(code, low);
          i += 12;
        } else {
          if (decode) out += String.fromCharCode(code);
          i += 6;
        }
        chunkStart = i;
        continue;
      }
      default:
        return INVALID;
    }
    if (decode) out += String.fromCharCode(unit);
    i += 2;
    chunkStart = i;
  }
  return INVALID;
}

/** Whether the last number read by {@link readNumber} had neither fraction nor exponent. */
let lastNumberIsInteger = false;

/** Reads a number at `i` (`-`, digits, fraction, exponent); returns the index after it, or {@link INVALID}. */
function readNumber(text: string, i: number): number {
  const n = text.length;
  if (text.charCodeAt(i) === 0x2d /* - */) i++;
  const first = text.charCodeAt(i);
  if (first === 0x30 /* 0 */) {
    i++;
  } else if (first >= 0x31 && first <= 0x39) {
    while (i < n && isDigit(text.charCodeAt(i))) i++;
  } else {
    return INVALID;
  }
  lastNumberIsInteger = true;
  if (text.charCodeAt(i) === 0x2e /* . */) {
    i++;
    if (!isDigit(text.charCodeAt(i))) return INVALID;
    while (i < n && isDigit(text.charCodeAt(i))) i++;
    lastNumberIsInteger = false;
  }
  const e = text.charCodeAt(i);
  if (e === 0x65 || e === 0x45) {
    i++;
    const sign = text.charCodeAt(i);
    if (sign === 0x2b || sign === 0x2d) i++;
    if (!isDigit(text.charCodeAt(i))) return INVALID;
    while (i < n && isDigit(text.charCodeAt(i))) i++;
    lastNumberIsInteger = false;
  }
  return i;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/**
 * Finds the value at `path` in the JSON document `text`.
 *
 * Each step selects an object member by name (a string step) or an array element by
 * zero-based position (a number step); a step of the wrong kind for the container, an absent
 * member or an out-of-range position finds nothing. Returns `undefined` when nothing is
 * found or when `text` is not one valid JSON value (surrounding whitespace allowed).
 *
 * Runs in time linear in the length of `text` and never recurses.
 */
export function lookupJsonPath(text: string, path: readonly JsonPathStep[]): JsonFound | undefined {
  const n = text.length;
  const m = path.length;
  // Open containers, innermost last, and the element count of each open array.
  const kinds: number[] = [];
  const positions: number[] = [];
  // The first `onPath` open containers are the values at path[0..k) for k = 1..onPath.
  let onPath = 0;
  let result: JsonFound | undefined;
  // Whether the value about to be read is the one at path[0..kinds.length).
  let valueOnPath = true;
  let i = skipWhitespace(text, 0);

  for (;;) {
    // --- read one value at i ---------------------------------------------------------------
    if (i >= n) return undefined;
    const depth = kinds.length;
    const target = valueOnPath && depth === m;
    const c = text.charCodeAt(i);
    let opened = false;
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      const kind = c === 0x7b ? OBJECT : ARRAY;
      if (target) result = kind === OBJECT ? FOUND_OBJECT : FOUND_ARRAY;
      kinds.push(kind);
      positions.push(0);
      if (valueOnPath) onPath = kinds.length;
      i = skipWhitespace(text, i + 1);
      const close = kind === OBJECT ? 0x7d : 0x5d;
      if (text.charCodeAt(i) === close) {
        kinds.pop();
        positions.pop();
        if (onPath > kinds.length) onPath = kinds.length;
        i++;
      } else {
        opened = true;
      }
    } else if (c === 0x22 /* " */) {
      i = readString(text, i, target);
      if (i === INVALID) return undefined;
      if (target) result = { kind: 'string', value: decoded };
    } else if (c === 0x2d || isDigit(c)) {
      const start = i;
      i = readNumber(text, i);
      if (i === INVALID) return undefined;
      if (target) result = { kind: 'number', text: text.slice(start, i), integer: lastNumberIsInteger };
    } else if (text.startsWith('true', i)) {
      i += 4;
      if (target) result = FOUND_TRUE;
    } else if (text.startsWith('false', i)) {
      i += 5;
      if (target) result = FOUND_FALSE;
    } else if (text.startsWith('null', i)) {
      i += 4;
      if (target) result = FOUND_NULL;
    } else {
      return undefined;
    }

    // --- what comes next: the first member/element of a container just opened, or a
    // separator or closing bracket after a complete value --------------------------------
    let needMember = false;
    if (opened) {
      needMember = true;
    } else {
      for (;;) {
        i = skipWhitespace(text, i);
        if (kinds.length === 0) return i === n ? result : undefined;
        const top = kinds.length - 1;
        const ch = text.charCodeAt(i);
        if (ch === 0x2c /* , */) {
          i = skipWhitespace(text, i + 1);
          positions[top]!++;
          needMember = true;
          break;
        }
        if (ch === (kinds[top] === OBJECT ? 0x7d : 0x5d)) {
          kinds.pop();
          positions.pop();
          if (onPath > kinds.length) onPath = kinds.length;
          i++;
          continue;
        }
        return undefined;
      }
    }
    if (!needMember) continue;

    // --- start the next member (object) or element (array) of the innermost container -----
    const top = kinds.length - 1;
    const step = top < m && onPath > top ? path[top] : undefined;
    if (kinds[top] === OBJECT) {
      if (text.charCodeAt(i) !== 0x22) return undefined;
      const wanted = typeof step === 'string';
      i = readString(text, i, wanted);
      if (i === INVALID) return undefined;
      i = skipWhitespace(text, i);
      if (text.charCodeAt(i) !== 0x3a /* : */) return undefined;
      i = skipWhitespace(text, i + 1);
      valueOnPath = wanted && decoded === step;
      // A later member of the same name replaces an earlier one (last wins).
      if (valueOnPath) result = undefined;
    } else {
      valueOnPath = step === positions[top];
    }
  }
}
