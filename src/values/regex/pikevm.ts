/**
 * A Thompson NFA and Pike VM over bytes with Rust `regex-automata`'s exact
 * semantics (leftmost-first, priorities, every `Look` assertion).
 *
 * The same program drives the lazy DFA (`dfa.ts`), which answers `test`;
 * this VM finds the leftmost-first match with its capture groups (`exec`),
 * and runs `test` too for patterns the DFA cannot (Unicode word boundaries).
 * Like RE2's NFA it is linear in the input (time O(input × program)).
 *
 * The program is built with the same shapes as Rust's Thompson compiler
 * (`x{n,m}` = n copies followed by m-n nested optional copies, and so on),
 * so match positions and capture groups are Rust's.
 *
 * @module
 */

import type { Hir, Look } from './hir.js';
import { contains, type Ranges } from './intervals.js';
import { isMatchEmpty } from './size.js';
import { perlWord } from './unicode.js';
import { utf8Trie, type Utf8TrieNode } from './utf8trie.js';

type Inst =
  | { op: 'empty'; next: number }
  | { op: 'range'; lo: number; hi: number; next: number }
  /** Disjoint ranges: `table[3k] … table[3k+1]` → `table[3k+2]`. */
  | { op: 'sparse'; table: number[] }
  /** Alternates in priority order; `reverse` unions get new alternates prepended. */
  | { op: 'union'; alts: number[]; reverse: boolean }
  | { op: 'save'; slot: number; next: number }
  | { op: 'look'; look: Look; next: number }
  | { op: 'match' }
  | { op: 'fail' };

interface Ref {
  readonly start: number;
  readonly end: number;
}

class Compiler {
  readonly prog: Inst[] = [];

  private add(inst: Inst): number {
    this.prog.push(inst);
    return this.prog.length - 1;
  }

  private empty(): number {
    return this.add({ op: 'empty', next: -1 });
  }

  private union(greedy: boolean): number {
    return this.add({ op: 'union', alts: [], reverse: !greedy });
  }

  private patch(from: number, to: number): void {
    const inst = this.prog[from];
    switch (inst.op) {
      case 'empty':
      case 'range':
      case 'save':
      case 'look':
        inst.next = to;
        break;
      case 'union':
        if (inst.reverse) inst.alts.unshift(to);
        else inst.alts.push(to);
        break;
      default:
        // `fail` and `match` have no successor.
        break;
    }
  }

  c(h: Hir): Ref {
    switch (h.kind) {
      case 'empty': {
        const e = this.empty();
        return { start: e, end: e };
      }
      case 'literal': {
        if (h.bytes.length === 0) return this.c({ kind: 'empty' });
        let start = -1;
        let prev = -1;
        for (const byte of h.bytes) {
          const s = this.add({ op: 'range', lo: byte, hi: byte, next: -1 });
          if (prev < 0) start = s;
          else this.patch(prev, s);
          prev = s;
        }
        return { start, end: prev };
      }
      case 'byteClass':
        return this.byteClass(h.ranges);
      case 'unicodeClass': {
        if (h.ranges.length === 0) return this.byteClass([]);
        const end = this.empty();
        return { start: this.trie(utf8Trie(h.ranges), end), end };
      }
      case 'look': {
        const l = this.add({ op: 'look', look: h.look, next: -1 });
        return { start: l, end: l };
      }
      case 'capture': {
        const s = this.add({ op: 'save', slot: 2 * h.index, next: -1 });
        const inner = this.c(h.sub);
        const e = this.add({ op: 'save', slot: 2 * h.index + 1, next: -1 });
        this.patch(s, inner.start);
        this.patch(inner.end, e);
        return { start: s, end: e };
      }
      case 'concat':
        return this.concat(h.subs.map((s) => () => this.c(s)));
      case 'alternation': {
        const u = this.union(true);
        const end = this.empty();
        for (const sub of h.subs) {
          const r = this.c(sub);
          this.patch(u, r.start);
          this.patch(r.end, end);
        }
        return { start: u, end };
      }
      case 'repeat':
        return this.repeat(h);
    }
  }

  private byteClass(ranges: Ranges): Ref {
    if (ranges.length === 0) {
      const f = this.add({ op: 'fail' });
      return { start: f, end: f };
    }
    if (ranges.length === 2) {
      const r = this.add({ op: 'range', lo: ranges[0], hi: ranges[1], next: -1 });
      return { start: r, end: r };
    }
    const end = this.empty();
    const table: number[] = [];
    for (let i = 0; i < ranges.length; i += 2) table.push(ranges[i], ranges[i + 1], end);
    return { start: this.add({ op: 'sparse', table }), end };
  }

