/**
 * HIR → `re2js` pattern over binary strings.
 *
 * The input of every match is a "binary string": one JS char per byte
 * (0–255). The emitted pattern therefore speaks only in code points
 * 0x00–0xFF and leaves nothing for re2js to interpret with Unicode
 * semantics:
 *
 * - every non-alphanumeric byte is written `\x{HH}`; classes are explicit
 *   byte ranges (negations are computed beforehand, never `[^…]`);
 * - `.`, `\w`, `\d`, `\s` never reach re2js (they are byte classes by now);
 * - case-insensitivity was expanded into classes, so re2js's own (Unicode)
 *   case folding, which would pair byte 0xE9 with 0xC9, is never enabled;
 * - Unicode classes become alternations of UTF-8 byte-range sequences;
 * - `^`/`$` become `\A`/`\z` or `(?m:^)`/`(?m:$)`, whose RE2 semantics
 *   equal Rust's.
 *
 * RE2 refuses counted repetitions above 1000 and nested counted repetitions
 * whose product exceeds 1000, both of which Rust accepts (only its size
 * limit applies). Such repetitions are legalised here by splitting them into
 * consecutive chunks, see {@link Emitter.repeat}.
 *
 * @module
 */

import type { Hir, Look } from './hir.js';
import { unsupportedError } from './errors.js';
import { utf8Trie, type Utf8TrieNode } from './utf8trie.js';

/** RE2's limit for a counted repetition and for the product of nested ones. */
const RE2_REPEAT_LIMIT = 1000;

/** A class that can never match (RE2 has no empty-class syntax). */
const FAIL = '[^\\x{0}-\\x{10FFFF}]';

const WORD = '[0-9A-Z_a-z]';

/** Output of {@link emitPattern}. */
export interface EmittedPattern {
  /** The re2js pattern. */
  readonly pattern: string;
  /**
   * For Rust group `i` (1-based), the re2js groups that hold its copies, in
   * pattern order (more than one when a repetition had to be unrolled).
   */
  readonly groupMap: readonly (readonly number[])[];
  /** Whether the pattern uses look-behind (needs re2js's `LOOKBEHINDS` flag). */
  readonly lookbehind: boolean;
}

interface Piece {
  readonly text: string;
  /** True when a quantifier may follow `text` directly. */
  readonly atom: boolean;
}

function hexByte(b: number): string {
  if ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a)) {
    return String.fromCharCode(b);
  }
  return `\\x{${b.toString(16)}}`;
}

function byteClass(ranges: readonly number[]): Piece {
  if (ranges.length === 0) return { text: FAIL, atom: true };
  if (ranges.length === 2 && ranges[0] === ranges[1]) return { text: hexByte(ranges[0]), atom: true };
  let s = '[';
  for (let i = 0; i < ranges.length; i += 2) {
    s += ranges[i] === ranges[i + 1] ? hexByte(ranges[i]) : `${hexByte(ranges[i])}-${hexByte(ranges[i + 1])}`;
  }
  return { text: `${s}]`, atom: true };
}

const trieTexts = new WeakMap<Utf8TrieNode, Piece>();

function trieText(node: Utf8TrieNode): Piece {
  const cached = trieTexts.get(node);
  if (cached !== undefined) return cached;
  const piece = trieTextUncached(node);
  trieTexts.set(node, piece);
  return piece;
}

function trieTextUncached(node: Utf8TrieNode): Piece {
  const alts = node.edges.map((e) => {
    const head = byteClass([e.lo, e.hi]).text;
    if (e.next === undefined) return { text: head, atom: true };
    return { text: head + trieText(e.next).text, atom: false };
  });
  if (alts.length === 0) return { text: FAIL, atom: true };
  if (alts.length === 1) return alts[0];
  return { text: `(?:${alts.map((a) => a.text).join('|')})`, atom: true };
}

function wrap(p: Piece): string {
  return p.atom ? p.text : `(?:${p.text})`;
}

function countCaptures(h: Hir): number {
  switch (h.kind) {
    case 'capture':
      return 1 + countCaptures(h.sub);
    case 'repeat':
      return countCaptures(h.sub);
    case 'concat':
    case 'alternation':
      return h.subs.reduce((n, s) => n + countCaptures(s), 0);
    default:
      return 0;
  }
}

