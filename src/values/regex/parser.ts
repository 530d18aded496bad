/**
 * Parser for Rust `regex` syntax (a port of `regex-syntax` 0.8's `ast::parse`).
 *
 * The structure deliberately follows the Rust parser: it is iterative (groups
 * and classes live on explicit stacks), so arbitrarily deep input such as
 * `((((…))))` can never overflow the JS call stack, and the nesting limit is
 * checked afterwards over the finished tree, exactly like Rust does. Keeping
 * the same control flow is what makes the error kinds and spans match the
 * engine Cloudflare runs, including its quirks (for example `a**` and `a*+`
 * are valid: they are a repetition of a repetition, not possessive
 * quantifiers).
 *
 * Positions are UTF-16 offsets into the JS pattern string.
 *
 * @module
 */

import type {
  AsciiClassKind,
  Ast,
  AssertionKind,
  ClassBracketed,
  ClassPerl,
  ClassSet,
  ClassSetItem,
  ClassUnicode,
  FlagChar,
  Flags,
  FlagsItem,
  GroupKind,
  Literal,
  RepetitionKind,
  Span,
} from './ast.js';
import { RegexError, nestLimitError, regexError } from './errors.js';

/** Options of {@link parseRegex}. */
export interface ParseOptions {
  /** Maximum AST depth, counted like Rust's `NestLimiter`. Rust's default is 250. */
  readonly nestLimit: number;
}

/** Result of a successful parse. */
export interface ParsedRegex {
  readonly ast: Ast;
  /** Number of capturing groups (group 0, the whole match, not included). */
  readonly captureCount: number;
}

/** Mutable concatenation under construction (Rust's `ast::Concat`). */
interface ConcatBuilder {
  start: number;
  end: number;
  asts: Ast[];
}

/** Mutable alternation under construction. */
interface AlternationBuilder {
  start: number;
  end: number;
  asts: Ast[];
}

/** An opened-but-not-closed group on the group stack. */
interface OpenGroup {
  readonly type: 'open';
  /** Span of the `(` (Rust reports unclosed groups at the opening paren). */
  readonly openSpan: Span;
  readonly kind: GroupKind;
}

type GroupState =
  | {
      readonly type: 'group';
      readonly concat: ConcatBuilder;
      readonly group: OpenGroup;
      readonly ignoreWhitespace: boolean;
    }
  | { readonly type: 'alternation'; readonly alt: AlternationBuilder };

/** Mutable class union under construction. */
interface UnionBuilder {
  readonly type: 'unionBuilder';
  start: number;
  end: number;
  items: ClassSetItem[];
}

type ClassState =
  | {
      readonly type: 'open';
      readonly union: UnionBuilder;
      /** Span of `[` / `[^` plus leading literal `-`/`]` (the unclosed-class error span). */
      readonly openSpan: Span;
      readonly negated: boolean;
    }
  | {
      readonly type: 'op';
      readonly op: 'intersection' | 'difference' | 'symmetricDifference';
      readonly lhs: ClassSet;
    };

type Primitive =
  | Literal
  | { readonly type: 'assertion'; readonly span: Span; readonly kind: AssertionKind }
  | { readonly type: 'dot'; readonly span: Span }
  | ClassPerl
  | ClassUnicode;

const ASCII_CLASS_NAMES: ReadonlySet<string> = new Set<AsciiClassKind>([
  'alnum',
  'alpha',
  'ascii',
  'blank',
  'cntrl',
  'digit',
  'graph',
  'lower',
  'print',
  'punct',
  'space',
  'upper',
  'word',
  'xdigit',
]);

/** Characters that have a meaning in the syntax and may always be escaped. */
export function isMetaCharacter(c: number): boolean {
  switch (c) {
    case 0x5c: // \
    case 0x2e: // .
    case 0x2b: // +
    case 0x2a: // *
    case 0x3f: // ?
    case 0x28: // (
    case 0x29: // )
    case 0x7c: // |
    case 0x5b: // [
    case 0x5d: // ]
    case 0x7b: // {
    case 0x7d: // }
    case 0x5e: // ^
    case 0x24: // $
    case 0x23: // #
    case 0x26: // &
    case 0x2d: // -
    case 0x7e: // ~
      return true;
    default:
      return false;
  }
}

/**
 * Rust allows a superfluous escape of any ASCII character that is not a
 * letter, a digit, `<` or `>` (letters and digits are reserved for future
 * syntax; `\<`/`\>` are word-boundary assertions).
 */
export function isEscapeableCharacter(c: number): boolean {
  if (isMetaCharacter(c)) return true;
  if (c > 0x7f) return false;
  if ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) return false;
  return c !== 0x3c && c !== 0x3e;
}