  private trie(node: Utf8TrieNode, end: number): number {
    const table: number[] = [];
    const edges = [...node.edges].sort((a, b) => a.lo - b.lo);
    for (const e of edges) table.push(e.lo, e.hi, e.next === undefined ? end : this.trie(e.next, end));
    return this.add({ op: 'sparse', table });
  }

  private concat(parts: (() => Ref)[]): Ref {
    if (parts.length === 0) return this.c({ kind: 'empty' });
    const first = parts[0]();
    let end = first.end;
    for (let i = 1; i < parts.length; i++) {
      const r = parts[i]();
      this.patch(end, r.start);
      end = r.end;
    }
    return { start: first.start, end };
  }

  private exactly(sub: Hir, n: number): Ref {
    return this.concat(Array.from({ length: n }, () => () => this.c(sub)));
  }

  private repeat(h: Hir & { kind: 'repeat' }): Ref {
    const { min, max, greedy, sub } = h;
    if (min === 0 && max === 1) {
      const u = this.union(greedy);
      const r = this.c(sub);
      const e = this.empty();
      this.patch(u, r.start);
      this.patch(u, e);
      this.patch(r.end, e);
      return { start: u, end: e };
    }
    if (max === undefined) {
      if (min === 0) {
        if (!isMatchEmpty(sub)) {
          const u = this.union(greedy);
          const r = this.c(sub);
          this.patch(u, r.start);
          this.patch(r.end, u);
          return { start: u, end: u };
        }
        // `(a*)*`-like: keep the loop from spinning on the empty match.
        const r = this.c(sub);
        const plus = this.union(greedy);
        this.patch(r.end, plus);
        this.patch(plus, r.start);
        const question = this.union(greedy);
        const e = this.empty();
        this.patch(question, r.start);
        this.patch(question, e);
        this.patch(plus, e);
        return { start: question, end: e };
      }
      if (min === 1) {
        const r = this.c(sub);
        const u = this.union(greedy);
        this.patch(r.end, u);
        this.patch(u, r.start);
        return { start: r.start, end: u };
      }
      const prefix = this.exactly(sub, min - 1);
      const last = this.c(sub);
      const u = this.union(greedy);
      this.patch(prefix.end, last.start);
      this.patch(last.end, u);
      this.patch(u, last.start);
      return { start: prefix.start, end: u };
    }
    const prefix = this.exactly(sub, min);
    if (min === max) return prefix;
    const e = this.empty();
    let prevEnd = prefix.end;
    for (let i = min; i < max; i++) {
      const u = this.union(greedy);
      const r = this.c(sub);
      this.patch(prevEnd, u);
      this.patch(u, r.start);
      this.patch(u, e);
      prevEnd = r.end;
    }
    this.patch(prevEnd, e);
    return { start: prefix.start, end: e };
  }
}

/** The instruction a byte-consuming instruction moves to on `byte` (-1: none; also at the end, byte -1). */
export function byteTarget(inst: Inst, byte: number): number {
  if (inst.op === 'range') return byte >= inst.lo && byte <= inst.hi ? inst.next : -1;
  if (inst.op === 'sparse') {
    const t = inst.table;
    for (let k = 0; k < t.length; k += 3) {
      if (byte < t[k]) break;
      if (byte <= t[k + 1]) return t[k + 2];
    }
  }
  return -1;
}

/** A compiled NFA program. */
export interface Program {
  readonly insts: readonly Inst[];
  readonly start: number;
  /** Number of capture slots (2 per group, group 0 included). */
  readonly slots: number;
}

/** Compiles HIR (with `captureCount` groups) into a Pike VM program. */
export function compileProgram(h: Hir, captureCount: number): Program {
  const c = new Compiler();
  const whole = c.c({ kind: 'capture', index: 0, sub: h });
  const m = c.prog.length;
  c.prog.push({ op: 'match' });
  // Patch the end of the whole-match capture to the match state.
  const endInst = c.prog[whole.end];
  if (endInst.op === 'save') endInst.next = m;
  return { insts: c.prog, start: whole.start, slots: 2 * (captureCount + 1) };
}

// ---------------------------------------------------------------------------
// Look-around predicates over the binary string (one char per byte).

function isWordByte(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || (c >= 0x61 && c <= 0x7a);
}

