/**
 * The fast path of the parser: a hand-written single-pass scanner and recursive-descent parser
 * for the common, error-free case. The chevrotain parser (`parser.ts`) stays the truth: the
 * grammar, the lexical rules and every diagnostic live there, and this module mirrors them for
 * the inputs it accepts, producing a tree identical (spans included) to the chevrotain parser's.
 * On anything unusual — any lexical or syntax error, any construct that would be reported, a
 * rare form it does not handle — it bails out (returns `undefined`) and the chevrotain parser,
 * with its error recovery and diagnostics, parses the expression instead. A differential test
 * (test/syntax/fast-parser.test.ts) holds the two in step.
 *
 * @module
 */
import { DiagnosticBag } from '../diagnostics/diagnostics.js';
import type {
  Argument,
  ComparisonOperator,
  Expression,
  IndexSelector,
  Literal,
  LogicalOperator,
  RightHandSide,
  Span,
  StringLiteral,
  ValueExpression,
} from './ast.js';
import { decodeQuotedString, decodeRawString, decodeRegexString } from './literals/string.js';
import { COMPARISON_OPERATOR_TABLE, comparisonOperatorSpec, LOGICAL_OPERATOR_TABLE, type LogicalOperatorName } from './operators.js';

let enabled = true;

/** Switches the fast path on or off (benchmarks and tests compare the two). @internal */
export function setFastParserEnabled(on: boolean): void {
  enabled = on;
}

/** Whether the fast path is on. @internal */
export function fastParserEnabled(): boolean {
  return enabled;
}

// --- token kinds --------------------------------------------------------------------------

const ID = 1;
const OR = 2;
const XOR = 3;
const AND = 4;
const NOT = 5;
const CMP = 6;
const ANY = 7;
const ALL = 8;
const TRUE = 9;
const LPAREN = 10;
const RPAREN = 11;
const LBRACKET = 12;
const RBRACKET = 13;
const LCURLY = 14;
const RCURLY = 15;
const COMMA = 16;
const STAR = 17;
const QUOTED = 18;
const RAW = 19;
const REGEX = 20;
const LIST = 21;
const BARE = 22;
/** Comparison operators whose right-hand side is lexed as a regex string (`matches`, `~`). */
const CMP_REGEX = 23;
const EOF = 0;

const LOGICAL_KIND: Readonly<Record<LogicalOperatorName, number>> = { and: AND, or: OR, xor: XOR, not: NOT };

/** English spellings (keywords, which need a word boundary) → token kind and operator name. */
const KEYWORDS = new Map<string, { kind: number; operator?: ComparisonOperator }>();
/** Symbolic spellings → token kind and operator name. */
const SYMBOLS = new Map<string, { kind: number; operator?: ComparisonOperator }>();
for (const row of LOGICAL_OPERATOR_TABLE) {
  KEYWORDS.set(row.name, { kind: LOGICAL_KIND[row.name] });
  SYMBOLS.set(row.symbol, { kind: LOGICAL_KIND[row.name] });
}
for (const row of COMPARISON_OPERATOR_TABLE) {
  const kind = comparisonOperatorSpec(row.name).right === 'regex' ? CMP_REGEX : CMP;
  KEYWORDS.set(row.name, { kind, operator: row.name });
  if ('symbol' in row) SYMBOLS.set(row.symbol, { kind, operator: row.name });
}
KEYWORDS.set('true', { kind: TRUE });

interface Spelling {
  text: string;
  kind: number;
  operator: ComparisonOperator | undefined;
}

/** Spellings by first character code, longest first (as the lexer tries them). */
function byFirstCharacter(spellings: Map<string, { kind: number; operator?: ComparisonOperator }>): Map<number, Spelling[]> {
  const table = new Map<number, Spelling[]>();
  for (const [text, { kind, operator }] of spellings) {
    const list = table.get(text.charCodeAt(0)) ?? [];
    list.push({ text, kind, operator });
    list.sort((a, b) => b.text.length - a.text.length);
    table.set(text.charCodeAt(0), list);
  }
  return table;
}

