/**
 * High-level intermediate representation and the AST → HIR translator.
 *
 * This is where Rust's semantics for byte mode live (`regex-syntax`'s
 * `hir::translate` with `unicode(false)` and `utf8(false)`, the configuration
 * Cloudflare's engine uses):
 *
 * - Flags are resolved. As in Rust, an inline `(?i)` applies until the end of
 *   the enclosing group, including later alternation branches.
 * - Without `u`, every class is a set of bytes, `.` is any byte but `\n`,
 *   `\w`/`\d`/`\s`/`\b` are ASCII-only, `(?i)` folds ASCII letters only, and
 *   `\xHH` (exactly two digits) is the raw byte HH. A non-ASCII character
 *   written any other way (`é`, `\x{E9}`, `\u00E9`) is rejected with
 *   "Unicode not allowed here", in or outside a class.
 * - With `u`, classes are sets of scalar values that later compile to UTF-8
 *   byte sequences, and `(?i)` uses Unicode simple case folding.
 *
 * @module
 */

import type { Ast, AssertionKind, ClassBracketed, ClassSet, ClassSetItem, ClassUnicode, Flags, Literal, Span } from './ast.js';
import { regexError, unsupportedError } from './errors.js';
import {
  ALL_BYTES,
  ALL_SCALARS,
  asciiCaseFold,
  canonicalize,
  complement,
  difference,
  intersect,
  symmetricDifference,
  union,
  type Ranges,
} from './intervals.js';
import { flagState } from './parser.js';
import { perlDigit, perlSpace, perlWord, unicodeCaseFold, unicodeClass, utf8Bytes } from './unicode.js';

/** Zero-width assertions, as in `regex-automata`'s `Look`. */
export type Look =
  | 'start'
  | 'end'
  | 'startLF'
  | 'endLF'
  | 'startCRLF'
  | 'endCRLF'
  | 'wordAscii'
  | 'wordAsciiNegate'
  | 'wordUnicode'
  | 'wordUnicodeNegate'
  | 'wordStartAscii'
  | 'wordEndAscii'
  | 'wordStartUnicode'
  | 'wordEndUnicode'
  | 'wordStartHalfAscii'
  | 'wordEndHalfAscii'
  | 'wordStartHalfUnicode'
  | 'wordEndHalfUnicode';

/** A node of the HIR. All matching is defined over bytes. */
export type Hir =
  | { readonly kind: 'empty' }
  /** A fixed byte string. */
  | { readonly kind: 'literal'; readonly bytes: readonly number[] }
  /** One byte from a set (an empty set never matches). */
  | { readonly kind: 'byteClass'; readonly ranges: Ranges }
  /** One UTF-8 encoded scalar value from a set (an empty set never matches). */
  | { readonly kind: 'unicodeClass'; readonly ranges: Ranges }
  | { readonly kind: 'look'; readonly look: Look; readonly span: Span }
  | {
      readonly kind: 'repeat';
      readonly min: number;
      /** `undefined` = unbounded. */
      readonly max: number | undefined;
      readonly greedy: boolean;
      readonly sub: Hir;
    }
  | { readonly kind: 'capture'; readonly index: number; readonly sub: Hir }
  | { readonly kind: 'concat'; readonly subs: readonly Hir[] }
  | { readonly kind: 'alternation'; readonly subs: readonly Hir[] };

/** Active flags; `undefined` = not set (defaults apply). */
interface FlagSet {
  readonly i?: boolean;
  readonly m?: boolean;
  readonly s?: boolean;
  readonly U?: boolean;
  readonly u?: boolean;
  readonly R?: boolean;
}

const EMPTY_HIR: Hir = { kind: 'empty' };

/** Options of {@link translate}. */
export interface TranslateOptions {
  /**
   * Let non-ASCII literal characters outside classes match their UTF-8
   * encoding in byte mode, as Cloudflare's engine does (default). `false`
   * rejects them with Rust regex-syntax's "Unicode not allowed here".
   */
  readonly utf8Literals?: boolean;
}

class Translator {
  private flags: FlagSet = { u: false };

  constructor(private readonly options: TranslateOptions) {}

  private unicode(): boolean {
    return this.flags.u ?? true;
  }

  private caseInsensitive(): boolean {
    return this.flags.i ?? false;
  }

  /** Merges `(?…)` flags into the active set, returning the previous set. */
  private setFlags(f: Flags): FlagSet {
    const old = this.flags;
    const next: { -readonly [K in keyof FlagSet]: FlagSet[K] } = { ...old };
    for (const flag of ['i', 'm', 's', 'U', 'u', 'R'] as const) {
      const state = flagState(f, flag);
      if (state !== undefined) next[flag] = state;
    }
    this.flags = next;
    return old;
  }