/** Decodes the UTF-8 scalar starting at `i`, or -1 if invalid/absent. */
function decodeFwd(h: string, i: number): number {
  if (i >= h.length) return -1;
  const b0 = h.charCodeAt(i);
  if (b0 < 0x80) return b0;
  let len: number;
  let cp: number;
  let min: number;
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    len = 2;
    cp = b0 & 0x1f;
    min = 0x80;
  } else if (b0 >= 0xe0 && b0 <= 0xef) {
    len = 3;
    cp = b0 & 0x0f;
    min = 0x800;
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    len = 4;
    cp = b0 & 0x07;
    min = 0x10000;
  } else {
    return -1;
  }
  if (i + len > h.length) return -1;
  for (let k = 1; k < len; k++) {
    const b = h.charCodeAt(i + k);
    if ((b & 0xc0) !== 0x80) return -1;
    cp = (cp << 6) | (b & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return -1;
  return cp;
}

/** Decodes the UTF-8 scalar ending just before `at`, or -1 if invalid/absent. */
function decodeRev(h: string, at: number): number {
  if (at <= 0) return -1;
  const last = h.charCodeAt(at - 1);
  if (last < 0x80) return last;
  const lowest = Math.max(0, at - 4);
  let start = at - 1;
  while (start > lowest && (h.charCodeAt(start) & 0xc0) === 0x80) start--;
  const cp = decodeFwd(h, start);
  if (cp < 0) return -1;
  const width = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  return start + width === at ? cp : -1;
}

let unicodeWord: Ranges | undefined;

function isWordScalar(cp: number): boolean {
  if (cp < 0) return false;
  if (cp < 0x80) return isWordByte(cp);
  unicodeWord ??= perlWord();
  return contains(unicodeWord, cp);
}

function lookMatches(look: Look, h: string, at: number): boolean {
  const n = h.length;
  switch (look) {
    case 'start':
      return at === 0;
    case 'end':
      return at === n;
    case 'startLF':
      return at === 0 || h.charCodeAt(at - 1) === 0x0a;
    case 'endLF':
      return at === n || h.charCodeAt(at) === 0x0a;
    case 'startCRLF':
      return (
        at === 0 ||
        h.charCodeAt(at - 1) === 0x0a ||
        (h.charCodeAt(at - 1) === 0x0d && (at === n || h.charCodeAt(at) !== 0x0a))
      );
    case 'endCRLF':
      return (
        at === n ||
        h.charCodeAt(at) === 0x0d ||
        (h.charCodeAt(at) === 0x0a && (at === 0 || h.charCodeAt(at - 1) !== 0x0d))
      );
    default:
      break;
  }
  if (look.endsWith('Ascii') || look === 'wordAscii' || look === 'wordAsciiNegate') {
    const before = at > 0 && isWordByte(h.charCodeAt(at - 1));
    const after = at < n && isWordByte(h.charCodeAt(at));
    switch (look) {
      case 'wordAscii':
        return before !== after;
      case 'wordAsciiNegate':
        return before === after;
      case 'wordStartAscii':
        return !before && after;
      case 'wordEndAscii':
        return before && !after;
      case 'wordStartHalfAscii':
        return !before;
      case 'wordEndHalfAscii':
        return !after;
      default:
        return false;
    }
  }
  // Unicode word boundaries (regex-automata's LookMatcher). Invalid UTF-8
  // counts as a non-word character, except that \B and the half boundaries
  // never match next to invalid UTF-8, so they cannot split a code point.
  switch (look) {
    case 'wordUnicode':
      return isWordScalar(decodeRev(h, at)) !== isWordScalar(decodeFwd(h, at));
    case 'wordStartUnicode':
      return !isWordScalar(decodeRev(h, at)) && isWordScalar(decodeFwd(h, at));
    case 'wordEndUnicode':
      return isWordScalar(decodeRev(h, at)) && !isWordScalar(decodeFwd(h, at));
    case 'wordUnicodeNegate': {
      let before = false;
      if (at > 0) {
        const cp = decodeRev(h, at);
        if (cp < 0) return false;
        before = isWordScalar(cp);
      }
      let after = false;
      if (at < n) {
        const cp = decodeFwd(h, at);
        if (cp < 0) return false;
        after = isWordScalar(cp);
      }
      return before === after;
    }
    case 'wordStartHalfUnicode': {
      if (at === 0) return true;
      const cp = decodeRev(h, at);
      return cp >= 0 && !isWordScalar(cp);
    }
    case 'wordEndHalfUnicode': {
      if (at === n) return true;
      const cp = decodeFwd(h, at);
      return cp >= 0 && !isWordScalar(cp);
    }
    default:
      return false;
  }
}

// ---------------------------------------------------------------------------
// The VM.

/** A list of threads: a sparse set of program counters plus their capture slots. */
class ThreadList {
  readonly dense: Int32Array;
  readonly sparse: Int32Array;
  readonly caps: Int32Array;
  size = 0;

  constructor(
    n: number,
    readonly slots: number,
  ) {
    this.dense = new Int32Array(n);
    this.sparse = new Int32Array(n);
    this.caps = new Int32Array(n * Math.max(slots, 1));
  }

  has(pc: number): boolean {
    const i = this.sparse[pc];
    return i < this.size && this.dense[i] === pc;
  }

  insert(pc: number): number {
    const i = this.size++;
    this.dense[i] = pc;
    this.sparse[pc] = i;
    return i;
  }
}

/**
 * Runs the program over a binary string. With `slots` the leftmost-first
 * match's capture slots are returned (-1 = unset); without, returns as soon
 * as any match is certain.
 */
export function pikeSearch(prog: Program, h: string, wantCaptures: boolean): Int32Array | undefined {
  const insts = prog.insts;
  const n = insts.length;
  const slots = wantCaptures ? prog.slots : 0;
  let clist = new ThreadList(n, slots);
  let nlist = new ThreadList(n, slots);
  const scratch = new Int32Array(Math.max(slots, 1)).fill(-1);
  // Explicit DFS stack: pc >= 0 explores; pc < 0 restores slot (-pc - 1) to `value`.
  const stackPc: number[] = [];
  const stackVal: number[] = [];
  let matched: Int32Array | undefined;

  // Assertions are decided once per position, not once per thread: a Unicode word boundary
  // decodes a code point on each side, and hundreds of threads may ask at one position.
  const lookCache = new Map<Look, boolean>();
  let lookCacheAt = -1;
  const lookAt = (look: Look, at: number): boolean => {
    if (at !== lookCacheAt) {
      lookCache.clear();
      lookCacheAt = at;
    }
    let known = lookCache.get(look);
    if (known === undefined) {
      known = lookMatches(look, h, at);
      lookCache.set(look, known);
    }
    return known;
  };

  const addThread = (list: ThreadList, pc0: number, at: number): void => {
    stackPc.push(pc0);
    stackVal.push(0);
    while (stackPc.length > 0) {
      const pc = stackPc.pop() as number;
      const val = stackVal.pop() as number;
      if (pc < 0) {
        scratch[-pc - 1] = val;
        continue;
      }
      if (list.has(pc)) continue;
      const idx = list.insert(pc);
      const inst = insts[pc];
      switch (inst.op) {
        case 'empty':
          stackPc.push(inst.next);
          stackVal.push(0);
          break;
        case 'union':
          // Push in reverse so the highest-priority alternate is explored first.
          for (let k = inst.alts.length - 1; k >= 0; k--) {
            stackPc.push(inst.alts[k]);
            stackVal.push(0);
          }
          break;
        case 'save':
          if (inst.slot < slots) {
            stackPc.push(-inst.slot - 1);
            stackVal.push(scratch[inst.slot]);
            scratch[inst.slot] = at;
          }
          stackPc.push(inst.next);
          stackVal.push(0);
          break;
        case 'look':
          if (lookAt(inst.look, at)) {
            stackPc.push(inst.next);
            stackVal.push(0);
          }
          break;
        default: {
          // Byte-consuming, match and fail states keep a copy of the captures (a plain loop:
          // a subarray per thread allocated more than the search itself did).
          const caps = list.caps;
          const base = idx * slots;
          for (let k = 0; k < slots; k++) caps[base + k] = scratch[k];
          break;
        }
      }
    }
  };

  for (let at = 0; at <= h.length; at++) {
    if (matched === undefined) {
      // Unanchored search: a new thread starts here with the lowest priority.
      if (slots > 0) scratch.fill(-1);
      addThread(clist, prog.start, at);
    } else if (clist.size === 0) {
      break;
    }
    const byte = at < h.length ? h.charCodeAt(at) : -1;
    for (let i = 0; i < clist.size; i++) {
      const pc = clist.dense[i];
      const inst = insts[pc];
      let next = -1;
      switch (inst.op) {
        case 'range':
        case 'sparse':
          next = byteTarget(inst, byte);
          break;
        case 'match':
          if (slots === 0) return new Int32Array(0);
          matched = clist.caps.slice(i * slots, i * slots + slots);
          // Lower-priority threads can no longer win.
          i = clist.size;
          continue;
        default:
          break;
      }
      if (next >= 0) {
        const caps = clist.caps;
        const base = i * slots;
        for (let k = 0; k < slots; k++) scratch[k] = caps[base + k];
        addThread(nlist, next, at + 1);
      }
    }
    const t = clist;
    clist = nlist;
    nlist = t;
    nlist.size = 0;
  }
  return matched;
}