/** Indexed by character code (ASCII). */
const asArray = (table: Map<number, Spelling[]>): (Spelling[] | undefined)[] => Array.from({ length: 128 }, (_, c) => table.get(c));
const NO_SPELLINGS: Spelling[] = [];
const KEYWORDS_BY_FIRST = asArray(byFirstCharacter(KEYWORDS));
const SYMBOLS_BY_FIRST = asArray(byFirstCharacter(SYMBOLS));

// Character classes of ASCII, one lookup per character instead of a chain of comparisons (the
// scanner's inner loops run over every character of an expression).
const DIGIT = 1;
const HEX_LETTER = 2;
const LETTER = 4;
const UNDERSCORE = 8;
const BARE_PUNCTUATION = 16; // `:` `.` `/` `-`
const SPACE = 32; // space, CR, LF
const CLASSES = /* @__PURE__ */ (() => {
  const table = new Uint8Array(128);
  for (let c = 48; c <= 57; c++) table[c] = DIGIT;
  for (let c = 65; c <= 90; c++) table[c] = LETTER | (c <= 70 ? HEX_LETTER : 0);
  for (let c = 97; c <= 122; c++) table[c] = LETTER | (c <= 102 ? HEX_LETTER : 0);
  table[95] = UNDERSCORE;
  for (const c of [58, 46, 47, 45]) table[c] = BARE_PUNCTUATION;
  for (const c of [32, 13, 10]) table[c] = SPACE;
  return table;
})();
/** Whether `c` (a UTF-16 code unit) is in one of the `classes`; never for non-ASCII. */
const is = (c: number, classes: number): boolean => c < 128 && (CLASSES[c]! & classes) !== 0;
const isDigit = (c: number): boolean => is(c, DIGIT);
const isHexDigit = (c: number): boolean => is(c, DIGIT | HEX_LETTER);
const isLetter = (c: number): boolean => is(c, LETTER);
const isIdentChar = (c: number): boolean => is(c, DIGIT | LETTER | UNDERSCORE);
const isBareChar = (c: number): boolean => is(c, DIGIT | LETTER | BARE_PUNCTUATION);
const startsRawString = (text: string, at: number): boolean =>
  text.charCodeAt(at) === 114 && (text.charCodeAt(at + 1) === 34 || text.charCodeAt(at + 1) === 35);
const isSpace = (c: number): boolean => is(c, SPACE);
const isListChar = (c: number): boolean => (c >= 97 && c <= 122) || isDigit(c) || c === 95 || c === 46;

/** Tokens after which an unquoted literal may start with a hex letter followed by `.` (as in tokens.ts). */
const afterOperandKind = (kind: number): boolean =>
  kind === CMP || kind === CMP_REGEX || kind === LCURLY || kind === BARE || kind === QUOTED || kind === RAW;

/** The scanned tokens, as parallel arrays. */
interface Tokens {
  kinds: number[];
  starts: number[];
  ends: number[];
  /** Comparison operator name, for comparison tokens. */
  operators: (ComparisonOperator | undefined)[];
}

/**
 * Scans `text` with the lexical rules of tokens.ts (same priorities, same context). Returns
 * `undefined` on any lexical error or unusual token.
 */
