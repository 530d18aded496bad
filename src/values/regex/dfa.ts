/**
 * A lazy DFA over the Pike VM's program, for `is_match` (Rust's `Regex::is_match`): the
 * question `matches` asks. States are built on demand from sets of NFA instructions and cached
 * per regex in a transition table over byte classes, so each input byte costs one table
 * lookup once the states it needs exist. The cache has a fixed byte budget; when it is full
 * it is cleared and rebuilt as the search goes on, so memory stays bounded and time stays
 * linear in the input (at worst one state construction, O(program), per byte — the Pike VM's
 * bound).
 *
 * Look-around: a state remembers what precedes its position (start of text, `\n`, `\r`, an
 * ASCII word byte, anything else) and the transition on the next byte knows what follows, so
 * every assertion with one byte of context on each side is decided exactly: `^`, `$`, the
 * multi-line anchors in LF and CRLF modes, and the ASCII word boundaries. Unicode word
 * boundaries need a whole code point on each side and stay on the Pike VM
 * ({@link dfaSupports}).
 *
 * @module
 */

import type { Hir, Look } from './hir.js';
import { byteTarget, type Program } from './pikevm.js';

/** What precedes a position (or follows it): the only facts the supported assertions read. */
const enum Context {
  /** Start of text (as a predecessor) or end of text (as a successor). */
  Edge = 0,
  LineFeed = 1,
  CarriageReturn = 2,
  Word = 3,
  Other = 4,
}

const CONTEXTS = 5;