/** Rust's `char::is_whitespace` (the Unicode `White_Space` property). */
export function isWhitespace(c: number): boolean {
  return (
    (c >= 0x09 && c <= 0x0d) ||
    c === 0x20 ||
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

const ALPHABETIC = /^\p{Alphabetic}$/u;
const NUMERIC = /^\p{N}$/u;

/** Rust's rule for capture-group name characters. */
function isCaptureChar(c: number, first: boolean): boolean {
  if (c === 0x5f) return true; // _
  const s = String.fromCodePoint(c);
  if (first) return ALPHABETIC.test(s);
  return c === 0x2e || c === 0x5b || c === 0x5d || ALPHABETIC.test(s) || NUMERIC.test(s);
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

function span(start: number, end: number): Span {
  return { start, end };
}

/** Rust's `Flags::flag_state`: `true`/`false` when the flag is set/cleared, else `undefined`. */
export function flagState(flags: Flags, flag: FlagChar): boolean | undefined {
  let negated = false;
  for (const item of flags.items) {
    if (item.kind === 'negation') negated = true;
    else if (item.flag === flag) return !negated;
  }
  return undefined;
}

function concatIntoAst(c: ConcatBuilder): Ast {
  if (c.asts.length === 0) return { type: 'empty', span: span(c.start, c.end) };
  if (c.asts.length === 1) return c.asts[0];
  return { type: 'concat', span: span(c.start, c.end), asts: c.asts };
}

function unionPush(u: UnionBuilder, item: ClassSetItem): void {
  if (u.items.length === 0) u.start = item.span.start;
  u.end = item.span.end;
  u.items.push(item);
}

function unionIntoItem(u: UnionBuilder): ClassSetItem {
  if (u.items.length === 0) return { type: 'empty', span: span(u.start, u.end) };
  if (u.items.length === 1) return u.items[0];
  return { type: 'union', span: span(u.start, u.end), items: u.items };
}

function classSetSpan(s: ClassSet): Span {
  return s.type === 'item' ? s.item.span : s.span;
}

function repetitionTarget(ast: Ast | undefined): ast is Ast {
  return ast !== undefined && ast.type !== 'empty' && ast.type !== 'flags';
}

class Parser {
  private pos = 0;
  private captureIndex = 0;
  private ignoreWhitespace = false;
  private readonly stackGroup: GroupState[] = [];
  private readonly stackClass: ClassState[] = [];
  private readonly captureNames = new Map<string, Span>();

  constructor(
    private readonly pattern: string,
    private readonly nestLimit: number,
  ) {}

  // ---- character access -------------------------------------------------

  /** The code point at the current position (a lone surrogate reads as itself). */
  private char(): number {
    return this.charAt(this.pos);
  }

  private charAt(i: number): number {
    return this.pattern.codePointAt(i) as number;
  }

  private charWidth(i: number): number {
    return this.charAt(i) > 0xffff ? 2 : 1;
  }

  private isEof(): boolean {
    return this.pos >= this.pattern.length;
  }

  /** Advances one character; returns false when that reaches the end (Rust's `bump`). */
  private bump(): boolean {
    if (this.isEof()) return false;
    this.pos += this.charWidth(this.pos);
    return !this.isEof();
  }

  private bumpIf(prefix: string): boolean {
    if (this.pattern.startsWith(prefix, this.pos)) {
      this.pos += prefix.length;
      return true;
    }
    return false;
  }

  private bumpSpace(): void {
    if (!this.ignoreWhitespace) return;
    while (!this.isEof()) {
      const c = this.char();
      if (isWhitespace(c)) {
        this.bump();
      } else if (c === 0x23) {
        // `#` comment up to and including the next newline.
        this.bump();
        while (!this.isEof()) {
          const d = this.char();
          this.bump();
          if (d === 0x0a) break;
        }
      } else {
        break;
      }
    }
  }

  private bumpAndBumpSpace(): boolean {
    if (!this.bump()) return false;
    this.bumpSpace();
    return !this.isEof();
  }

  private peek(): number | undefined {
    if (this.isEof()) return undefined;
    const next = this.pos + this.charWidth(this.pos);
    return next < this.pattern.length ? this.charAt(next) : undefined;
  }

  private peekSpace(): number | undefined {
    if (!this.ignoreWhitespace) return this.peek();
    if (this.isEof()) return undefined;
    // A faithful port of Rust's `peek_space`, including its quirk: inside a
    // comment the first non-space character is returned (the newline branch
    // is unreachable because `\n` is whitespace), and when only whitespace
    // follows, the character right after the current one is returned.
    const next = this.pos + this.charWidth(this.pos);
    let result = next;
    let inComment = false;
    for (let i = next; i < this.pattern.length; ) {
      const c = this.charAt(i);
      if (isWhitespace(c)) {
        // keep scanning
      } else if (!inComment && c === 0x23) {
        inComment = true;
      } else {
        result = i;
        break;
      }
      i += c > 0xffff ? 2 : 1;
    }
    return result < this.pattern.length ? this.charAt(result) : undefined;
  }

  private here(): Span {
    return span(this.pos, this.pos);
  }

  private spanChar(): Span {
    return span(this.pos, this.pos + this.charWidth(this.pos));
  }

  // ---- top level --------------------------------------------------------

  parse(): ParsedRegex {
    let concat: ConcatBuilder = { start: 0, end: 0, asts: [] };
    for (;;) {
      this.bumpSpace();
      if (this.isEof()) break;
      switch (this.char()) {
        case 0x28: // (
          concat = this.pushGroup(concat);
          break;
        case 0x29: // )
          concat = this.popGroup(concat);
          break;
        case 0x7c: // |
          concat = this.pushAlternate(concat);
          break;
        case 0x5b: // [
          concat.asts.push(this.parseSetClass());
          break;
        case 0x3f: // ?
          concat = this.parseUncountedRepetition(concat, { type: 'zeroOrOne' });
          break;
        case 0x2a: // *
          concat = this.parseUncountedRepetition(concat, { type: 'zeroOrMore' });
          break;
        case 0x2b: // +
          concat = this.parseUncountedRepetition(concat, { type: 'oneOrMore' });
          break;
        case 0x7b: // {
          concat = this.parseCountedRepetition(concat);
          break;
        default:
          concat.asts.push(this.parsePrimitive());
      }
    }
    const ast = this.popGroupEnd(concat);
    checkNestLimit(ast, this.nestLimit);
    return { ast, captureCount: this.captureIndex };
  }

  // ---- groups and alternations -------------------------------------------

  private pushAlternate(concat: ConcatBuilder): ConcatBuilder {
    concat.end = this.pos;
    const top = this.stackGroup[this.stackGroup.length - 1];
    if (top !== undefined && top.type === 'alternation') {
      top.alt.asts.push(concatIntoAst(concat));
    } else {
      this.stackGroup.push({
        type: 'alternation',
        alt: { start: concat.start, end: this.pos, asts: [concatIntoAst(concat)] },
      });
    }
    this.bump();
    return { start: this.pos, end: this.pos, asts: [] };
  }

  private pushGroup(concat: ConcatBuilder): ConcatBuilder {
    const parsed = this.parseGroup();
    if (parsed.type === 'flags') {
      const x = flagState(parsed.flags, 'x');
      if (x !== undefined) this.ignoreWhitespace = x;
      concat.asts.push(parsed);
      return concat;
    }
    const old = this.ignoreWhitespace;
    let next = old;
    if (parsed.kind.type === 'nonCapturing') next = flagState(parsed.kind.flags, 'x') ?? old;
    this.stackGroup.push({ type: 'group', concat, group: parsed, ignoreWhitespace: old });
    this.ignoreWhitespace = next;
    return { start: this.pos, end: this.pos, asts: [] };
  }

  private popGroup(groupConcat: ConcatBuilder): ConcatBuilder {
    let state = this.stackGroup.pop();
    let alt: AlternationBuilder | undefined;
    if (state !== undefined && state.type === 'alternation') {
      alt = state.alt;
      state = this.stackGroup.pop();
    }
    if (state === undefined || state.type !== 'group') {
      throw regexError('GroupUnopened', this.spanChar());
    }
    this.ignoreWhitespace = state.ignoreWhitespace;
    groupConcat.end = this.pos;
    this.bump();
    let inner: Ast;
    if (alt !== undefined) {
      alt.end = groupConcat.end;
      alt.asts.push(concatIntoAst(groupConcat));
      inner = alt.asts.length === 1 ? alt.asts[0] : { type: 'alternation', span: span(alt.start, alt.end), asts: alt.asts };
    } else {
      inner = concatIntoAst(groupConcat);
    }
    const prior = state.concat;
    prior.asts.push({
      type: 'group',
      span: span(state.group.openSpan.start, this.pos),
      kind: state.group.kind,
      ast: inner,
    });
    return prior;
  }

  private popGroupEnd(concat: ConcatBuilder): Ast {
    concat.end = this.pos;
    const state = this.stackGroup.pop();
    let ast: Ast;
    if (state === undefined) {
      ast = concatIntoAst(concat);
    } else if (state.type === 'alternation') {
      state.alt.end = this.pos;
      state.alt.asts.push(concatIntoAst(concat));
      ast = { type: 'alternation', span: span(state.alt.start, state.alt.end), asts: state.alt.asts };
    } else {
      throw regexError('GroupUnclosed', state.group.openSpan);
    }
    const rest = this.stackGroup.pop();
    if (rest !== undefined) {
      // Only a group can be below an alternation frame.
      if (rest.type === 'group') throw regexError('GroupUnclosed', rest.group.openSpan);
    }
    return ast;
  }

  /** Parses `(`, `(?:`, `(?flags)`, `(?flags:`, `(?P<name>` or `(?<name>`. */
  private parseGroup(): OpenGroup | { type: 'flags'; span: Span; flags: Flags } {
    const openSpan = this.spanChar();
    this.bump();
    this.bumpSpace();
    if (this.bumpIf('?=') || this.bumpIf('?!') || this.bumpIf('?<=') || this.bumpIf('?<!')) {
      throw regexError('UnsupportedLookAround', span(openSpan.start, this.pos));
    }
    const innerSpan = this.here();
    if (this.bumpIf('?P<') || this.bumpIf('?<')) {
      const index = this.nextCaptureIndex();
      const { name, nameSpan } = this.parseCaptureName();
      return { type: 'open', openSpan, kind: { type: 'captureName', index, name, nameSpan } };
    }
    if (this.bumpIf('?')) {
      if (this.isEof()) throw regexError('GroupUnclosed', openSpan);
      const flags = this.parseFlags();
      const end = this.char();
      this.bump();
      if (end === 0x29) {
        // `(?)` is treated by Rust as a repetition operator without operand.
        if (flags.items.length === 0) throw regexError('RepetitionMissing', innerSpan);
        return { type: 'flags', span: span(openSpan.start, this.pos), flags };
      }
      return { type: 'open', openSpan, kind: { type: 'nonCapturing', flags } };
    }
    return { type: 'open', openSpan, kind: { type: 'captureIndex', index: this.nextCaptureIndex() } };
  }

  private nextCaptureIndex(): number {
    this.captureIndex += 1;
    return this.captureIndex;
  }

  private parseCaptureName(): { name: string; nameSpan: Span } {
    if (this.isEof()) throw regexError('GroupNameUnexpectedEof', this.here());
    const start = this.pos;
    for (;;) {
      if (this.char() === 0x3e) break; // >
      if (!isCaptureChar(this.char(), this.pos === start)) {
        throw regexError('GroupNameInvalid', this.spanChar());
      }
      if (!this.bump()) break;
    }
    const end = this.pos;
    if (this.isEof()) throw regexError('GroupNameUnexpectedEof', this.here());
    this.bump();
    const name = this.pattern.slice(start, end);
    if (name.length === 0) throw regexError('GroupNameEmpty', span(start, start));
    const nameSpan = span(start, end);
    if (this.captureNames.has(name)) throw regexError('GroupNameDuplicate', nameSpan);
    this.captureNames.set(name, nameSpan);
    return { name, nameSpan };
  }

  private parseFlags(): Flags {
    const start = this.pos;
    const items: FlagsItem[] = [];
    let lastNegation: Span | undefined;
    const duplicateOf = (item: FlagsItem): boolean =>
      items.some((x) => x.kind === item.kind && (x.kind === 'negation' || (item.kind === 'flag' && x.flag === item.flag)));
    while (this.char() !== 0x3a && this.char() !== 0x29) {
      if (this.char() === 0x2d) {
        lastNegation = this.spanChar();
        const item: FlagsItem = { kind: 'negation', span: this.spanChar() };
        if (duplicateOf(item)) throw regexError('FlagRepeatedNegation', this.spanChar());
        items.push(item);
      } else {
        lastNegation = undefined;
        const item: FlagsItem = { kind: 'flag', flag: this.parseFlag(), span: this.spanChar() };
        if (duplicateOf(item)) throw regexError('FlagDuplicate', this.spanChar());
        items.push(item);
      }
      if (!this.bump()) throw regexError('FlagUnexpectedEof', this.here());
    }
    if (lastNegation !== undefined) throw regexError('FlagDanglingNegation', lastNegation);
    return { span: span(start, this.pos), items };
  }

  private parseFlag(): FlagChar {
    switch (this.char()) {
      case 0x69:
        return 'i';
      case 0x6d:
        return 'm';
      case 0x73:
        return 's';
      case 0x55:
        return 'U';
      case 0x75:
        return 'u';
      case 0x52:
        return 'R';
      case 0x78:
        return 'x';
      default:
        throw regexError('FlagUnrecognized', this.spanChar());
    }
  }

  // ---- repetitions --------------------------------------------------------

  private parseUncountedRepetition(concat: ConcatBuilder, kind: RepetitionKind): ConcatBuilder {
    const opStart = this.pos;
    const ast = concat.asts.pop();
    if (!repetitionTarget(ast)) throw regexError('RepetitionMissing', this.here());
    let greedy = true;
    if (this.bump() && this.char() === 0x3f) {
      greedy = false;
      this.bump();
    }
    concat.asts.push({
      type: 'repetition',
      span: span(ast.span.start, this.pos),
      op: { span: span(opStart, this.pos), kind },
      greedy,
      ast,
    });
    return concat;
  }

  private parseCountedRepetition(concat: ConcatBuilder): ConcatBuilder {
    const start = this.pos;
    const ast = concat.asts.pop();
    if (!repetitionTarget(ast)) throw regexError('RepetitionMissing', this.here());
    const unclosed = (): RegexError => regexError('RepetitionCountUnclosed', span(start, this.pos));
    if (!this.bumpAndBumpSpace()) throw unclosed();
    // Rust defers a malformed first count until it knows which form this is.
    const first = this.tryParseDecimal();
    if (this.isEof()) throw unclosed();
    let kind: RepetitionKind;
    if (this.char() === 0x2c) {
      if (!this.bumpAndBumpSpace()) throw unclosed();
      if (this.char() !== 0x7d) {
        const min = unwrapDecimal(first);
        const max = unwrapDecimal(this.tryParseDecimal());
        kind = { type: 'range', min, max, exact: false };
      } else {
        kind = { type: 'range', min: unwrapDecimal(first), max: undefined, exact: false };
      }
    } else {
      const n = unwrapDecimal(first);
      kind = { type: 'range', min: n, max: n, exact: true };
    }
    if (this.isEof() || this.char() !== 0x7d) throw unclosed();
    let greedy = true;
    if (this.bumpAndBumpSpace() && this.char() === 0x3f) {
      greedy = false;
      this.bump();
    }
    const opSpan = span(start, this.pos);
    if (kind.max !== undefined && kind.min > kind.max) throw regexError('RepetitionCountInvalid', opSpan);
    concat.asts.push({
      type: 'repetition',
      span: span(ast.span.start, this.pos),
      op: { span: opSpan, kind },
      greedy,
      ast,
    });
    return concat;
  }

  /** Rust's `parse_decimal` (surrounding whitespace is always allowed). */
  private tryParseDecimal(): number | RegexError {
    while (!this.isEof() && isWhitespace(this.char())) this.bump();
    const start = this.pos;
    let digits = '';
    while (!this.isEof() && this.char() >= 0x30 && this.char() <= 0x39) {
      digits += String.fromCharCode(this.char());
      this.bumpAndBumpSpace();
    }
    const s = span(start, this.pos);
    while (!this.isEof() && isWhitespace(this.char())) this.bumpAndBumpSpace();
    // Rust's `DecimalEmpty` is specialised to this message for repetitions.
    if (digits.length === 0) return regexError('RepetitionCountDecimalEmpty', s);
    const n = Number(digits);
    if (n > 0xffffffff) return regexError('DecimalInvalid', s);
    return n;
  }

  // ---- primitives -----------------------------------------------------------

  private parsePrimitive(): Primitive {
    const c = this.char();
    switch (c) {
      case 0x5c:
        return this.parseEscape();
      case 0x2e: {
        const s = this.spanChar();
        this.bump();
        return { type: 'dot', span: s };
      }
      case 0x5e:
      case 0x24: {
        const s = this.spanChar();
        this.bump();
        return { type: 'assertion', span: s, kind: c === 0x5e ? 'startLine' : 'endLine' };
      }
      default: {
        const s = this.spanChar();
        this.bump();
        return { type: 'literal', span: s, kind: 'verbatim', c: normalizeChar(c) };
      }
    }
  }

  private parseEscape(): Primitive {
    const start = this.pos;
    if (!this.bump()) throw regexError('EscapeUnexpectedEof', span(start, this.pos));
    const c = this.char();
    if (c >= 0x30 && c <= 0x39) {
      // Octal syntax is disabled, so `\0`…`\9` are reported as backreferences.
      throw regexError('UnsupportedBackreference', span(start, this.spanChar().end));
    }
    switch (c) {
      case 0x78: // x
      case 0x75: // u
      case 0x55: {
        // U
        const lit = this.parseHex();
        return { ...lit, span: span(start, lit.span.end) };
      }
      case 0x70: // p
      case 0x50: {
        // P
        const cls = this.parseUnicodeClass();
        return { ...cls, span: span(start, cls.span.end) };
      }
      case 0x64:
      case 0x73:
      case 0x77:
      case 0x44:
      case 0x53:
      case 0x57: {
        const cls = this.parsePerlClass();
        return { ...cls, span: span(start, cls.span.end) };
      }
      default:
        break;
    }
    this.bump();
    const s = span(start, this.pos);
    if (isMetaCharacter(c)) return { type: 'literal', span: s, kind: 'meta', c };
    if (isEscapeableCharacter(c)) return { type: 'literal', span: s, kind: 'superfluous', c };
    const special = (code: number): Literal => ({ type: 'literal', span: s, kind: 'special', c: code });
    switch (c) {
      case 0x61:
        return special(0x07); // \a
      case 0x66:
        return special(0x0c); // \f
      case 0x74:
        return special(0x09); // \t
      case 0x6e:
        return special(0x0a); // \n
      case 0x72:
        return special(0x0d); // \r
      case 0x76:
        return special(0x0b); // \v
      case 0x41:
        return { type: 'assertion', span: s, kind: 'startText' }; // \A
      case 0x7a:
        return { type: 'assertion', span: s, kind: 'endText' }; // \z
      case 0x62: {
        // \b, possibly \b{start} etc.
        let kind: AssertionKind = 'wordBoundary';
        let end = s.end;
        if (!this.isEof() && this.char() === 0x7b) {
          const special = this.maybeParseSpecialWordBoundary(start);
          if (special !== undefined) {
            kind = special;
            end = this.pos;
          }
        }
        return { type: 'assertion', span: span(start, end), kind };
      }
      case 0x42:
        return { type: 'assertion', span: s, kind: 'notWordBoundary' }; // \B
      case 0x3c:
        return { type: 'assertion', span: s, kind: 'wordBoundaryStartAngle' }; // \<
      case 0x3e:
        return { type: 'assertion', span: s, kind: 'wordBoundaryEndAngle' }; // \>
      default:
        throw regexError('EscapeUnrecognized', s);
    }
  }

  private maybeParseSpecialWordBoundary(wbStart: number): AssertionKind | undefined {
    const isValid = (c: number): boolean =>
      (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2d;
    const start = this.pos;
    if (!this.bumpAndBumpSpace()) {
      throw regexError('SpecialWordOrRepetitionUnexpectedEof', span(wbStart, this.pos));
    }
    const startContents = this.pos;
    if (!isValid(this.char())) {
      // Not a special word boundary: leave `{` for the counted repetition parser.
      this.pos = start;
      return undefined;
    }
    let name = '';
    while (!this.isEof() && isValid(this.char())) {
      name += String.fromCharCode(this.char());
      this.bumpAndBumpSpace();
    }
    if (this.isEof() || this.char() !== 0x7d) {
      throw regexError('SpecialWordBoundaryUnclosed', span(start, this.pos));
    }
    const end = this.pos;
    this.bump();
    switch (name) {
      case 'start':
        return 'wordBoundaryStart';
      case 'end':
        return 'wordBoundaryEnd';
      case 'start-half':
        return 'wordBoundaryStartHalf';
      case 'end-half':
        return 'wordBoundaryEndHalf';
      default:
        throw regexError('SpecialWordBoundaryUnrecognized', span(startContents, end));
    }
  }

  private parseHex(): Literal {
    const letter = this.char();
    const digits = letter === 0x78 ? 2 : letter === 0x75 ? 4 : 8;
    if (!this.bumpAndBumpSpace()) throw regexError('EscapeUnexpectedEof', this.here());
    if (this.char() === 0x7b) return this.parseHexBrace();
    // Fixed number of digits.
    const start = this.pos;
    let hex = '';
    for (let i = 0; i < digits; i++) {
      if (i > 0 && !this.bumpAndBumpSpace()) throw regexError('EscapeUnexpectedEof', this.here());
      if (!isHex(this.char())) throw regexError('EscapeHexInvalidDigit', this.spanChar());
      hex += String.fromCharCode(this.char());
    }
    this.bumpAndBumpSpace();
    const end = this.pos;
    const cp = parseInt(hex, 16);
    if (!isScalarValue(cp)) throw regexError('EscapeHexInvalid', span(start, end));
    return {
      type: 'literal',
      span: span(start, end),
      kind: letter === 0x78 ? 'hexFixedX' : 'hexFixedU',
      c: cp,
    };
  }

  private parseHexBrace(): Literal {
    const bracePos = this.pos;
    const start = this.spanChar().end;
    let hex = '';
    while (this.bumpAndBumpSpace() && this.char() !== 0x7d) {
      if (!isHex(this.char())) throw regexError('EscapeHexInvalidDigit', this.spanChar());
      hex += String.fromCharCode(this.char());
    }
    if (this.isEof()) throw regexError('EscapeUnexpectedEof', span(bracePos, this.pos));
    const end = this.pos;
    this.bumpAndBumpSpace();
    if (hex.length === 0) throw regexError('EscapeHexEmpty', span(bracePos, this.pos));
    // Rust parses into a u32; anything longer than 8 significant digits overflows.
    const cp = hex.replace(/^0+/, '').length > 8 ? -1 : parseInt(hex, 16);
    if (!isScalarValue(cp)) throw regexError('EscapeHexInvalid', span(start, end));
    return { type: 'literal', span: span(start, this.pos), kind: 'hexBrace', c: cp };
  }

  private parseUnicodeClass(): ClassUnicode {
    const negated = this.char() === 0x50;
    if (!this.bumpAndBumpSpace()) throw regexError('EscapeUnexpectedEof', this.here());
    if (this.char() === 0x7b) {
      const start = this.spanChar().end;
      let name = '';
      while (this.bumpAndBumpSpace() && this.char() !== 0x7d) {
        name += String.fromCodePoint(this.char());
      }
      if (this.isEof()) throw regexError('EscapeUnexpectedEof', this.here());
      this.bump();
      const s = span(start, this.pos);
      let i: number;
      if ((i = name.indexOf('!=')) >= 0) {
        return { type: 'classUnicode', span: s, negated, kind: { type: 'namedValue', op: 'notEqual', name: name.slice(0, i), value: name.slice(i + 2) } };
      }
      if ((i = name.indexOf(':')) >= 0) {
        return { type: 'classUnicode', span: s, negated, kind: { type: 'namedValue', op: 'colon', name: name.slice(0, i), value: name.slice(i + 1) } };
      }
      if ((i = name.indexOf('=')) >= 0) {
        return { type: 'classUnicode', span: s, negated, kind: { type: 'namedValue', op: 'equal', name: name.slice(0, i), value: name.slice(i + 1) } };
      }
      return { type: 'classUnicode', span: s, negated, kind: { type: 'named', name } };
    }
    const start = this.pos;
    const c = this.char();
    if (c === 0x5c) throw regexError('UnicodeClassInvalid', this.spanChar());
    this.bumpAndBumpSpace();
    return {
      type: 'classUnicode',
      span: span(start, this.pos),
      negated,
      kind: { type: 'oneLetter', letter: String.fromCodePoint(c) },
    };
  }

  private parsePerlClass(): ClassPerl {
    const c = this.char();
    const s = this.spanChar();
    this.bump();
    const lower = c | 0x20;
    const kind = lower === 0x64 ? 'digit' : lower === 0x73 ? 'space' : 'word';
    return { type: 'classPerl', span: s, kind, negated: c < 0x61 };
  }

  // ---- bracketed classes -----------------------------------------------------

  private parseSetClass(): ClassBracketed {
    let union: UnionBuilder = { type: 'unionBuilder', start: this.pos, end: this.pos, items: [] };
    for (;;) {
      this.bumpSpace();
      if (this.isEof()) throw this.unclosedClassError();
      const c = this.char();
      if (c === 0x5b) {
        if (this.stackClass.length > 0) {
          const ascii = this.maybeParseAsciiClass();
          if (ascii !== undefined) {
            unionPush(union, ascii);
            continue;
          }
        }
        union = this.pushClassOpen(union);
      } else if (c === 0x5d) {
        const popped = this.popClass(union);
        if (popped.type === 'classBracketed') return popped;
        union = popped;
      } else if (c === 0x26 && this.peek() === 0x26) {
        this.bumpIf('&&');
        union = this.pushClassOp('intersection', union);
      } else if (c === 0x2d && this.peek() === 0x2d) {
        this.bumpIf('--');
        union = this.pushClassOp('difference', union);
      } else if (c === 0x7e && this.peek() === 0x7e) {
        this.bumpIf('~~');
        union = this.pushClassOp('symmetricDifference', union);
      } else {
        unionPush(union, this.parseSetClassRange());
      }
    }
  }

  private parseSetClassRange(): ClassSetItem {
    const prim1 = this.parseSetClassItem();
    this.bumpSpace();
    if (this.isEof()) throw this.unclosedClassError();
    if (this.char() !== 0x2d || this.peekSpace() === 0x5d || this.peekSpace() === 0x2d) {
      return this.intoClassSetItem(prim1);
    }
    if (!this.bumpAndBumpSpace()) throw this.unclosedClassError();
    const prim2 = this.parseSetClassItem();
    const rangeSpan = span(prim1.span.start, prim2.span.end);
    const start = intoClassLiteral(prim1);
    const end = intoClassLiteral(prim2);
    if (start.c > end.c) throw regexError('ClassRangeInvalid', rangeSpan);
    return { type: 'range', span: rangeSpan, start, end };
  }

  private parseSetClassItem(): Primitive {
    if (this.char() === 0x5c) return this.parseEscape();
    const s = this.spanChar();
    const c = this.char();
    this.bump();
    return { type: 'literal', span: s, kind: 'verbatim', c: normalizeChar(c) };
  }

  private intoClassSetItem(p: Primitive): ClassSetItem {
    if (p.type === 'literal' || p.type === 'classPerl' || p.type === 'classUnicode') return p;
    throw regexError('ClassEscapeInvalid', p.span);
  }

  private parseSetClassOpen(): { openSpan: Span; negated: boolean; union: UnionBuilder } {
    const start = this.pos;
    if (!this.bumpAndBumpSpace()) throw regexError('ClassUnclosed', span(start, this.pos));
    let negated = false;
    if (this.char() === 0x5e) {
      negated = true;
      if (!this.bumpAndBumpSpace()) throw regexError('ClassUnclosed', span(start, this.pos));
    }
    const union: UnionBuilder = { type: 'unionBuilder', start: this.pos, end: this.pos, items: [] };
    // Any number of leading `-` are literals.
    while (this.char() === 0x2d) {
      unionPush(union, { type: 'literal', span: this.spanChar(), kind: 'verbatim', c: 0x2d });
      if (!this.bumpAndBumpSpace()) throw regexError('ClassUnclosed', span(start, start));
    }
    // A `]` right after the opening bracket is a literal: `[]a]`. So `[]` never closes.
    if (union.items.length === 0 && this.char() === 0x5d) {
      unionPush(union, { type: 'literal', span: this.spanChar(), kind: 'verbatim', c: 0x5d });
      if (!this.bumpAndBumpSpace()) throw regexError('ClassUnclosed', span(start, this.pos));
    }
    return { openSpan: span(start, this.pos), negated, union };
  }

  private pushClassOpen(parent: UnionBuilder): UnionBuilder {
    const { openSpan, negated, union } = this.parseSetClassOpen();
    this.stackClass.push({ type: 'open', union: parent, openSpan, negated });
    return union;
  }

  private popClass(nested: UnionBuilder): UnionBuilder | ClassBracketed {
    const item: ClassSet = { type: 'item', item: unionIntoItem(nested) };
    const prevSet = this.popClassOp(item);
    const state = this.stackClass.pop();
    if (state === undefined || state.type !== 'open') {
      // Unreachable by construction (every push is guarded), kept for type safety.
      throw regexError('ClassUnclosed', this.spanChar());
    }
    this.bump();
    const cls: ClassBracketed = {
      type: 'classBracketed',
      span: span(state.openSpan.start, this.pos),
      negated: state.negated,
      set: prevSet,
    };
    if (this.stackClass.length === 0) return cls;
    unionPush(state.union, cls);
    return state.union;
  }

  private unclosedClassError(): RegexError {
    for (let i = this.stackClass.length - 1; i >= 0; i--) {
      const state = this.stackClass[i];
      if (state.type === 'open') return regexError('ClassUnclosed', state.openSpan);
    }
    return regexError('ClassUnclosed', this.here());
  }

  private pushClassOp(
    op: 'intersection' | 'difference' | 'symmetricDifference',
    next: UnionBuilder,
  ): UnionBuilder {
    const item: ClassSet = { type: 'item', item: unionIntoItem(next) };
    const lhs = this.popClassOp(item);
    this.stackClass.push({ type: 'op', op, lhs });
    return { type: 'unionBuilder', start: this.pos, end: this.pos, items: [] };
  }

  private popClassOp(rhs: ClassSet): ClassSet {
    const top = this.stackClass[this.stackClass.length - 1];
    if (top === undefined || top.type !== 'op') return rhs;
    this.stackClass.pop();
    return {
      type: 'binaryOp',
      span: span(classSetSpan(top.lhs).start, classSetSpan(rhs).end),
      op: top.op,
      lhs: top.lhs,
      rhs,
    };
  }

  /** Tries `[:name:]` / `[:^name:]`; on failure restores the position and returns undefined. */
  private maybeParseAsciiClass(): ClassSetItem | undefined {
    const start = this.pos;
    const fail = (): undefined => {
      this.pos = start;
      return undefined;
    };
    if (!this.bump() || this.char() !== 0x3a) return fail();
    if (!this.bump()) return fail();
    let negated = false;
    if (this.char() === 0x5e) {
      negated = true;
      if (!this.bump()) return fail();
    }
    const nameStart = this.pos;
    while (this.char() !== 0x3a && this.bump()) {
      // scan to the next ':'
    }
    if (this.isEof()) return fail();
    const name = this.pattern.slice(nameStart, this.pos);
    if (!this.bumpIf(':]')) return fail();
    if (!ASCII_CLASS_NAMES.has(name)) return fail();
    return { type: 'ascii', span: span(start, this.pos), kind: name as AsciiClassKind, negated };
  }
}

function unwrapDecimal(d: number | RegexError): number {
  if (typeof d !== 'number') throw d;
  return d;
}

function intoClassLiteral(p: Primitive): Literal {
  if (p.type === 'literal') return p;
  throw regexError('ClassRangeLiteral', p.span);
}

function isScalarValue(cp: number): boolean {
  return cp >= 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff);
}

/**
 * A JS string may hold lone surrogates, which are not Unicode scalar values;
 * we read them as U+FFFD, which is what their UTF-8 encoding (TextEncoder)
 * would contain.
 */
function normalizeChar(c: number): number {
  return c >= 0xd800 && c <= 0xdfff ? 0xfffd : c;
}

/**
 * Rust's `NestLimiter`: a pre-order walk counting repetitions, groups,
 * alternations, concatenations, bracketed classes, class unions and class set
 * operations. Implemented with an explicit stack because it must run on
 * trees that are arbitrarily deep.
 */
function checkNestLimit(root: Ast, limit: number): void {
  type Node = { readonly ast?: Ast; readonly set?: ClassSet; readonly item?: ClassSetItem; readonly depth: number };
  const stack: Node[] = [{ ast: root, depth: 0 }];
  const enter = (s: Span, depth: number): number => {
    const d = depth + 1;
    if (d > limit) throw nestLimitError(limit, s);
    return d;
  };
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    // Children are pushed in reverse so they are visited in pattern order,
    // which makes the reported span the first offending node, as in Rust.
    if (node.ast !== undefined) {
      const a = node.ast;
      switch (a.type) {
        case 'classBracketed': {
          const d = enter(a.span, node.depth);
          stack.push({ set: a.set, depth: d });
          break;
        }
        case 'repetition':
        case 'group': {
          const d = enter(a.span, node.depth);
          stack.push({ ast: a.ast, depth: d });
          break;
        }
        case 'alternation':
        case 'concat': {
          const d = enter(a.span, node.depth);
          for (let i = a.asts.length - 1; i >= 0; i--) stack.push({ ast: a.asts[i], depth: d });
          break;
        }
        default:
          break;
      }
    } else if (node.set !== undefined) {
      const s = node.set;
      if (s.type === 'item') {
        stack.push({ item: s.item, depth: node.depth });
      } else {
        const d = enter(s.span, node.depth);
        stack.push({ set: s.rhs, depth: d });
        stack.push({ set: s.lhs, depth: d });
      }
    } else if (node.item !== undefined) {
      const it = node.item;
      if (it.type === 'classBracketed') {
        const d = enter(it.span, node.depth);
        stack.push({ set: it.set, depth: d });
      } else if (it.type === 'union') {
        const d = enter(it.span, node.depth);
        for (let i = it.items.length - 1; i >= 0; i--) stack.push({ item: it.items[i], depth: d });
      }
    }
  }
}

/**
 * Parses a Rust regex pattern into an {@link Ast}.
 *
 * @throws {RegexError} on any syntax error or when the nesting limit is exceeded.
 */
export function parseRegex(pattern: string, options: ParseOptions): ParsedRegex {
  return new Parser(pattern, options.nestLimit).parse();
}