function scan(text: string): Tokens | undefined {
  const kinds: number[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  const operators: (ComparisonOperator | undefined)[] = [];
  const length = text.length;
  let previous = EOF;
  let i = 0;
  /** The first backslash at or after the last string searched (-1: none left). */
  let nextBackslash = text.indexOf('\\');
  const push = (kind: number, start: number, end: number, operator?: ComparisonOperator): void => {
    kinds.push(kind);
    starts.push(start);
    ends.push(end);
    operators.push(operator);
    previous = kind;
  };
  while (i < length) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    // RawString
    if (c === 114 /* r */ && startsRawString(text, i)) {
      let j = i + 1;
      while (text.charCodeAt(j) === 35) j++;
      const hashes = j - i - 1;
      if (hashes > 16 || text.charCodeAt(j) !== 34) return undefined;
      const closing = '"' + '#'.repeat(hashes);
      const close = text.indexOf(closing, j + 1);
      if (close < 0) return undefined;
      push(RAW, i, close + closing.length);
      i = close + closing.length;
      continue;
    }
    // RegexString / QuotedString
    if (c === 34) {
      let end = -1;
      if (previous === CMP_REGEX) {
        let inClass = false;
        for (let j = i + 1; j < length; j++) {
          const d = text.charCodeAt(j);
          if (d === 92) {
            j++;
            continue;
          }
          if (inClass) {
            if (d === 93) inClass = false;
          } else if (d === 91) {
            inClass = true;
          } else if (d === 34) {
            end = j + 1;
            break;
          }
        }
        if (end < 0) return undefined;
        push(REGEX, i, end);
      } else {
        // The closing quote by a native search when no backslash comes before it (the usual
        // string); the backslash position is found once and reused until passed, so a text
        // with many strings is still searched in linear time.
        const close = text.indexOf('"', i + 1);
        if (nextBackslash !== -1 && nextBackslash <= i) nextBackslash = text.indexOf('\\', i + 1);
        if (close >= 0 && (nextBackslash === -1 || nextBackslash > close)) end = close + 1;
        else {
          for (let j = i + 1; j < length; j++) {
            const d = text.charCodeAt(j);
            if (d === 92) j++;
            else if (d === 34) {
              end = j + 1;
              break;
            }
          }
        }
        if (end < 0) return undefined;
        push(QUOTED, i, end);
      }
      i = end;
      continue;
    }
    // ListReference
    if (c === 36 /* $ */) {
      let j = i + 1;
      while (j < length && isListChar(text.charCodeAt(j))) j++;
      push(LIST, i, j);
      i = j;
      continue;
    }
    // BareLiteral
    if (isDigit(c) || c === 45 || c === 58 || (isHexDigit(c) && (afterOperandKind(previous) || previous === LPAREN || previous === COMMA))) {
      let end = i;
      for (; end < length; end++) {
        const d = text.charCodeAt(end);
        if (!isBareChar(d) || (d === 114 && startsRawString(text, end))) break;
      }
      let bare = true;
      if (c === 45) {
        if (!isDigit(text.charCodeAt(i + 1))) return undefined; // a lone `-`
      } else if (!isDigit(c) && c !== 58) {
        const afterOperand = afterOperandKind(previous);
        let h = i;
        while (h < end && isHexDigit(text.charCodeAt(h))) h++;
        const separator = text.charCodeAt(h);
        if (h === end || (separator !== 58 && separator !== 45 && (separator !== 46 || !afterOperand))) bare = false;
      }
      if (bare) {
        push(BARE, i, end);
        i = end;
        continue;
      }
    }
    // Any / All, keywords, Identifier
    if (isLetter(c) || c === 95) {
      let j = i + 1;
      let emptySegment = false;
      let dotted = false;
      while (j < length) {
        const d = text.charCodeAt(j);
        if (d === 46) {
          if (text.charCodeAt(j - 1) === 46) emptySegment = true;
          dotted = true;
          j++;
        } else if (isIdentChar(d)) j++;
        else break;
      }
      const size = j - i;
      if (size === 3 && (text.startsWith('any', i) || text.startsWith('all', i))) {
        let k = j;
        while (isSpace(text.charCodeAt(k))) k++;
        if (text.charCodeAt(k) === 40) {
          push(text.charCodeAt(i + 1) === 110 ? ANY : ALL, i, j);
          i = j;
          continue;
        }
      }
      // A keyword: its whole spelling and no longer name (the identifier is the longer
      // alternative), or a spelling with a space (`strict wildcard`) longer than the name.
      // No keyword has a dot: a dotted name (most field names) is never one.
      let keyword: Spelling | undefined;
      if (!dotted) for (const candidate of KEYWORDS_BY_FIRST[c] ?? NO_SPELLINGS) {
        const spaced = candidate.text.length > size;
        if ((candidate.text.length === size || (spaced && candidate.text.charCodeAt(size) === 32)) && text.startsWith(candidate.text, i)) {
          keyword = candidate;
          break;
        }
      }
      if (keyword !== undefined) {
        const end = i + keyword.text.length;
        if (end > j) {
          // `strict wildcard`; anything glued to it is unusual: leave it to chevrotain.
          const after = text.charCodeAt(end);
          if (isIdentChar(after) || after === 46) return undefined;
        }
        push(keyword.kind, i, end, keyword.operator);
        i = end;
        continue;
      }
      // An empty segment (`a..b`, `a.`) is reported by the parser.
      if (emptySegment || text.charCodeAt(j - 1) === 46) return undefined;
      push(ID, i, j);
      i = j;
      continue;
    }
    // Operator symbols, longest first
    const symbols = c < 128 ? SYMBOLS_BY_FIRST[c] : undefined;
    if (symbols !== undefined) {
      let symbol: Spelling | undefined;
      for (const candidate of symbols) {
        if (candidate.text.length === 1 || text.startsWith(candidate.text, i)) {
          symbol = candidate;
          break;
        }
      }
      if (symbol !== undefined) {
        push(symbol.kind, i, i + symbol.text.length, symbol.operator);
        i += symbol.text.length;
        continue;
      }
    }
    let kind: number;
    switch (c) {
      case 40: kind = LPAREN; break;
      case 41: kind = RPAREN; break;
      case 91: kind = LBRACKET; break;
      case 93: kind = RBRACKET; break;
      case 123: kind = LCURLY; break;
      case 125: kind = RCURLY; break;
      case 44: kind = COMMA; break;
      case 42: kind = STAR; break;
      default: return undefined;
    }
    push(kind, i, i + 1);
    i++;
  }
  return { kinds, starts, ends, operators };
}