  translate(ast: Ast): Hir {
    switch (ast.type) {
      case 'empty':
        return EMPTY_HIR;
      case 'flags':
        this.setFlags(ast.flags);
        return EMPTY_HIR;
      case 'literal':
        return this.literal(ast);
      case 'dot':
        return this.dot();
      case 'assertion':
        return { kind: 'look', look: this.look(ast.kind), span: ast.span };
      case 'classPerl':
        return this.unicode()
          ? { kind: 'unicodeClass', ranges: this.perlUnicode(ast.kind, ast.negated) }
          : { kind: 'byteClass', ranges: perlBytes(ast.kind, ast.negated) };
      case 'classUnicode':
        return { kind: 'unicodeClass', ranges: this.unicodeProperty(ast) };
      case 'classBracketed':
        return this.unicode()
          ? { kind: 'unicodeClass', ranges: this.bracketedUnicode(ast) }
          : { kind: 'byteClass', ranges: this.bracketedBytes(ast) };
      case 'repetition': {
        const sub = this.translate(ast.ast);
        const k = ast.op.kind;
        const [min, max] =
          k.type === 'zeroOrOne' ? [0, 1] : k.type === 'zeroOrMore' ? [0, undefined] : k.type === 'oneOrMore' ? [1, undefined] : [k.min, k.max];
        const greedy = this.flags.U === true ? !ast.greedy : ast.greedy;
        return repetition(min, max, greedy, sub);
      }
      case 'group': {
        const old = ast.kind.type === 'nonCapturing' ? this.setFlags(ast.kind.flags) : this.flags;
        const sub = this.translate(ast.ast);
        this.flags = old;
        return ast.kind.type === 'nonCapturing' ? sub : { kind: 'capture', index: ast.kind.index, sub };
      }
      case 'concat': {
        const subs: Hir[] = [];
        for (const a of ast.asts) {
          const h = this.translate(a);
          if (h.kind !== 'empty') subs.push(h);
        }
        return concat(subs);
      }
      case 'alternation':
        // Flags set inside a branch stay active in the following branches,
        // because Rust only restores flags when a group closes.
        return { kind: 'alternation', subs: ast.asts.map((a) => this.translate(a)) };
    }
  }

  /** Rust's `ast_literal_to_scalar`: a raw byte, or a scalar value. */
  private scalar(lit: Literal): { byte: number } | { char: number } {
    if (this.unicode()) return { char: lit.c };
    if (lit.kind === 'hexFixedX' && lit.c > 0x7f) return { byte: lit.c };
    return { char: lit.c };
  }