class Emitter {
  private nextGroup = 1;
  lookbehind = false;
  readonly groupMap: number[][];
  /** Cached text of capture-free sub-trees per budget (they are re-emitted when unrolled). */
  private readonly memo = new Map<Hir, Map<number, Piece>>();
  private readonly needMemo = new Map<Hir, number>();
  private readonly capturesMemo = new Map<Hir, number>();

  constructor(captureCount: number) {
    this.groupMap = Array.from({ length: captureCount + 1 }, () => []);
  }

  private captures(h: Hir): number {
    let n = this.capturesMemo.get(h);
    if (n === undefined) {
      n = countCaptures(h);
      this.capturesMemo.set(h, n);
    }
    return n;
  }

  /**
   * The smallest repetition budget at which `h` can be written with native
   * counted repetitions (the product of nested counts along a path, capped
   * just above RE2's limit).
   */
  private need(h: Hir): number {
    const cached = this.needMemo.get(h);
    if (cached !== undefined) return cached;
    let n: number;
    switch (h.kind) {
      case 'repeat': {
        const inner = this.need(h.sub);
        const k = h.max ?? h.min;
        const isSimple = h.max === undefined ? h.min <= 1 : h.min === 0 && h.max === 1;
        n = isSimple || k <= 1 ? inner : Math.min(RE2_REPEAT_LIMIT + 1, k * inner);
        break;
      }
      case 'capture':
        n = this.need(h.sub);
        break;
      case 'concat':
      case 'alternation':
        n = h.subs.reduce((m, s) => Math.max(m, this.need(s)), 1);
        break;
      default:
        n = 1;
    }
    this.needMemo.set(h, n);
    return n;
  }

  emit(h: Hir, budget: number): Piece {
    if (this.captures(h) === 0) {
      let perBudget = this.memo.get(h);
      if (perBudget === undefined) this.memo.set(h, (perBudget = new Map()));
      let p = perBudget.get(budget);
      if (p === undefined) {
        p = this.emitUncached(h, budget);
        perBudget.set(budget, p);
      }
      return p;
    }
    return this.emitUncached(h, budget);
  }

  private emitUncached(h: Hir, budget: number): Piece {
    switch (h.kind) {
      case 'empty':
        return { text: '(?:)', atom: true };
      case 'literal':
        if (h.bytes.length === 1) return { text: hexByte(h.bytes[0]), atom: true };
        return { text: h.bytes.map(hexByte).join(''), atom: false };
      case 'byteClass':
        return byteClass(h.ranges);
      case 'unicodeClass':
        if (h.ranges.length === 0) return { text: FAIL, atom: true };
        return trieText(utf8Trie(h.ranges));
      case 'look':
        return { text: this.look(h), atom: false };
      case 'capture': {
        const re2Index = this.nextGroup++;
        this.groupMap[h.index].push(re2Index);
        return { text: `(${this.emit(h.sub, budget).text})`, atom: true };
      }
      case 'concat':
        // Alternations are always emitted inside `(?:…)`, so plain juxtaposition is safe.
        return { text: h.subs.map((s) => this.emit(s, budget).text).join(''), atom: false };
      case 'alternation':
        return { text: `(?:${h.subs.map((s) => this.emit(s, budget).text).join('|')})`, atom: true };
      case 'repeat':
        return this.repeat(h, budget);
    }
  }

  private look(h: Hir & { kind: 'look' }): string {
    const look: Look = h.look;
    switch (look) {
      case 'start':
        return '\\A';
      case 'end':
        return '\\z';
      case 'startLF':
        return '(?m:^)';
      case 'endLF':
        return '(?m:$)';
      case 'wordAscii':
        return '\\b';
      case 'wordAsciiNegate':
        return '\\B';
      // The special word boundaries need to see the previous byte; re2js
      // supports (linear-time) look-behind for exactly this.
      case 'wordStartAscii':
        this.lookbehind = true;
        return `\\b(?<!${WORD})`;
      case 'wordEndAscii':
        this.lookbehind = true;
        return `\\b(?<=${WORD})`;
      case 'wordStartHalfAscii':
        this.lookbehind = true;
        return `(?<!${WORD})`;
      case 'wordEndHalfAscii':
        this.lookbehind = true;
        return `(?:\\b(?<=${WORD})|\\B(?<!${WORD}))`;
      case 'startCRLF':
      case 'endCRLF':
        throw unsupportedError('a multi-line anchor in CRLF mode ((?mR) with ^ or $)', h.span);
      default:
        // wordUnicode, wordUnicodeNegate and the Unicode special boundaries
        // must decode the UTF-8 character after the position: RE2 has no
        // look-ahead to express that.
        throw unsupportedError('a Unicode word boundary ((?u) with \\b, \\B, \\< or \\>)', h.span);
    }
  }

