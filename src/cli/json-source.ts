/**
 * A small JSON parser that remembers where every value is in the file, so that problems found
 * in a ruleset (a JSON path such as `rules[2].action_parameters.response.status_code`, or a
 * span inside a rule's expression) can be reported at a line and column of the file. Offsets
 * inside a string value are mapped through its escapes (`\"`, `\n`, `\u00e9`, …).
 *
 * @module
 */

/** Where one value is in the source text: offsets of its first character and one past its last. */
export interface ValueLocation {
  start: number;
  end: number;
  kind: 'object' | 'array' | 'string' | 'number' | 'literal';
}

/** A position in a text file: 1-based line and 1-based column in UTF-16 code units. */
export interface Position {
  line: number;
  column: number;
}

/** A range of a text file. */
export interface Region {
  start: Position;
  end: Position;
  /** Offsets in the text. */
  startOffset: number;
  endOffset: number;
}

/** A JSON syntax error with the offset where it was found. */
export class JsonSyntaxError extends Error {
  override name = 'JsonSyntaxError';
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** Appends a key to a JSON path the way ruleset problems spell paths: `a.b`, `a[0]`. */
export function joinPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent === '' ? key : `${parent}.${key}`;
}

/** The parent of a JSON path (`a.b[2]` → `a.b`, `a` → ``), or undefined for the root. */
export function parentPath(path: string): string | undefined {
  if (path === '') return undefined;
  const bracket = path.endsWith(']') ? path.lastIndexOf('[') : -1;
  const dot = path.lastIndexOf('.');
  const cut = Math.max(bracket, dot);
  return cut < 0 ? '' : path.slice(0, cut);
}

/** A parsed JSON document with the location of every value by JSON path. */
export class JsonSource {
  readonly value: unknown;
  private readonly locations = new Map<string, ValueLocation>();
  private lineStarts: number[] | undefined;

  /** Parses `text`; throws {@link JsonSyntaxError} with an offset on invalid JSON. */
  constructor(readonly text: string) {
    const parser = new Parser(text, this.locations);
    this.value = parser.document();
  }

  /** Location of the value at `path` (`''` is the whole document). */
  location(path: string): ValueLocation | undefined {
    return this.locations.get(path);
  }

  /** Location of the value at `path`, or of its nearest ancestor that exists. */
  nearest(path: string): { path: string; location: ValueLocation } | undefined {
    let current: string | undefined = path;
    while (current !== undefined) {
      const location = this.locations.get(current);
      if (location !== undefined) return { path: current, location };
      current = parentPath(current);
    }
    return undefined;
  }

  /** 1-based line and column (UTF-16 code units) of an offset. */
  position(offset: number): Position {
    const starts = (this.lineStarts ??= lineStarts(this.text));
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - starts[low]! + 1 };
  }

  /** The region between two offsets. */
  region(startOffset: number, endOffset: number): Region {
    return { start: this.position(startOffset), end: this.position(endOffset), startOffset, endOffset };
  }

  /**
   * The file region of a span of a string value's decoded text (UTF-16 offsets, as diagnostics
   * count them), e.g. the `http.hots` of an expression. Undefined if `path` is not a string.
   */
  stringRegion(path: string, start: number, end: number): Region | undefined {
    const location = this.locations.get(path);
    if (location === undefined || location.kind !== 'string') return undefined;
    const map = decodedOffsets(this.text, location.start, location.end);
    const at = (i: number) => map[Math.max(0, Math.min(i, map.length - 1))]!;
    return this.region(at(start), at(Math.max(start, end)));
  }
}

/** Offsets where each line starts (`\n`, `\r\n` and lone `\r` end lines). */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) starts.push(i + 1);
    else if (c === 13 && text.charCodeAt(i + 1) !== 10) starts.push(i + 1);
  }
  return starts;
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

const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

const NUMBER = /-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;

class Parser {
  private i = 0;