/** Thrown to abandon the fast path; caught in {@link fastParse}. */
const BAIL = new Error('fast parser bailed out');

/** Deep enough for any realistic rule; deeper input goes to chevrotain (which also reports the limit). */
const MAX_FAST_DEPTH = 256;

class FastParser {
  private position = 0;
  private depth = 0;
  private bag: DiagnosticBag | undefined;
  private readonly kinds: number[];
  private readonly starts: number[];
  private readonly ends: number[];
  private readonly operators: (ComparisonOperator | undefined)[];

  constructor(
    private readonly text: string,
    tokens: Tokens,
    private readonly base: number,
    private readonly maxDepth: number,
  ) {
    this.kinds = tokens.kinds;
    this.starts = tokens.starts;
    this.ends = tokens.ends;
    this.operators = tokens.operators;
  }

  parse(): Expression {
    const expression = this.orExpression();
    if (this.position !== this.kinds.length) throw BAIL;
    return expression;
  }

  private peek(): number {
    return this.position < this.kinds.length ? this.kinds[this.position]! : EOF;
  }

  private span(index: number): Span {
    return { start: this.base + this.starts[index]!, end: this.base + this.ends[index]! };
  }

  private expect(kind: number): number {
    if (this.peek() !== kind) throw BAIL;
    return this.position++;
  }

  private enter(): number {
    const saved = this.depth;
    this.depth++;
    if (this.depth > this.maxDepth || this.depth > MAX_FAST_DEPTH) throw BAIL;
    return saved;
  }