  /** Capture placeholders for `x{0}`: keeps group numbering without compiling `x`. */
  private zeroRepeat(sub: Hir): Piece {
    const walk = (h: Hir): void => {
      switch (h.kind) {
        case 'capture':
          this.groupMap[h.index].push(this.nextGroup++);
          walk(h.sub);
          break;
        case 'repeat':
          walk(h.sub);
          break;
        case 'concat':
        case 'alternation':
          h.subs.forEach(walk);
          break;
        default:
          break;
      }
    };
    const n = this.captures(sub);
    walk(sub);
    return { text: `(?:${'()'.repeat(n)}){0}`, atom: false };
  }

  /**
   * Emits `sub{min,max}`. Within RE2's limits the quantifier is kept as is.
   * Otherwise it is unrolled into consecutive chunks: `x{2500}` becomes
   * `x{1000}x{1000}x{500}` and `x{0,2500}` becomes `x{0,1000}x{0,1000}x{0,500}`,
   * each chunk small enough for the budget left by enclosing repetitions.
   * The unrolled form matches the same language (so `test` is exact); for a
   * sub-expression of variable length the capture positions reported by
   * `exec` could differ from Rust's in contrived cases, because the chunks
   * prefer filling earlier chunks rather than a longer total.
   */
  private repeat(h: Hir & { kind: 'repeat' }, budget: number): Piece {
    const { min, max, sub } = h;
    const lazy = h.greedy ? '' : '?';
    if (max === 0) return this.zeroRepeat(sub);
    if (max === undefined && min <= 1) {
      return { text: `${wrap(this.emit(sub, budget))}${min === 0 ? '*' : '+'}${lazy}`, atom: false };
    }
    if (min === 0 && max === 1) return { text: `${wrap(this.emit(sub, budget))}?${lazy}`, atom: false };
    if (min === 1 && max === 1) return this.emit(sub, budget);
    const k = max ?? min;
    if (min <= RE2_REPEAT_LIMIT && (max ?? 0) <= RE2_REPEAT_LIMIT && k <= budget) {
      const inner = wrap(this.emit(sub, Math.floor(budget / k)));
      const q = max === undefined ? `{${min},}` : min === max ? `{${min}}` : `{${min},${max}}`;
      return { text: `${inner}${q}${lazy}`, atom: false };
    }
    const chunk = Math.max(1, Math.min(RE2_REPEAT_LIMIT, Math.floor(budget / this.need(sub))));
    const parts: string[] = [];
    for (let left = min; left > 0; ) {
      const take = Math.min(chunk, left);
      parts.push(
        take === 1
          ? this.emit(sub, budget).text
          : `${wrap(this.emit(sub, Math.floor(budget / take)))}{${take}}`,
      );
      left -= take;
    }
    if (max === undefined) {
      parts.push(`${wrap(this.emit(sub, budget))}*${lazy}`);
    } else {
      for (let left = max - min; left > 0; ) {
        const take = Math.min(chunk, left);
        parts.push(
          take === 1
            ? `${wrap(this.emit(sub, budget))}?${lazy}`
            : `${wrap(this.emit(sub, Math.floor(budget / take)))}{0,${take}}${lazy}`,
        );
        left -= take;
      }
    }
    return { text: parts.join(''), atom: false };
  }
}

/**
 * Translates HIR into a re2js pattern.
 *
 * @throws {RegexError} (kind `Unsupported`) for assertions RE2 cannot express.
 */
export function emitPattern(h: Hir, captureCount: number): EmittedPattern {
  const e = new Emitter(captureCount);
  const piece = e.emit(h, RE2_REPEAT_LIMIT);
  return { pattern: piece.text, groupMap: e.groupMap, lookbehind: e.lookbehind };
}
