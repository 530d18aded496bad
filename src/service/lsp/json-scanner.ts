/**
 * A small JSON scanner that keeps, for every decoded character of a string, its offset in
 * the document. Expressions inside Rulesets JSON are validated on their decoded text; this
 * map turns the resulting ranges back into document ranges, through escapes such as `\"`,
 * `\\`, `\n` and `\u00e9` (one decoded character, several document characters).
 *
 * The parser is strict (it rejects what `JSON.parse` rejects); while a document is being
 * edited and is not valid JSON, {@link scanStrings} still finds its string tokens.
 *
 * @module
 */

/** A JSON string with its decoded value and the document offset of each decoded character. */
export interface JsonString {
  kind: 'string';
  /** Offset of the opening quote. */
  start: number;
  /** Offset after the closing quote. */
  end: number;
  value: string;
  /**
   * `offsets[i]` is the document offset where decoded character `i` (a UTF-16 unit) is
   * written; `offsets[value.length]` is the offset of the closing quote.
   */
  offsets: number[];
}

/** A JSON value with its document range. */
export type JsonNode =
  | JsonString
  | { kind: 'object'; start: number; end: number; members: { key: JsonString; value: JsonNode }[] }
  | { kind: 'array'; start: number; end: number; items: JsonNode[] }
  | { kind: 'number' | 'boolean' | 'null'; start: number; end: number };

/** Thrown by {@link parseJson} for invalid JSON. */
export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/**
 * Reads the string starting at `start` (a `"`). Returns the token, or `undefined` when it
 * is not a valid JSON string (unterminated, bad escape, raw control character).
 */
export function readString(text: string, start: number): JsonString | undefined {
  // Runs of plain characters are taken as slices, escapes one by one: the language server
  // parses a whole Rulesets document (often above a megabyte) for each version it
  // validates or answers on, and a character-by-character build took most of that time.
  const parts: string[] = [];
  const offsets: number[] = [];
  let i = start + 1;
  for (;;) {
    let j = i;
    while (j < text.length) {
      const code = text.charCodeAt(j);
      if (code === 0x22 || code === 0x5c || code < 0x20) break;
      j++;
    }
    if (j > i) {
      parts.push(text.slice(i, j));
      for (let k = i; k < j; k++) offsets.push(k);
    }
    if (j >= text.length) return undefined;
    const code = text.charCodeAt(j);
    if (code === 0x22) {
      offsets.push(j);
      return { kind: 'string', start, end: j + 1, value: parts.length === 1 ? parts[0]! : parts.join(''), offsets };
    }
    if (code < 0x20) return undefined;
    const next = text[j + 1];
    if (next === 'u') {
      const hex = text.slice(j + 2, j + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) return undefined;
      parts.push(String.fromCharCode(parseInt(hex, 16)));
      offsets.push(j);
      i = j + 6;
    } else if (next !== undefined && ESCAPES[next] !== undefined) {
      parts.push(ESCAPES[next]!);
      offsets.push(j);
      i = j + 2;
    } else {
      return undefined;
    }
  }
}

/** Parses a JSON document. Throws {@link JsonSyntaxError} when it is not valid JSON. */
export function parseJson(text: string): JsonNode {
  let i = 0;
  const fail = (message: string): never => {
    throw new JsonSyntaxError(message, i);
  };
  const space = (): void => {
    while (i < text.length && ' \t\r\n'.includes(text[i]!)) i++;
  };
  // The byte-order mark editors sometimes keep at the start of a file.
  if (text.charCodeAt(0) === 0xfeff) i = 1;
  const value = (depth: number): JsonNode => {
    if (depth > 512) fail('nesting too deep');
    space();
    const start = i;
    const c = text[i];
    if (c === '"') {
      const s = readString(text, i);
      if (s === undefined) return fail('invalid string');
      i = s.end;
      return s;
    }
    if (c === '{') {
      i++;
      const members: { key: JsonString; value: JsonNode }[] = [];
      space();
      if (text[i] === '}') {
        i++;
        return { kind: 'object', start, end: i, members };
      }
      for (;;) {
        space();
        if (text[i] !== '"') fail('expected a member name');
        const key = readString(text, i) ?? fail('invalid string');
        i = key.end;
        space();
        if (text[i] !== ':') fail('expected `:`');
        i++;
        members.push({ key, value: value(depth + 1) });
        space();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return { kind: 'object', start, end: i, members };
        }
        fail('expected `,` or `}`');
      }
    }
    if (c === '[') {
      i++;
      const items: JsonNode[] = [];
      space();
      if (text[i] === ']') {
        i++;
        return { kind: 'array', start, end: i, items };
      }
      for (;;) {
        items.push(value(depth + 1));
        space();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return { kind: 'array', start, end: i, items };
        }
        fail('expected `,` or `]`');
      }
    }
    const literal = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 400));
    if (literal === null) return fail('unexpected character');
    i += literal[0].length;
    const kind = literal[0] === 'null' ? 'null' : literal[0] === 'true' || literal[0] === 'false' ? 'boolean' : 'number';
    return { kind, start, end: i };
  };
  const root = value(0);
  space();
  if (i < text.length) fail('unexpected text after the JSON value');
  return root;
}

/** A string of a document that could not be parsed, with what precedes and follows it. */
export interface ScannedString {
  string: JsonString;
  /** The previous significant character (`{`, `,`, `:`, …), if any. */
  before: string | undefined;
  /** The next significant character after the string, if any. */
  after: string | undefined;
}

/**
 * Every well-formed string token of a (possibly invalid) JSON document, for a best-effort
 * view of a document in the middle of an edit.
 */
export function scanStrings(text: string): ScannedString[] {
  const out: ScannedString[] = [];
  let before: string | undefined;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      const s = readString(text, i);
      if (s === undefined) {
        // Skip to the end of the line: an unterminated string ends there in practice.
        const newline = text.indexOf('\n', i);
        i = newline < 0 ? text.length : newline + 1;
        before = undefined;
        continue;
      }
      let j = s.end;
      while (j < text.length && ' \t\r\n'.includes(text[j]!)) j++;
      out.push({ string: s, before, after: text[j] });
      before = '"';
      i = s.end;
      continue;
    }
    if (!' \t\r\n'.includes(c)) before = c;
    i++;
  }
  return out;
}

/**
 * The decoded index of a document offset inside a string: the character written at or
 * after `offset` (an offset inside an escape maps to that escaped character).
 */
export function decodedIndex(string: JsonString, offset: number): number {
  const { offsets } = string;
  let low = 0;
  let high = offsets.length - 1;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (offsets[mid]! < offset) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** The document offset of decoded index `index` (clamped to the string's content). */
export function documentOffset(string: JsonString, index: number): number {
  return string.offsets[Math.max(0, Math.min(index, string.offsets.length - 1))]!;
}

/** Escapes text for inclusion in a JSON string (without the quotes). */
export function escapeJsonString(value: string): string {
  return JSON.stringify(value).slice(1, -1);
}