  private literal(lit: Literal): Hir {
    const s = this.scalar(lit);
    if ('byte' in s) return { kind: 'literal', bytes: [s.byte] };
    const c = s.char;
    if (!this.unicode() && c > 0x7f) {
      if (this.options.utf8Literals === false) throw regexError('UnicodeNotAllowed', lit.span);
      return { kind: 'literal', bytes: utf8Bytes(c) };
    }
    if (this.caseInsensitive()) {
      if (this.unicode()) {
        const folded = unicodeCaseFold([c, c]);
        if (folded.length > 2 || folded[0] !== folded[1]) return { kind: 'unicodeClass', ranges: folded };
      } else if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) {
        return { kind: 'byteClass', ranges: asciiCaseFold([c, c]) };
      }
    }
    return { kind: 'literal', bytes: utf8Bytes(c) };
  }

  private dot(): Hir {
    const s = this.flags.s ?? false;
    const crlf = this.flags.R ?? false;
    const excluded: Ranges = s ? [] : crlf ? [0x0a, 0x0a, 0x0d, 0x0d] : [0x0a, 0x0a];
    return this.unicode()
      ? { kind: 'unicodeClass', ranges: difference(ALL_SCALARS, excluded) }
      : { kind: 'byteClass', ranges: difference(ALL_BYTES, excluded) };
  }

  private look(kind: AssertionKind): Look {
    const unicode = this.unicode();
    const multiLine = this.flags.m ?? false;
    const crlf = this.flags.R ?? false;
    switch (kind) {
      case 'startLine':
        return multiLine ? (crlf ? 'startCRLF' : 'startLF') : 'start';
      case 'endLine':
        return multiLine ? (crlf ? 'endCRLF' : 'endLF') : 'end';
      case 'startText':
        return 'start';
      case 'endText':
        return 'end';
      case 'wordBoundary':
        return unicode ? 'wordUnicode' : 'wordAscii';
      case 'notWordBoundary':
        return unicode ? 'wordUnicodeNegate' : 'wordAsciiNegate';
      case 'wordBoundaryStart':
      case 'wordBoundaryStartAngle':
        return unicode ? 'wordStartUnicode' : 'wordStartAscii';
      case 'wordBoundaryEnd':
      case 'wordBoundaryEndAngle':
        return unicode ? 'wordEndUnicode' : 'wordEndAscii';
      case 'wordBoundaryStartHalf':
        return unicode ? 'wordStartHalfUnicode' : 'wordStartHalfAscii';
      case 'wordBoundaryEndHalf':
        return unicode ? 'wordEndHalfUnicode' : 'wordEndHalfAscii';
    }
  }

  private perlUnicode(kind: 'digit' | 'space' | 'word', negated: boolean): Ranges {
    const cls = kind === 'digit' ? perlDigit() : kind === 'space' ? perlSpace() : perlWord();
    // Already closed under simple case folding, so no folding here (as in Rust).
    return negated ? complement(cls, ALL_SCALARS) : cls;
  }

  private unicodeProperty(ast: ClassUnicode): Ranges {
    if (!this.unicode()) throw regexError('UnicodeNotAllowed', ast.span);
    const k = ast.kind;
    const result = unicodeClass(
      k.type === 'oneLetter'
        ? { type: 'oneLetter', letter: k.letter }
        : k.type === 'named'
          ? { type: 'named', name: k.name }
          : { type: 'namedValue', name: k.name, value: k.value },
    );
    if (result === 'propertyNotFound') throw regexError('UnicodePropertyNotFound', ast.span);
    if (result === 'propertyValueNotFound') throw regexError('UnicodePropertyValueNotFound', ast.span);
    if (!Array.isArray(result)) throw unsupportedError((result as { unsupported: string }).unsupported, ast.span);
    // `\P{x!=y}` is `\p{x=y}`.
    const negated = k.type === 'namedValue' && k.op === 'notEqual' ? !ast.negated : ast.negated;
    return this.unicodeFoldAndNegate(result as Ranges, negated);
  }

  private unicodeFoldAndNegate(cls: Ranges, negated: boolean): Ranges {
    // Fold before negating: `(?i)[^x]` must exclude both x and X.
    const folded = this.caseInsensitive() ? unicodeCaseFold(cls) : cls;
    return negated ? complement(folded, ALL_SCALARS) : folded;
  }

  private bytesFoldAndNegate(cls: Ranges, negated: boolean): Ranges {
    const folded = this.caseInsensitive() ? asciiCaseFold(cls) : cls;
    return negated ? complement(folded, ALL_BYTES) : folded;
  }

  // ---- bracketed classes, Unicode mode ----

  private bracketedUnicode(b: ClassBracketed): Ranges {
    return this.unicodeFoldAndNegate(this.setUnicode(b.set), b.negated);
  }

  private setUnicode(set: ClassSet): Ranges {
    if (set.type === 'item') return this.itemUnicode(set.item);
    let lhs = this.setUnicode(set.lhs);
    let rhs = this.setUnicode(set.rhs);
    if (this.caseInsensitive()) {
      lhs = unicodeCaseFold(lhs);
      rhs = unicodeCaseFold(rhs);
    }
    return setOp(set.op, lhs, rhs);
  }

  private itemUnicode(item: ClassSetItem): Ranges {
    switch (item.type) {
      case 'empty':
        return [];
      case 'literal':
        return [item.c, item.c];
      case 'range':
        return [item.start.c, item.end.c];
      case 'ascii':
        return this.unicodeFoldAndNegate(asciiClass(item.kind), item.negated);
      case 'classUnicode':
        return this.unicodeProperty(item);
      case 'classPerl':
        return this.perlUnicode(item.kind, item.negated);
      case 'classBracketed':
        return this.bracketedUnicode(item);
      case 'union': {
        let acc: Ranges = [];
        for (const it of item.items) acc = union(acc, this.itemUnicode(it));
        return acc;
      }
    }
  }

  // ---- bracketed classes, byte mode ----

  private bracketedBytes(b: ClassBracketed): Ranges {
    return this.bytesFoldAndNegate(this.setBytes(b.set), b.negated);
  }

  private setBytes(set: ClassSet): Ranges {
    if (set.type === 'item') return this.itemBytes(set.item);
    let lhs = this.setBytes(set.lhs);
    let rhs = this.setBytes(set.rhs);
    if (this.caseInsensitive()) {
      lhs = asciiCaseFold(lhs);
      rhs = asciiCaseFold(rhs);
    }
    return setOp(set.op, lhs, rhs);
  }

  /** Rust's `class_literal_byte`: bytes from `\xHH`, ASCII otherwise, else an error. */
  private classLiteralByte(lit: Literal): number {
    const s = this.scalar(lit);
    if ('byte' in s) return s.byte;
    if (s.char <= 0x7f) return s.char;
    throw regexError('UnicodeNotAllowed', lit.span);
  }

  private itemBytes(item: ClassSetItem): Ranges {
    switch (item.type) {
      case 'empty':
        return [];
      case 'literal': {
        const b = this.classLiteralByte(item);
        return [b, b];
      }
      case 'range':
        return [this.classLiteralByte(item.start), this.classLiteralByte(item.end)];
      case 'ascii':
        return this.bytesFoldAndNegate(asciiClass(item.kind), item.negated);
      case 'classUnicode':
        return this.unicodeProperty(item); // always throws "Unicode not allowed here" in byte mode
      case 'classPerl':
        return perlBytes(item.kind, item.negated);
      case 'classBracketed':
        return this.bracketedBytes(item);
      case 'union': {
        let acc: Ranges = [];
        for (const it of item.items) acc = union(acc, this.itemBytes(it));
        return acc;
      }
    }
  }
}

