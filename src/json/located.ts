/**
 * The JSON reader of the CLI and the language server: a strict parser (it accepts what
 * `JSON.parse` accepts) that can remember where every value is in the text, and maps offsets
 * inside a string value through its escapes (`\"`, `\n`, `\u00e9`, …), so that a problem
 * found in a decoded string — a span of a rule's expression — is shown where it is written.
 *
 * The parser is iterative (an explicit stack, not recursion), so no input can overflow the
 * call stack, and it refuses nesting deeper than {@link MAX_JSON_DEPTH} with a syntax error:
 * what it returns is then safe for the recursive code that consumes it (`JSON.stringify`,
 * ruleset validation). While an editor's document is not valid JSON, {@link scanStrings}
 * still finds its string tokens.
 *
 * @module
 */
import { LineIndex, type LineColumn } from '../diagnostics/line-index.js';

/**
 * The deepest nesting of arrays and objects accepted. Rulesets need a handful of levels; the
 * limit keeps documents safe for recursive consumers and is reported as a syntax error.
 */
export const MAX_JSON_DEPTH = 512;

/** Where one value is in the source text: offsets of its first character and one past its last. */
export interface ValueLocation {
  start: number;
  end: number;
  kind: 'object' | 'array' | 'string' | 'number' | 'literal';
}

/** A parsed JSON value with where it is in the source text, and its children. */
export interface JsonNode extends ValueLocation {
  /** The value as parsed (for an object or array: the object or array holding the children's values). */
  readonly value: unknown;
  /** An object's members by key (of duplicate keys the last wins, as in the value and in `JSON.parse`). */
  readonly members?: ReadonlyMap<string, JsonNode>;
  /** An array's elements. */
  readonly elements?: readonly JsonNode[];
}

/** A JSON syntax error with the offset (and line and column) where it was found. */
export class JsonSyntaxError extends Error {
  override name = 'JsonSyntaxError';
  /** 1-based line and column of {@link offset}. */
  readonly position: LineColumn;
  constructor(
    message: string,
    readonly offset: number,
    position?: LineColumn,
  ) {
    super(message);
    this.position = position ?? { line: 1, column: offset + 1 };
  }
}

/**
 * Parses JSON text like `JSON.parse` (a leading BOM is skipped; `__proto__` is a plain key),
 * without recording locations; throws {@link JsonSyntaxError} with a line and column on
 * invalid JSON or nesting deeper than {@link MAX_JSON_DEPTH}.
 */
export function parseJson(text: string): unknown {
  return new Parser(text, false).document().value;
}

/**
 * Parses JSON text like {@link parseJson}, and returns its top value as a {@link JsonNode}:
 * the location of every value under it.
 */
export function parseJsonNodes(text: string): JsonNode {
  return new Parser(text, true).document().node!;
}

/**
 * For a string token `text[start, end)` (quotes included): the source offset of every UTF-16
 * unit of the decoded string, plus one entry for the end (the closing quote).
 */
export function decodedOffsets(text: string, start: number, end: number): number[] {
  const offsets: number[] = [];
  let i = start + 1;
  const close = end - 1;
  while (i < close) {
    offsets.push(i);
    if (text.charCodeAt(i) === 92 /* \ */) i += text[i + 1] === 'u' ? 6 : 2;
    else i += 1;
  }
  offsets.push(close);
  return offsets;
}

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

/** The {@link JsonString} of a string value parsed from `text`, with its offset map. */
export function jsonString(text: string, node: JsonNode & { kind: 'string' }): JsonString {
  return { kind: 'string', start: node.start, end: node.end, value: node.value as string, offsets: decodedOffsets(text, node.start, node.end) };
}

/**
 * Reads the string starting at `start` (a `"`). Returns the token, or `undefined` when it
 * is not a valid JSON string (unterminated, bad escape, raw control character).
 */