  private logical(operator: LogicalOperator, kind: number, operand: () => Expression): Expression {
    const first = operand();
    if (this.peek() !== kind) return first;
    const operands = [first];
    while (this.peek() === kind) {
      this.position++;
      operands.push(operand());
    }
    return {
      kind: 'Logical',
      operator,
      operands,
      span: { start: first.span.start, end: operands[operands.length - 1]!.span.end },
    };
  }

  private orExpression = (): Expression => this.logical('or', OR, this.xorExpression);
  private xorExpression = (): Expression => this.logical('xor', XOR, this.andExpression);
  private andExpression = (): Expression => this.logical('and', AND, this.unaryExpression);

  private unaryExpression = (): Expression => {
    if (this.peek() !== NOT) return this.primaryExpression();
    const not = this.position++;
    const saved = this.enter();
    const operand = this.unaryExpression();
    this.depth = saved;
    const notSpan = this.span(not);
    return { kind: 'Not', operand, span: { start: notSpan.start, end: operand.span.end } };
  };

  private primaryExpression(): Expression {
    switch (this.peek()) {
      case LPAREN: {
        const open = this.position++;
        const saved = this.enter();
        const expression = this.orExpression();
        const close = this.expect(RPAREN);
        this.depth = saved;
        return { kind: 'Group', expression, span: { start: this.span(open).start, end: this.span(close).end } };
      }
      case ANY:
      case ALL:
        return this.quantifier();
      case TRUE:
        return { kind: 'True', span: this.span(this.position++) };
      case ID:
        return this.comparison();
      default:
        throw BAIL;
    }
  }

  private quantifier(): Expression {
    const keyword = this.position++;
    const saved = this.enter();
    this.expect(LPAREN);
    const argument = this.argument();
    const close = this.expect(RPAREN);
    this.depth = saved;
    // A literal argument is reported (QUANTIFIER_LITERAL_MESSAGE).
    if (argument.kind === 'String' || argument.kind === 'Bare' || argument.kind === 'Boolean') throw BAIL;
    return {
      kind: 'Quantifier',
      quantifier: this.kinds[keyword] === ANY ? 'any' : 'all',
      argument,
      span: { start: this.span(keyword).start, end: this.span(close).end },
    };
  }

  private comparison(): Expression {
    const left = this.value();
    const kind = this.peek();
    if (kind !== CMP && kind !== CMP_REGEX) return left;
    const operator = this.position++;
    const right = this.rightHandSide();
    return {
      kind: 'Comparison',
      left,
      operator: this.operators[operator]!,
      operatorSpan: this.span(operator),
      right,
      span: { start: left.span.start, end: right.span.end },
    };
  }

  private value(): ValueExpression {
    const name = this.expect(ID);
    const nameText = this.text.slice(this.starts[name], this.ends[name]);
    let value: ValueExpression = { kind: 'Field', name: nameText, span: this.span(name) };
    if (this.peek() === LPAREN) {
      this.position++;
      const saved = this.enter();
      const args: Argument[] = [];
      if (this.peek() !== RPAREN) {
        args.push(this.argument());
        while (this.peek() === COMMA) {
          this.position++;
          args.push(this.argument());
        }
      }
      const close = this.expect(RPAREN);
      this.depth = saved;
      const nameSpan = value.span;
      value = { kind: 'Call', name: nameText, nameSpan, args, span: { start: nameSpan.start, end: this.span(close).end } };
    }
    while (this.peek() === LBRACKET) {
      const open = this.position++;
      // `x [0]` is reported (SPACE_BEFORE_INDEX_MESSAGE).
      if (this.base + this.starts[open]! > value.span.end) throw BAIL;
      const index = this.indexSelector();
      const close = this.expect(RBRACKET);
      value = { kind: 'Index', object: value, index, span: { start: value.span.start, end: this.span(close).end } };
    }
    return value;
  }