function contextOf(byte: number): Context {
  if (byte === 0x0a) return Context.LineFeed;
  if (byte === 0x0d) return Context.CarriageReturn;
  if ((byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || byte === 0x5f || (byte >= 0x61 && byte <= 0x7a)) return Context.Word;
  return Context.Other;
}

/** Decides an assertion from the contexts before and after the position. */
function lookHolds(look: Look, before: Context, after: Context): boolean {
  switch (look) {
    case 'start':
      return before === Context.Edge;
    case 'end':
      return after === Context.Edge;
    case 'startLF':
      return before === Context.Edge || before === Context.LineFeed;
    case 'endLF':
      return after === Context.Edge || after === Context.LineFeed;
    case 'startCRLF':
      return before === Context.Edge || before === Context.LineFeed || (before === Context.CarriageReturn && after !== Context.LineFeed);
    case 'endCRLF':
      return after === Context.Edge || after === Context.CarriageReturn || (after === Context.LineFeed && before !== Context.CarriageReturn);
    case 'wordAscii':
      return (before === Context.Word) !== (after === Context.Word);
    case 'wordAsciiNegate':
      return (before === Context.Word) === (after === Context.Word);
    case 'wordStartAscii':
      return before !== Context.Word && after === Context.Word;
    case 'wordEndAscii':
      return before === Context.Word && after !== Context.Word;
    case 'wordStartHalfAscii':
      return before !== Context.Word;
    case 'wordEndHalfAscii':
      return after !== Context.Word;
    default:
      // Unicode boundaries: refused by dfaSupports before a DFA is built.
      throw new Error(`internal: the DFA cannot decide ${look}`);
  }
}

const UNICODE_LOOKS: ReadonlySet<Look> = new Set<Look>([
  'wordUnicode',
  'wordUnicodeNegate',
  'wordStartUnicode',
  'wordEndUnicode',
  'wordStartHalfUnicode',
  'wordEndHalfUnicode',
]);

/** Whether the DFA can run a pattern: every assertion in it needs one byte of context at most. */
export function dfaSupports(h: Hir): boolean {
  switch (h.kind) {
    case 'look':
      return !UNICODE_LOOKS.has(h.look);
    case 'repeat':
    case 'capture':
      return dfaSupports(h.sub);
    case 'concat':
    case 'alternation':
      return h.subs.every(dfaSupports);
    default:
      return true;
  }
}

/** Default byte budget of one regex's state cache (transition tables and state sets). */
export const DEFAULT_DFA_CACHE_BYTES = 256 * 1024;

/** Cache clears in one search after which a DFA building states quickly gives up. */
export const GIVE_UP_RESETS = 3;
/** Fewer bytes than this per state built (since the search began) counts as quickly. */
const MIN_BYTES_PER_STATE = 10;
/** Bytes searched without the cache after it thrashed, before the cache is tried again. */
export const UNCACHED_BYTES = 4096;

const UNKNOWN = -1;
const MATCH = -2;
const DEAD = -3;

/**
 * A lazy DFA answering "does the pattern match anywhere in this binary string?". Immutable
 * from the outside; its cache fills as inputs are searched.
 */
export class LazyDfa {
  private readonly insts: Program['insts'];
  private readonly start: number;
  /** Byte → equivalence class (bytes no instruction or assertion tells apart share one). */
  private readonly classOf: Uint16Array;
  /** A byte of each class, to evaluate transitions with. */
  private readonly representative: number[];
  /** Classes plus one column for the end of the input. */
  private readonly stride: number;
  /** Byte budget of the cache, and what it holds now. */
  private readonly budget: number;
  private used = 0;
  /** True when no thread started after the first position can ever progress (`^…`). */
  private readonly startDiesAfterFirst: boolean;

  // The cache. State 0 … n-1; `table[state * stride + class]` is the next state, MATCH, DEAD
  // or UNKNOWN.
  private table: Int32Array;
  private roots: Int32Array[] = [];
  private before: Context[] = [];
  private ids = new Map<string, number>();
  /** The start state (position 0), once built. */
  private initial = UNKNOWN;

  // Scratch for closures: a generation mark per instruction.
  private readonly mark: Uint32Array;
  private generation = 0;
  private readonly stack: number[] = [];

  constructor(program: Program, cacheBytes = DEFAULT_DFA_CACHE_BYTES) {
    this.insts = program.insts;
    this.start = program.start;
    this.mark = new Uint32Array(this.insts.length);
    const { classOf, representative } = byteClasses(program);
    this.classOf = classOf;
    this.representative = representative;
    this.stride = representative.length + 1;
    // At least a few states, however small the budget (a search needs two at a time).
    this.budget = Math.max(cacheBytes, 8 * (this.stride * 4 + 96));
    this.table = new Int32Array(this.stride * 16).fill(UNKNOWN);
    let dies = true;
    for (const before of [Context.LineFeed, Context.CarriageReturn, Context.Word, Context.Other]) {
      for (let after = 0; after < CONTEXTS && dies; after++) {
        const { consuming, matched } = this.closure(EMPTY, true, before, after);
        if (matched || consuming.length > 0) dies = false;
      }
    }
    this.startDiesAfterFirst = dies;
  }

  /**
   * Whether the pattern matches anywhere in `input` (a binary string: one char per byte).
   *
   * When the cache is cleared {@link GIVE_UP_RESETS} times in one search while a state is
   * built every few bytes, the pattern has more live states than the cache holds, and building
   * (keying, interning) states costs more than stepping the NFA set itself. The search then
   * goes on without the cache — the same set of instructions stepped byte by byte, the Pike
   * VM's work without its thread bookkeeping — for {@link UNCACHED_BYTES} bytes, and then tries
   * the cache again: a pattern whose states settle (`.{1,1000}x` after its first thousand bytes)
   * gets the cached speed back.
   */
  test(input: string): boolean {
    const classOf = this.classOf;
    const stride = this.stride;
    if (this.initial === UNKNOWN) this.initial = this.intern(EMPTY, Context.Edge);
    let state = this.initial;
    let i = 0;
    while (i < input.length) {
      this.resets = 0;
      this.built = 0;
      const start = i;
      let thrashing = false;
      for (; i < input.length; i++) {
        const column = classOf[input.charCodeAt(i)];
        let next = this.table[state * stride + column];
        if (next < 0) {
          if (next === MATCH) return true;
          if (next === DEAD) return false;
          next = this.transition(state, column);
          if (next === MATCH) return true;
          if (next === DEAD) return false;
          if (this.resets >= GIVE_UP_RESETS && i - start < this.built * MIN_BYTES_PER_STATE) thrashing = true;
        }
        state = next;
        if (thrashing) {
          i++;
          break;
        }
      }
      if (!thrashing) break;
      // Uncached: step the instruction set directly, then rebuild a cache from where it ends.
      let roots = this.roots[state];
      let before = this.before[state];
      const end = Math.min(input.length, i + UNCACHED_BYTES);
      for (; i < end; i++) {
        const byte = input.charCodeAt(i);
        const { consuming, matched } = this.closure(roots, true, before, contextOf(byte));
        if (matched) return true;
        const targets = this.step(consuming, byte);
        if (targets.length === 0 && this.startDiesAfterFirst) return false;
        roots = Int32Array.from(targets).sort();
        before = contextOf(byte);
      }
      this.reset();
      state = this.intern(roots, before);
    }
    let last = this.table[state * stride + stride - 1];
    if (last === UNKNOWN) last = this.transition(state, stride - 1);
    return last === MATCH;
  }

  /** Cache clears and states built during the current run of the cached search. */
  private resets = 0;
  private built = 0;

  /** The instructions the byte-consuming ones of `consuming` move to on `byte`, each once. */
  private step(consuming: readonly number[], byte: number): number[] {
    const targets: number[] = [];
    const seen = this.nextMark();
    for (const pc of consuming) {
      const target = byteTarget(this.insts[pc], byte);
      if (target >= 0 && this.mark[target] !== seen) {
        this.mark[target] = seen;
        targets.push(target);
      }
    }
    return targets;
  }

  /** Computes (and caches) the move from `state` on a class (`stride - 1` = end of input). */
  private transition(state: number, column: number): number {
    const atEnd = column === this.stride - 1;
    const byte = atEnd ? -1 : this.representative[column];
    const before = this.before[state];
    const roots = this.roots[state];
    const { consuming, matched } = this.closure(roots, true, before, atEnd ? Context.Edge : contextOf(byte));
    let next: number;
    if (matched) {
      next = MATCH;
    } else if (atEnd) {
      next = DEAD;
    } else {
      const targets = this.step(consuming, byte);
      if (targets.length === 0 && this.startDiesAfterFirst) {
        next = DEAD;
      } else {
        targets.sort((a, b) => a - b);
        const after = contextOf(byte);
        const key = stateKey(targets, after);
        const known = this.ids.get(key);
        if (known !== undefined) {
          next = known;
        } else {
          if (this.used + this.stateCost(targets.length, key) > this.budget) {
            // The cache is full: start a new one holding the state we are in.
            this.reset();
            state = this.intern(roots, before);
          }
          next = this.intern(Int32Array.from(targets), after);
        }
      }
    }
    this.table[state * this.stride + column] = next;
    return next;
  }

  /** Approximate bytes a state takes: its table row, its instruction set and its key. */
  private stateCost(roots: number, key: string): number {
    return this.stride * 4 + roots * 4 + key.length * 2 + 96;
  }

  /** The id of the state (roots, context before), adding it to the cache if new. */
  private intern(roots: Int32Array, before: Context): number {
    const key = stateKey(roots, before);
    const known = this.ids.get(key);
    if (known !== undefined) return known;
    const id = this.roots.length;
    if ((id + 1) * this.stride > this.table.length) {
      const grown = new Int32Array((id + 1) * 2 * this.stride).fill(UNKNOWN);
      grown.set(this.table);
      this.table = grown;
    }
    this.roots.push(roots);
    this.before.push(before);
    this.ids.set(key, id);
    this.used += this.stateCost(roots.length, key);
    this.built++;
    return id;
  }

  private reset(): void {
    this.resets++;
    this.table = new Int32Array(this.stride * 16).fill(UNKNOWN);
    this.roots = [];
    this.before = [];
    this.ids = new Map();
    this.used = 0;
    this.initial = UNKNOWN;
  }

  /** A fresh generation of the instruction marks (for one closure or one step). */
  private nextMark(): number {
    if (++this.generation === 0xffffffff) {
      this.mark.fill(0);
      this.generation = 1;
    }
    return this.generation;
  }

  /**
   * The instructions reachable without consuming a byte from `roots` (and from the program's
   * start: the search is unanchored), deciding assertions from the contexts around the
   * position. Returns the byte-consuming ones and whether a match is reached.
   */
  private closure(roots: Int32Array, withStart: boolean, before: Context, after: Context): { consuming: number[]; matched: boolean } {
    const insts = this.insts;
    const mark = this.mark;
    const generation = this.nextMark();
    const stack = this.stack;
    const consuming: number[] = [];
    let matched = false;
    for (let i = roots.length - 1; i >= 0; i--) stack.push(roots[i]);
    if (withStart) stack.push(this.start);
    while (stack.length > 0) {
      const pc = stack.pop()!;
      if (mark[pc] === generation) continue;
      mark[pc] = generation;
      const inst = insts[pc];
      switch (inst.op) {
        case 'empty':
        case 'save':
          stack.push(inst.next);
          break;
        case 'union':
          for (let k = inst.alts.length - 1; k >= 0; k--) stack.push(inst.alts[k]);
          break;
        case 'look':
          if (lookHolds(inst.look, before, after)) stack.push(inst.next);
          break;
        case 'range':
        case 'sparse':
          consuming.push(pc);
          break;
        case 'match':
          matched = true;
          break;
        default:
          break;
      }
    }
    return { consuming, matched };
  }
}

const EMPTY = new Int32Array(0);

/** The cache key of a state: its context before and its sorted instruction set. */
const stateKey = (roots: ArrayLike<number>, before: Context): string => `${before}:${Array.prototype.join.call(roots, ',')}`;


/**
 * Splits the 256 byte values into classes no instruction or assertion distinguishes: every
 * range boundary in the program, and the bytes the assertions look at (`\n`, `\r`, ASCII word
 * bytes).
 */
function byteClasses(program: Program): { classOf: Uint16Array; representative: number[] } {
  const cut = new Uint8Array(257);
  const boundary = (lo: number, hi: number): void => {
    cut[lo] = 1;
    cut[hi + 1] = 1;
  };
  for (const inst of program.insts) {
    if (inst.op === 'range') boundary(inst.lo, inst.hi);
    else if (inst.op === 'sparse') for (let k = 0; k < inst.table.length; k += 3) boundary(inst.table[k], inst.table[k + 1]);
  }
  for (const [lo, hi] of [
    [0x0a, 0x0a],
    [0x0d, 0x0d],
    [0x30, 0x39],
    [0x41, 0x5a],
    [0x5f, 0x5f],
    [0x61, 0x7a],
  ]) {
    boundary(lo, hi);
  }
  const classOf = new Uint16Array(256);
  const representative: number[] = [0];
  for (let byte = 0, cls = 0; byte < 256; byte++) {
    if (byte > 0 && cut[byte] === 1) {
      cls++;
      representative.push(byte);
    }
    classOf[byte] = cls;
  }
  return { classOf, representative };
}