export function readString(text: string, start: number): JsonString | undefined {
  const decoded = decodeString(text, start);
  if ('problem' in decoded) return undefined;
  return { kind: 'string', start, end: decoded.end, value: decoded.value, offsets: decodedOffsets(text, start, decoded.end) };
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
  let lines: LineIndex | undefined;
  let before: string | undefined;
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      const s = readString(text, i);
      if (s === undefined) {
        // Skip to the next line: an unterminated string ends there in practice.
        lines ??= new LineIndex(text);
        i = lines.lineStart(lines.line(i) + 1);
        before = undefined;
        continue;
      }
      let j = s.end;
      while (j < text.length && isSpace(text.charCodeAt(j))) j++;
      out.push({ string: s, before, after: text[j] });
      before = '"';
      i = s.end;
      continue;
    }
    if (!isSpace(c)) before = text[i];
    i++;
  }
  return out;
}

/** JSON whitespace: space, tab, line feed, carriage return. */
const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13;

const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** Why a string token is not valid JSON, and the offset to report. */
interface StringProblem {
  problem: string;
  offset: number;
}

/**
 * Decodes the string token at `start` (a `"`): its value and the offset after its closing
 * quote, or what makes it invalid. Runs of plain characters are taken as slices, escapes one
 * by one: the language server parses a whole Rulesets document (often above a megabyte) for
 * each version it validates, and a character-by-character build took most of that time.
 */
function decodeString(text: string, start: number): { value: string; end: number } | StringProblem {
  let out = '';
  let i = start + 1;
  for (;;) {
    let j = i;
    while (j < text.length) {
      const c = text.charCodeAt(j);
      if (c === 34 /* " */ || c === 92 /* \ */ || c < 0x20) break;
      j++;
    }
    if (j >= text.length) return { problem: 'unterminated string', offset: start };
    const c = text.charCodeAt(j);
    if (c === 34 /* " */) return { value: out + text.slice(i, j), end: j + 1 };
    if (c < 0x20) return { problem: 'control character in a string (use an escape such as \\n)', offset: j };
    out += text.slice(i, j);
    const e = text[j + 1];
    if (e === 'u') {
      const hex = text.slice(j + 2, j + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) return { problem: 'invalid \\u escape', offset: j };
      out += String.fromCharCode(parseInt(hex, 16));
      i = j + 6;
    } else if (e !== undefined && e in ESCAPES) {
      out += ESCAPES[e];
      i = j + 2;
    } else return { problem: `invalid escape \\${e ?? ''}`, offset: j };
  }
}

const NUMBER = /-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;

/** A node while it is built (its end is known when it closes). */
type Building = { -readonly [K in keyof JsonNode]: JsonNode[K] } & { members?: Map<string, JsonNode>; elements?: JsonNode[] };

/** An object or array being parsed: an entry of the parser's explicit stack. */
interface Container {
  /** The object being filled, or undefined for an array. */
  object: Record<string, unknown> | undefined;
  array: unknown[] | undefined;
  /** The key of the member whose value comes next (objects). */
  key: string;
  node: Building | undefined;
}

class Parser {
  private i = 0;

  /** `track`: build a {@link JsonNode} for every value (locations), not only the value. */
  constructor(
    private readonly text: string,
    private readonly track: boolean,
  ) {}