  private indexSelector(): IndexSelector {
    switch (this.peek()) {
      case BARE: {
        const literal = this.bare();
        return { kind: 'ArrayIndex', literal, span: literal.span };
      }
      case QUOTED: {
        const literal = this.string();
        return { kind: 'MapKey', literal, span: literal.span };
      }
      case STAR:
        return { kind: 'MapEach', span: this.span(this.position++) };
      default:
        // Raw and regex strings as map keys are reported (MAP_KEY_NOT_QUOTED_MESSAGE).
        throw BAIL;
    }
  }

  /** argument = literal | comparison | or_expression, decided by the first token. */
  private argument(): Argument {
    switch (this.peek()) {
      case QUOTED:
      case RAW:
      case REGEX:
      case BARE:
        return this.literal();
      case ID:
        return this.comparison();
      case NOT:
      case LPAREN:
      case ANY:
      case ALL:
        return this.orExpression();
      default:
        // `true` (literal or expression: chevrotain's lookahead decides) and errors.
        throw BAIL;
    }
  }

  private rightHandSide(): RightHandSide {
    switch (this.peek()) {
      case LCURLY: {
        const open = this.position++;
        const items: Literal[] = [];
        for (;;) {
          const kind = this.peek();
          if (kind === QUOTED || kind === RAW || kind === REGEX || kind === BARE || kind === TRUE) items.push(this.literal());
          else break;
        }
        const close = this.expect(RCURLY);
        return { kind: 'Set', items, span: { start: this.span(open).start, end: this.span(close).end } };
      }
      case LIST: {
        const token = this.position++;
        const name = this.text.slice(this.starts[token]! + 1, this.ends[token]);
        if (name === '' || name.startsWith('.') || name.endsWith('.') || name.includes('..')) throw BAIL;
        return { kind: 'List', name, span: this.span(token) };
      }
      default:
        return this.literal();
    }
  }

  private literal(): Literal {
    switch (this.peek()) {
      case QUOTED:
      case RAW:
      case REGEX:
        return this.string();
      case BARE:
        return this.bare();
      case TRUE:
        return { kind: 'Boolean', span: this.span(this.position++) };
      default:
        throw BAIL;
    }
  }

  private bare(): Literal & { kind: 'Bare' } {
    const token = this.position++;
    return { kind: 'Bare', text: this.text.slice(this.starts[token], this.ends[token]), span: this.span(token) };
  }

  private string(): StringLiteral {
    const token = this.position++;
    const kind = this.kinds[token];
    const start = this.starts[token]!;
    const end = this.ends[token]!;
    const image = this.text.slice(start, end);
    const absolute = this.base + start;
    const bag = (this.bag ??= new DiagnosticBag(''));
    let literal: StringLiteral;
    if (kind === RAW) {
      let hashes = 0;
      while (image.charCodeAt(1 + hashes) === 35) hashes++;
      literal = decodeRawString(
        image,
        { hashes, contentStart: hashes + 2, contentEnd: image.length - 1 - hashes, terminated: true, opened: true },
        absolute,
        bag,
      );
    } else if (kind === REGEX) {
      literal = decodeRegexString(image, absolute, true, bag);
    } else {
      literal = decodeQuotedString(image, absolute, true, bag);
    }
    // An invalid escape is reported: leave it to chevrotain.
    if (bag.items.length > 0) throw BAIL;
    return literal;
  }
}

/**
 * Parses `text` (the trimmed expression, which starts at offset `base` of the source) on the
 * fast path. Returns the tree the chevrotain parser would build — with no diagnostics — or
 * `undefined` when the input needs the full parser (errors, diagnostics or rare constructs).
 */
export function fastParse(text: string, base: number, maxDepth: number): Expression | undefined {
  if (!enabled) return undefined;
  const tokens = scan(text);
  if (tokens === undefined || tokens.kinds.length === 0) return undefined;
  try {
    return new FastParser(text, tokens, base, maxDepth).parse();
  } catch (error) {
    if (error === BAIL) return undefined;
    if (error instanceof RangeError) return undefined; // out of stack: let chevrotain report it
    throw error;
  }
}