function setOp(op: 'intersection' | 'difference' | 'symmetricDifference', a: Ranges, b: Ranges): Ranges {
  switch (op) {
    case 'intersection':
      return intersect(a, b);
    case 'difference':
      return difference(a, b);
    case 'symmetricDifference':
      return symmetricDifference(a, b);
  }
}

/**
 * Rust's `Hir::repetition` smart constructor: a sub-expression that can only
 * match the empty string is repeated at most once, `x{0}` is the empty
 * expression (its groups keep their numbers but never match) and `x{1}` is
 * `x`.
 */
function repetition(min: number, max: number | undefined, greedy: boolean, sub: Hir): Hir {
  if (maxLenIsZero(sub)) {
    min = Math.min(min, 1);
    max = Math.min(max ?? 1, 1);
  }
  if (min === 1 && max === 1) return sub;
  return { kind: 'repeat', min, max, greedy, sub };
}

/** Whether `h` can only ever match the empty string (Rust: `maximum_len() == Some(0)`). */
function maxLenIsZero(h: Hir): boolean {
  switch (h.kind) {
    case 'empty':
    case 'look':
      return true;
    case 'literal':
      return h.bytes.length === 0;
    case 'byteClass':
    case 'unicodeClass':
      // An empty class never matches; Rust reports no maximum length for it.
      return false;
    case 'repeat':
      return h.max === 0 || maxLenIsZero(h.sub);
    case 'capture':
      return maxLenIsZero(h.sub);
    case 'concat':
      return h.subs.every(maxLenIsZero);
    case 'alternation':
      return h.subs.every(maxLenIsZero);
  }
}

function concat(subs: Hir[]): Hir {
  if (subs.length === 0) return EMPTY_HIR;
  if (subs.length === 1) return subs[0];
  return { kind: 'concat', subs };
}

/** The ASCII classes of `[[:name:]]`, shared by byte and Unicode mode. */
export function asciiClass(kind: string): Ranges {
  switch (kind) {
    case 'alnum':
      return [0x30, 0x39, 0x41, 0x5a, 0x61, 0x7a];
    case 'alpha':
      return [0x41, 0x5a, 0x61, 0x7a];
    case 'ascii':
      return [0x00, 0x7f];
    case 'blank':
      return [0x09, 0x09, 0x20, 0x20];
    case 'cntrl':
      return [0x00, 0x1f, 0x7f, 0x7f];
    case 'digit':
      return [0x30, 0x39];
    case 'graph':
      return [0x21, 0x7e];
    case 'lower':
      return [0x61, 0x7a];
    case 'print':
      return [0x20, 0x7e];
    case 'punct':
      return [0x21, 0x2f, 0x3a, 0x40, 0x5b, 0x60, 0x7b, 0x7e];
    case 'space':
      return [0x09, 0x0d, 0x20, 0x20];
    case 'upper':
      return [0x41, 0x5a];
    case 'word':
      return [0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a];
    case 'xdigit':
      return [0x30, 0x39, 0x41, 0x46, 0x61, 0x66];
    default:
      throw new Error(`unknown ASCII class ${kind}`);
  }
}

/** ASCII `\d`, `\s`, `\w` (and negations over all bytes) for byte mode. */
function perlBytes(kind: 'digit' | 'space' | 'word', negated: boolean): Ranges {
  const cls = asciiClass(kind);
  return negated ? complement(cls, ALL_BYTES) : canonicalize(cls);
}

/**
 * Translates a parsed pattern to {@link Hir}.
 *
 * @throws {RegexError} for Rust's translation errors (Unicode in byte mode,
 *   unknown Unicode properties) and for constructs this port cannot run.
 */
export function translate(ast: Ast, options: TranslateOptions = {}): Hir {
  return new Translator(options).translate(ast);
}