  /**
   * Parses the whole text. Iterative: containers being filled are on `stack`, so the depth of
   * the input never reaches the call stack.
   */
  document(): { value: unknown; node: JsonNode | undefined } {
    const t = this.text;
    if (t.charCodeAt(0) === 0xfeff) this.i = 1;
    const stack: Container[] = [];
    let value: unknown;
    let node: JsonNode | undefined;
    for (;;) {
      // At the start of a value.
      this.space();
      const start = this.i;
      const c = t.charCodeAt(start);
      if (c === 123 /* { */ || c === 91 /* [ */) {
        if (stack.length >= MAX_JSON_DEPTH) this.fail(`nested deeper than ${MAX_JSON_DEPTH} levels of arrays and objects`);
        const isObject = c === 123;
        const object: Record<string, unknown> | undefined = isObject ? {} : undefined;
        const array: unknown[] | undefined = isObject ? undefined : [];
        const container: Container = {
          object,
          array,
          key: '',
          node: this.track
            ? { start, end: start, kind: isObject ? 'object' : 'array', value: object ?? array, ...(isObject ? { members: new Map() } : { elements: [] }) }
            : undefined,
        };
        this.i++;
        this.space();
        if (t.charCodeAt(this.i) !== (isObject ? 125 /* } */ : 93) /* ] */) {
          stack.push(container);
          if (isObject) this.memberKey(container);
          continue;
        }
        this.i++;
        value = object ?? array;
        node = this.close(container);
      } else {
        let kind: ValueLocation['kind'];
        if (c === 34 /* " */) {
          kind = 'string';
          value = this.string();
        } else if (c === 45 /* - */ || (c >= 48 && c <= 57)) {
          kind = 'number';
          value = this.number();
        } else {
          kind = 'literal';
          value = this.literal();
        }
        node = this.track ? { start, end: this.i, kind, value } : undefined;
      }
      // A value is complete: add it to its container, and close every container that ends here.
      for (;;) {
        const top = stack[stack.length - 1];
        if (top === undefined) {
          this.space();
          if (this.i < t.length) this.fail(`unexpected ${this.describe()} after the JSON value`);
          return { value, node };
        }
        this.add(top, value, node);
        this.space();
        const d = t.charCodeAt(this.i);
        if (d === 44 /* , */) {
          this.i++;
          if (top.object !== undefined) this.memberKey(top);
          break;
        }
        if (d === (top.object !== undefined ? 125 /* } */ : 93) /* ] */) {
          this.i++;
          stack.pop();
          value = top.object ?? top.array;
          node = this.close(top);
          continue;
        }
        this.fail(top.object !== undefined ? `expected \`,\` or \`}\` in the object, found ${this.describe()}` : `expected \`,\` or \`]\` in the array, found ${this.describe()}`);
      }
    }
  }

  /** Reads `"key" :` of the next member into `container.key`. */
  private memberKey(container: Container): void {
    this.space();
    if (this.text.charCodeAt(this.i) !== 34 /* " */) this.fail(`expected a property name in double quotes, found ${this.describe()}`);
    container.key = this.string();
    this.space();
    if (this.text.charCodeAt(this.i) !== 58 /* : */) this.fail(`expected \`:\` after the property name, found ${this.describe()}`);
    this.i++;
  }

  private add(container: Container, value: unknown, node: JsonNode | undefined): void {
    if (container.object !== undefined) {
      // `__proto__` is the one accessor of Object.prototype: assigning it would set the prototype,
      // so it is defined as a plain property (other keys are assigned: much faster).
      if (container.key === '__proto__') Object.defineProperty(container.object, container.key, { value, enumerable: true, writable: true, configurable: true });
      else container.object[container.key] = value;
      if (node !== undefined) container.node!.members!.set(container.key, node);
    } else {
      container.array!.push(value);
      if (node !== undefined) container.node!.elements!.push(node);
    }
  }

  /** Ends a container's node after its closing bracket. */
  private close(container: Container): JsonNode | undefined {
    if (container.node !== undefined) container.node.end = this.i;
    return container.node;
  }

  private fail(message: string, offset = this.i): never {
    throw new JsonSyntaxError(message, offset, new LineIndex(this.text).position(offset));
  }

  private describe(): string {
    if (this.i >= this.text.length) return 'end of input';
    return `character ${JSON.stringify(this.text[this.i])}`;
  }

  private space(): void {
    const t = this.text;
    while (this.i < t.length && isSpace(t.charCodeAt(this.i))) this.i++;
  }

  private string(): string {
    const decoded = decodeString(this.text, this.i);
    if ('problem' in decoded) this.fail(decoded.problem, decoded.offset);
    this.i = decoded.end;
    return decoded.value;
  }

  private number(): number {
    NUMBER.lastIndex = this.i;
    const match = NUMBER.exec(this.text);
    if (match === null) this.fail('invalid number');
    this.i += match[0].length;
    return Number(match[0]);
  }

  private literal(): unknown {
    for (const [word, value] of [['true', true], ['false', false], ['null', null]] as const) {
      if (this.text.startsWith(word, this.i)) {
        this.i += word.length;
        return value;
      }
    }
    return this.fail(`unexpected ${this.describe()}`);
  }
}
