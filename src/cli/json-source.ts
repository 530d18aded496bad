/**
 * A small JSON parser that remembers where every value is in the file, so that problems found
 * in a ruleset (a JSON path such as `rules[2].action_parameters.response.status_code`, or a
 * span inside a rule's expression) can be reported at a line and column of the file. Offsets
 * inside a string value are mapped through its escapes (`\"`, `\n`, `\u00e9`, …).
 *
 * The parser is iterative (an explicit stack, not recursion), so no input can overflow the
 * call stack, and it refuses nesting deeper than {@link MAX_JSON_DEPTH} with a syntax error:
 * what it returns is then safe for the recursive code that consumes it (`JSON.stringify`,
 * ruleset validation). Values are located by structure ({@link JsonSource.node}); joined path
 * strings are only resolved for the problem paths the library reports.
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

/**
 * The deepest nesting of arrays and objects accepted. Rulesets need a handful of levels; the
 * limit keeps documents safe for recursive consumers and is reported as a syntax error.
 */
export const MAX_JSON_DEPTH = 512;

/** A JSON syntax error with the offset (and line and column) where it was found. */
export class JsonSyntaxError extends Error {
  override name = 'JsonSyntaxError';
  /** 1-based line and column of {@link offset}. */
  readonly position: Position;
  constructor(
    message: string,
    readonly offset: number,
    position?: Position,
  ) {
    super(message);
    this.position = position ?? { line: 1, column: offset + 1 };
  }
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

/**
 * Parses JSON text like `JSON.parse` (a leading BOM is skipped; `__proto__` is a plain key),
 * without recording locations; throws {@link JsonSyntaxError} with a line and column on
 * invalid JSON or nesting deeper than {@link MAX_JSON_DEPTH}.
 */
export function parseJson(text: string): unknown {
  return new Parser(text, false).document().value;
}

/**
 * Work (characters hashed, steps) one path resolution may do: far more than any ruleset path
 * needs, and a bound when keys that read alike make the search branch.
 */
const RESOLVE_BUDGET = 1_000_000;

/** A parsed JSON document with the location of every value. */
export class JsonSource {
  readonly value: unknown;
  /** The document's top value with every location under it. */
  readonly root: JsonNode;
  private lineStarts: number[] | undefined;

  /** Parses `text`; throws {@link JsonSyntaxError} with an offset on invalid JSON. */
  constructor(readonly text: string) {
    const { value, node } = new Parser(text, true).document();
    this.value = value;
    this.root = node!;
  }

  /**
   * The value at a path given as keys and indexes (`['rules', 0, 'expression']`): exact, unlike
   * a joined path string, in which a key literally named `rules[0].expression` reads the same.
   */
  node(segments: readonly (string | number)[]): JsonNode | undefined {
    let node: JsonNode | undefined = this.root;
    for (const segment of segments) {
      if (node === undefined) return undefined;
      node = typeof segment === 'number' ? node.elements?.[segment] : node.members?.get(segment);
    }
    return node;
  }

  /**
   * Location of the value at a joined path (`''` is the whole document), as the library spells
   * problem paths. Such a string can be ambiguous (keys may contain `.` or `[`): the reading
   * with the shortest keys wins — the structural one, `rules` → `[0]` → `expression`, over a
   * key literally named `rules[0].expression` — and longer keys are tried when it does not
   * exist. Code that knows the keys should use {@link node}.
   */
  location(path: string): JsonNode | undefined {
    const { node, at } = this.resolve(path);
    return at === path.length ? node : undefined;
  }

  /** Location of the value at `path`, or of its nearest ancestor that exists. */
  nearest(path: string): { path: string; location: ValueLocation } | undefined {
    const { node, at } = this.resolve(path);
    return { path: path.slice(0, at), location: node };
  }

  /**
   * The deepest value a joined path leads to, and where in `path` its part ends (the path's
   * length when all of it resolves). A depth-first search over the readings of the path, in
   * bounded work: keys and paths come from the file, and may be long.
   */
  private resolve(path: string): { node: JsonNode; at: number } {
    let budget = RESOLVE_BUDGET;
    let best = { node: this.root, at: 0 };
    const walk = (node: JsonNode, at: number): boolean => {
      if (at > best.at) best = { node, at };
      if (at === path.length) return true;
      if (--budget < 0) return false;
      if (node.elements !== undefined) {
        INDEX.lastIndex = at;
        const match = INDEX.exec(path);
        const child = match === null ? undefined : node.elements[Number(match[1])];
        return child !== undefined && walk(child, at + match![0].length);
      }
      if (node.members === undefined) return false;
      // A member's key starts the path at the root, else follows a `.`.
      const from = at === 0 ? 0 : path.charCodeAt(at) === 46 /* . */ ? at + 1 : -1;
      if (from < 0) return false;
      for (let end = from; end <= path.length; end++) {
        const c = path.charCodeAt(end);
        if (end < path.length && c !== 46 /* . */ && c !== 91 /* [ */) continue;
        budget -= end - from + 1; // the key is hashed
        if (budget < 0) return false;
        const child = node.members.get(path.slice(from, end));
        if (child !== undefined && walk(child, end)) return true;
      }
      return false;
    };
    walk(this.root, 0);
    return best;
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
   * count them), e.g. the `http.hots` of an expression. `at` is the string's node or its path;
   * undefined if that is not a string.
   */
  stringRegion(at: string | ValueLocation, start: number, end: number): Region | undefined {
    const location = typeof at === 'string' ? this.location(at) : at;
    if (location === undefined || location.kind !== 'string') return undefined;
    const map = decodedOffsets(this.text, location.start, location.end);
    const index = (i: number) => map[Math.max(0, Math.min(i, map.length - 1))]!;
    return this.region(index(start), index(Math.max(start, end)));
  }
}

/** `[<digits>]` at a position of a joined path. */
const INDEX = /\[(\d+)\]/y;

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

/** 1-based line and column of one offset (lines end as in {@link lineStarts}). */
export function positionAt(text: string, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  const stop = Math.min(offset, text.length);
  for (let i = 0; i < stop; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
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
    throw new JsonSyntaxError(message, offset, positionAt(this.text, offset));
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