  constructor(
    private readonly text: string,
    private readonly locations: Map<string, ValueLocation>,
  ) {}

  document(): unknown {
    if (this.text.charCodeAt(0) === 0xfeff) this.i = 1;
    this.space();
    const value = this.value('');
    this.space();
    if (this.i < this.text.length) this.fail(`unexpected ${this.describe()} after the JSON value`);
    return value;
  }

  private fail(message: string, offset = this.i): never {
    throw new JsonSyntaxError(message, offset);
  }

  private describe(): string {
    if (this.i >= this.text.length) return 'end of input';
    return `character ${JSON.stringify(this.text[this.i])}`;
  }

  private space(): void {
    const t = this.text;
    while (this.i < t.length) {
      const c = t.charCodeAt(this.i);
      if (c === 32 || c === 9 || c === 10 || c === 13) this.i++;
      else break;
    }
  }

  private value(path: string): unknown {
    const start = this.i;
    const c = this.text[this.i];
    let value: unknown;
    let kind: ValueLocation['kind'];
    if (c === '{') {
      kind = 'object';
      value = this.object(path);
    } else if (c === '[') {
      kind = 'array';
      value = this.array(path);
    } else if (c === '"') {
      kind = 'string';
      value = this.string();
    } else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
      kind = 'number';
      value = this.number();
    } else {
      kind = 'literal';
      value = this.literal();
    }
    this.locations.set(path, { start, end: this.i, kind });
    return value;
  }

  private object(path: string): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    this.i++;
    this.space();
    if (this.text[this.i] === '}') {
      this.i++;
      return result;
    }
    for (;;) {
      this.space();
      if (this.text[this.i] !== '"') this.fail(`expected a property name in double quotes, found ${this.describe()}`);
      const key = this.string();
      this.space();
      if (this.text[this.i] !== ':') this.fail(`expected \`:\` after the property name, found ${this.describe()}`);
      this.i++;
      this.space();
      const value = this.value(joinPath(path, key));
      Object.defineProperty(result, key, { value, enumerable: true, writable: true, configurable: true });
      this.space();
      const c = this.text[this.i];
      if (c === ',') {
        this.i++;
        continue;
      }
      if (c === '}') {
        this.i++;
        return result;
      }
      this.fail(`expected \`,\` or \`}\` in the object, found ${this.describe()}`);
    }
  }

  private array(path: string): unknown[] {
    const result: unknown[] = [];
    this.i++;
    this.space();
    if (this.text[this.i] === ']') {
      this.i++;
      return result;
    }
    for (;;) {
      this.space();
      result.push(this.value(joinPath(path, result.length)));
      this.space();
      const c = this.text[this.i];
      if (c === ',') {
        this.i++;
        continue;
      }
      if (c === ']') {
        this.i++;
        return result;
      }
      this.fail(`expected \`,\` or \`]\` in the array, found ${this.describe()}`);
    }
  }

  private string(): string {
    const t = this.text;
    const start = this.i;
    this.i++;
    let out = '';
    let run = this.i;
    for (;;) {
      if (this.i >= t.length) this.fail('unterminated string', start);
      const c = t.charCodeAt(this.i);
      if (c === 34 /* " */) {
        out += t.slice(run, this.i);
        this.i++;
        return out;
      }
      if (c < 0x20) this.fail('control character in a string (use an escape such as \\n)');
      if (c === 92 /* \ */) {
        out += t.slice(run, this.i);
        const e = t[this.i + 1];
        if (e === 'u') {
          const hex = t.slice(this.i + 2, this.i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('invalid \\u escape');
          out += String.fromCharCode(parseInt(hex, 16));
          this.i += 6;
        } else if (e !== undefined && e in ESCAPES) {
          out += ESCAPES[e];
          this.i += 2;
        } else this.fail(`invalid escape \\${e ?? ''}`);
        run = this.i;
        continue;
      }
      this.i++;
    }
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
