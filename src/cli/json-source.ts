/**
 * Where the values of a JSON file are, for the CLI's reports: problems found in a ruleset
 * (a JSON path such as `rules[2].action_parameters.response.status_code`, or a span inside a
 * rule's expression) are shown at a line and column of the file. The JSON reader itself is
 * `src/json/located.ts`, shared with the language server; values are located by structure
 * ({@link JsonSource.node}), and joined path strings are only resolved for the problem paths
 * the library reports.
 *
 * @module
 */
import { LineIndex, type LineColumn } from '../index.js';
import { decodedOffsets, type JsonNode, parseJsonNodes, type ValueLocation } from '../json/located.js';

// The reader's names that CLI modules and tests import from here; new code imports them from
// `src/json/located.ts`.
export { decodedOffsets, JsonSyntaxError, MAX_JSON_DEPTH, parseJson } from '../json/located.js';

/** A position in a text file: 1-based line and 1-based column in UTF-16 code units. */
export type Position = LineColumn;

/** A range of a text file. */
export interface Region {
  start: Position;
  end: Position;
  /** Offsets in the text. */
  startOffset: number;
  endOffset: number;
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
 * Work (characters hashed, steps) one path resolution may do: far more than any ruleset path
 * needs, and a bound when keys that read alike make the search branch.
 */
const RESOLVE_BUDGET = 1_000_000;

/** A parsed JSON document with the location of every value. */
export class JsonSource {
  readonly value: unknown;
  /** The document's top value with every location under it. */
  readonly root: JsonNode;
  private lines: LineIndex | undefined;

  /** Parses `text`; throws {@link JsonSyntaxError} with an offset on invalid JSON. */
  constructor(readonly text: string) {
    this.root = parseJsonNodes(text);
    this.value = this.root.value;
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
    return (this.lines ??= new LineIndex(this.text)).position(offset);
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
