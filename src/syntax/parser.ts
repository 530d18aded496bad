/**
 * The parser: tokens → syntax tree. One rule method per production of `grammar/rules.ebnf`
 * (a test keeps the two in step). Parsing never throws: syntax errors become diagnostics,
 * chevrotain's recovery lets one pass report several of them (`recovery.ts`; the wording is
 * in `messages.ts`), and nesting deeper than the configured limit is reported instead of
 * overflowing the stack.
 *
 * @module
 */
import type { IToken, ParserMethod, TokenType } from 'chevrotain';
import { DiagnosticBag, type Diagnostic, type Span } from '../diagnostics/diagnostics.js';
import { requireString } from '../diagnostics/errors.js';
import { isStackOverflow } from '../diagnostics/stack.js';
import { DEFAULT_MAX_EXPRESSION_LENGTH, DEFAULT_MAX_NESTING_DEPTH, normalizeOptions, type ParseOptions } from '../scheme/options.js';
import type {
  Argument,
  BareLiteral as BareLiteralNode,
  ComparisonOperator as ComparisonOperatorName,
  ErrorNode,
  Expression,
  IndexSelector,
  Literal,
  LogicalOperator,
  RightHandSide,
  SetLiteral,
  StringLiteral,
  ValueExpression,
} from './ast.js';
import { fastParse } from './fast-parser.js';
import { tokenize } from './lexer.js';
import { decodeQuotedString, decodeRawString, decodeRegexString } from './literals/string.js';
import {
  EXPECTED_CONDITION_MESSAGE,
  expressionTooLongMessage,
  invalidIdentifierMessage,
  invalidListNameMessage,
  MAP_KEY_NOT_QUOTED_MESSAGE,
  nestingLimitMessage,
  QUANTIFIER_LITERAL_MESSAGE,
  reportRecognitionError,
  SPACE_BEFORE_INDEX_MESSAGE,
  STACK_EXHAUSTED_MESSAGE,
  syntaxErrorMessages,
} from './messages.js';
import { RecoveringParser, TooManySyntaxErrors, type Frame } from './recovery.js';
import {
  allTokens,
  AndOperator,
  Any,
  BareLiteral,
  Comma,
  COMPARISON_OPERATOR_OF_TOKEN,
  ComparisonOperator,
  Identifier,
  LBracket,
  LCurly,
  ListReference,
  LParen,
  NotOperator,
  OrOperator,
  Quantifier,
  RawString,
  RBracket,
  RCurly,
  RegexString,
  RParen,
  Star,
  StringToken,
  True,
  XorOperator,
  type QuotedStringPayload,
  type RawStringPayload,
} from './tokens.js';

/**
 * A failure caused by running out of stack: a stack overflow, or another `RangeError` that
 * chevrotain's recovery raises when the stack is nearly exhausted (`Invalid array length`).
 */
function exhaustedStack(error: unknown): boolean {
  return isStackOverflow(error) || error instanceof RangeError;
}

/** Result of {@link parseExpression}: a tree (possibly with error nodes) and diagnostics. */
export interface ParseResult {
  /** The tree; `undefined` only when the input could not be parsed at all (length/depth limits). */
  ast: Expression | undefined;
  /** Syntax diagnostics, in source order. */
  diagnostics: Diagnostic[];
}


class NestingLimitExceeded extends Error {
  constructor(readonly span: Span) {
    super('nesting limit exceeded');
  }
}

/** False when a dotted name has an empty segment (`a..b`, `a.`). */
const EMPTY_SEGMENT = /(?:^|\.)(?:\.|$)/;
const isIdentifierValid = (name: string): boolean => !EMPTY_SEGMENT.test(name);

/** The chevrotain parser. Use {@link parseExpression}; this class is internal. */
class RulesParser extends RecoveringParser {
  private base = 0;
  private depth = 0;
  private maxDepth = DEFAULT_MAX_NESTING_DEPTH;
  private bag = new DiagnosticBag('');

  /**
   * `validate` runs chevrotain's grammar validations (ambiguities, left recursion, …): a test
   * does (see {@link grammarDefinitionErrors}); the parsers in use skip them, which is a third
   * of their construction time and so of the CLI's start.
   */
  constructor(recovery = true, validate = false) {
    super(allTokens, { recoveryEnabled: recovery, errorMessageProvider: syntaxErrorMessages, maxLookahead: 2, skipValidations: !validate });
    this.performSelfAnalysis();
  }

  /** Parses `tokens` lexed from a slice starting at absolute offset `base`. */
  run(tokens: IToken[], base: number, maxDepth: number, bag: DiagnosticBag): Expression {
    this.base = base;
    this.depth = 0;
    this.maxDepth = maxDepth;
    this.bag = bag;
    this.frames = [];
    this.input = tokens;
    return this.filter();
  }

  // --- spans and nodes ---------------------------------------------------------------------

  protected tokenSpan(token: IToken): Span {
    if (Number.isNaN(token.startOffset) || token.isInsertedInRecovery) {
      const previous = this.LA(0);
      const at = Number.isNaN(previous.startOffset) ? this.base : this.base + previous.startOffset + previous.image.length;
      return { start: at, end: at };
    }
    return { start: this.base + token.startOffset, end: this.base + token.startOffset + token.image.length };
  }

  protected errorNode(): ErrorNode {
    return { kind: 'Error', span: this.tokenSpan(this.LA(1)) };
  }

  protected logical(operator: LogicalOperator, parsed: (Expression | undefined)[]): Expression {
    const operands = parsed.map((o) => this.present(o));
    if (operands.length === 1) return operands[0]!;
    return { kind: 'Logical', operator, operands, span: this.join(operands[0]!.span, operands[operands.length - 1]!.span) };
  }

  /** Counts one level of nesting; returns the depth the rule restores when it ends. */
  private enter(token: IToken): number {
    const saved = this.depth;
    this.depth++;
    if (this.depth > this.maxDepth) throw new NestingLimitExceeded(this.tokenSpan(token));
    return saved;
  }

  // --- grammar ------------------------------------------------------------------------------

  /** filter = or_expression EOF */
  private filter = this.RULE('filter', (): Expression => this.SUBRULE(this.orExpression), {
    recoveryValueFunc: () => this.partialTree(),
  });

  /**
   * A rule for `operand { OPERATOR operand }`, the shape of the three logical levels: one
   * n-ary node per run of the same operator. `operand` is read when the rule runs, so a
   * rule may name one defined after it.
   */
  private logicalRule(
    name: string,
    operator: LogicalOperator,
    operatorToken: TokenType,
    operand: () => ParserMethod<[], Expression>,
  ): ParserMethod<[], Expression> {
    return this.RULE(
      name,
      (): Expression => {
        const frame = this.ACTION(() => this.open<Frame & { kind: 'logical' }>({ kind: 'logical', operator, operands: [] }));
        const first = this.SUBRULE(operand());
        this.ACTION(() => frame.operands.push(first));
        this.MANY(() => {
          this.CONSUME(operatorToken);
          const next = this.SUBRULE2(operand());
          this.ACTION(() => frame.operands.push(next));
        });
        return this.ACTION(() => {
          this.close(frame);
          return this.logical(operator, frame.operands);
        });
      },
      { recoveryValueFunc: () => this.errorNode() },
    );
  }

  /** or_expression = xor_expression { ( "or" | "||" ) xor_expression } */
  private orExpression = this.logicalRule('orExpression', 'or', OrOperator, () => this.xorExpression);

  /** xor_expression = and_expression { ( "xor" | "^^" ) and_expression } */
  private xorExpression = this.logicalRule('xorExpression', 'xor', XorOperator, () => this.andExpression);

  /** and_expression = unary_expression { ( "and" | "&&" ) unary_expression } */
  private andExpression = this.logicalRule('andExpression', 'and', AndOperator, () => this.unaryExpression);

  /** unary_expression = ( "not" | "!" ) unary_expression | primary_expression */
  private unaryExpression = this.RULE(
    'unaryExpression',
    (): Expression =>
      this.OR([
        {
          ALT: () => {
            const not = this.CONSUME(NotOperator);
            const saved = this.ACTION(() => this.enter(not));
            const frame = this.ACTION(() => this.open({ kind: 'not', token: not }));
            const parsed = this.SUBRULE(this.unaryExpression);
            return this.ACTION(() => {
              this.close(frame);
              this.depth = saved;
              const operand = this.present(parsed);
              return { kind: 'Not' as const, operand, span: this.join(this.tokenSpan(not), operand.span) };
            });
          },
        },
        { ALT: () => this.SUBRULE(this.primaryExpression) },
      ]),
    { recoveryValueFunc: () => this.errorNode() },
  );

  /** primary_expression = "(" or_expression ")" | quantifier | "true" | comparison */
  private primaryExpression = this.RULE(
    'primaryExpression',
    (): Expression =>
      this.OR([
        {
          ALT: () => {
            const open = this.CONSUME(LParen);
            const saved = this.ACTION(() => this.enter(open));
            const frame = this.ACTION(() => this.open({ kind: 'group', token: open }));
            const parsed = this.SUBRULE(this.orExpression);
            const close = this.CONSUME(RParen);
            return this.ACTION(() => {
              this.close(frame);
              this.depth = saved;
              const expression = this.present(parsed);
              return { kind: 'Group' as const, expression, span: this.join(this.tokenSpan(open), this.tokenSpan(close)) };
            });
          },
        },
        { ALT: () => this.SUBRULE(this.quantifier) },
        {
          ALT: () => {
            const token = this.CONSUME(True);
            return this.ACTION(() => ({ kind: 'True' as const, span: this.tokenSpan(token) }));
          },
        },
        { ALT: () => this.SUBRULE(this.comparison) },
      ]),
    { recoveryValueFunc: () => this.errorNode() },
  );

  /** quantifier = ( "any" | "all" ) "(" argument ")" */
  private quantifier = this.RULE(
    'quantifier',
    (): Expression => {
      const keyword = this.CONSUME(Quantifier);
      const saved = this.ACTION(() => this.enter(keyword));
      const frame = this.ACTION(() => this.open({ kind: 'quantifier', token: keyword }));
      this.CONSUME(LParen);
      const parsed = this.SUBRULE(this.argument);
      const close = this.CONSUME(RParen);
      return this.ACTION(() => {
        this.close(frame);
        this.depth = saved;
        const argument = this.present(parsed);
        const expression: Expression =
          argument.kind === 'String' || argument.kind === 'Bare' || argument.kind === 'Boolean'
            ? this.literalAsExpression(argument)
            : argument;
        return {
          kind: 'Quantifier' as const,
          quantifier: keyword.tokenType === Any ? ('any' as const) : ('all' as const),
          argument: expression,
          span: this.join(this.tokenSpan(keyword), this.tokenSpan(close)),
        };
      });
    },
    { recoveryValueFunc: () => this.errorNode() },
  );

  private literalAsExpression(literal: Literal): Expression {
    this.bag.error('type-mismatch', QUANTIFIER_LITERAL_MESSAGE, literal.span);
    return { kind: 'Error', span: literal.span };
  }

  /** comparison = value [ comparison_operator right_hand_side ] */
  private comparison = this.RULE(
    'comparison',
    (): Expression => {
      const frame = this.ACTION(() => this.open<Frame & { kind: 'comparison' }>({ kind: 'comparison' }));
      const left = this.SUBRULE(this.value);
      this.ACTION(() => (frame.left = left));
      let operator: IToken | undefined;
      let right: RightHandSide | undefined;
      this.OPTION(() => {
        operator = this.CONSUME(ComparisonOperator);
        this.ACTION(() => (frame.operator = operator));
        right = this.SUBRULE(this.rightHandSide);
      });
      return this.ACTION(() => {
        this.close(frame);
        if (left === undefined || left.kind === 'Error') return this.present<Expression>(undefined);
        if (operator === undefined) return left;
        if (right === undefined) right = this.errorNode();
        return {
          kind: 'Comparison' as const,
          left,
          operator: COMPARISON_OPERATOR_OF_TOKEN.get(operator.tokenType) as ComparisonOperatorName,
          operatorSpan: this.tokenSpan(operator),
          right,
          span: this.join(left.span, right.span),
        };
      });
    },
    { recoveryValueFunc: () => this.errorNode() },
  );

  /** value = identifier [ "(" [ argument { "," argument } ] ")" ] { index } */
  private value = this.RULE('value', (): ValueExpression | ErrorNode => {
    const name = this.CONSUME(Identifier);
    let value: ValueExpression | ErrorNode = this.ACTION(() => {
      const span = this.tokenSpan(name);
      if (!isIdentifierValid(name.image)) {
        this.bag.error('invalid-identifier', invalidIdentifierMessage(name.image), span);
      }
      return { kind: 'Field' as const, name: name.image, span };
    });
    const frame = this.ACTION(() => this.open({ kind: 'value', value }));
    this.OPTION(() => {
      this.CONSUME(LParen);
      const saved = this.ACTION(() => this.enter(name));
      const call = this.ACTION(() => this.open<Frame & { kind: 'call' }>({ kind: 'call', name, args: [] }));
      const args: Argument[] = [];
      this.OPTION2(() => {
        const first = this.SUBRULE(this.argument);
        this.ACTION(() => call.args.push(first));
        args.push(first);
        this.MANY(() => {
          this.CONSUME(Comma);
          const next = this.SUBRULE2(this.argument);
          this.ACTION(() => call.args.push(next));
          args.push(next);
        });
      });
      const close = this.CONSUME(RParen);
      value = this.ACTION(() => {
        this.close(call);
        this.depth = saved;
        const nameSpan = this.tokenSpan(name);
        const present = args.map((a) => this.present(a));
        return { kind: 'Call' as const, name: name.image, nameSpan, args: present, span: this.join(nameSpan, this.tokenSpan(close)) };
      });
    });
    this.MANY2(() => {
      const open = this.CONSUME(LBracket);
      const index = this.SUBRULE(this.indexSelector);
      const close = this.CONSUME(RBracket);
      value = this.ACTION(() => {
        const object = value;
        if (object.kind === 'Error' || index === undefined) return object;
        const openSpan = this.tokenSpan(open);
        if (openSpan.start > object.span.end) {
          this.bag.error('unexpected-input', SPACE_BEFORE_INDEX_MESSAGE, { start: object.span.end, end: openSpan.end });
        }
        return { kind: 'Index' as const, object, index, span: this.join(object.span, this.tokenSpan(close)) };
      });
      this.ACTION(() => (frame.value = value));
    });
    this.ACTION(() => this.close(frame));
    return value;
  }, { recoveryValueFunc: () => this.errorNode() });

  /** index = bare_literal | quoted_string | "*" */
  private indexSelector = this.RULE('indexSelector', (): IndexSelector =>
    this.OR([
      {
        ALT: () => {
          const token = this.CONSUME(BareLiteral);
          return this.ACTION(() => {
            const literal = this.bareLiteral(token);
            return { kind: 'ArrayIndex' as const, literal, span: literal.span };
          });
        },
      },
      {
        ALT: () => {
          const token = this.CONSUME(StringToken);
          return this.ACTION(() => {
            const literal = this.stringLiteral(token);
            if (literal.form !== 'quoted') {
              this.bag.error('expected-token', MAP_KEY_NOT_QUOTED_MESSAGE, literal.span);
            }
            return { kind: 'MapKey' as const, literal, span: literal.span };
          });
        },
      },
      {
        ALT: () => {
          const token = this.CONSUME(Star);
          return this.ACTION(() => ({ kind: 'MapEach' as const, span: this.tokenSpan(token) }));
        },
      },
    ]),
  );

  /**
   * argument = literal | comparison | or_expression — decided by the first token, as the
   * engine does (spec §3.3): a name starts a single comparison; `(`, `not`, `!`, `any(`,
   * `all(` start a full logical expression.
   */
  private argument = this.RULE(
    'argument',
    (): Argument =>
      this.OR({
        IGNORE_AMBIGUITIES: true,
        DEF: [
          { ALT: () => this.SUBRULE(this.literal) },
          { ALT: () => this.SUBRULE(this.comparison) },
          { GATE: () => this.LA(1).tokenType !== Identifier, ALT: () => this.SUBRULE(this.orExpression) },
        ],
      }),
    { recoveryValueFunc: () => this.errorNode() },
  );

  /** right_hand_side = set | list_reference | literal */
  private rightHandSide = this.RULE(
    'rightHandSide',
    (): RightHandSide =>
      this.OR([
        { ALT: () => this.SUBRULE(this.setLiteral) },
        {
          ALT: () => {
            const token = this.CONSUME(ListReference);
            return this.ACTION(() => {
              const span = this.tokenSpan(token);
              const name = token.image.slice(1);
              if (name === '' || name.startsWith('.') || name.endsWith('.') || name.includes('..')) {
                this.bag.error('invalid-list-name', invalidListNameMessage(token.image), span);
              }
              return { kind: 'List' as const, name, span };
            });
          },
        },
        { ALT: () => this.SUBRULE(this.literal) },
      ]),
    { recoveryValueFunc: () => this.errorNode() },
  );

  /** set = "{" { literal } "}" — items separated by whitespace only */
  private setLiteral = this.RULE('setLiteral', (): SetLiteral => {
    const open = this.CONSUME(LCurly);
    const items: Literal[] = [];
    this.MANY(() => {
      items.push(this.SUBRULE(this.literal));
    });
    const close = this.CONSUME(RCurly);
    return this.ACTION(() => ({ kind: 'Set' as const, items: items.filter((i) => i !== undefined), span: this.join(this.tokenSpan(open), this.tokenSpan(close)) }));
  });

  /** literal = string | raw_string | bare_literal | "true" */
  private literal = this.RULE('literal', (): Literal =>
    this.OR([
      {
        ALT: () => {
          const token = this.CONSUME(StringToken);
          return this.ACTION(() => this.stringLiteral(token));
        },
      },
      {
        ALT: () => {
          const token = this.CONSUME(BareLiteral);
          return this.ACTION(() => this.bareLiteral(token));
        },
      },
      {
        ALT: () => {
          const token = this.CONSUME(True);
          return this.ACTION(() => ({ kind: 'Boolean' as const, span: this.tokenSpan(token) }));
        },
      },
    ]),
  );

  private stringLiteral(token: IToken): StringLiteral {
    const start = this.base + token.startOffset;
    if (token.tokenType === RawString) return decodeRawString(token.image, token.payload as RawStringPayload, start, this.bag);
    const { terminated } = token.payload as QuotedStringPayload;
    if (token.tokenType === RegexString) return decodeRegexString(token.image, start, terminated, this.bag);
    return decodeQuotedString(token.image, start, terminated, this.bag);
  }

  private bareLiteral(token: IToken): BareLiteralNode {
    return { kind: 'Bare', text: token.image, span: this.tokenSpan(token) };
  }
}

let parser: RulesParser | undefined;
/** Without error recovery: the fallback when recovery runs out of stack. */
let strictParser: RulesParser | undefined;

/** Rust's `str::trim` (the engine trims the input): the Unicode White_Space property, unlike JS `\s` (no U+FEFF, with U+0085). */
const UNICODE_SPACE = /\p{White_Space}/u;
const isUnicodeSpace = (c: string): boolean => {
  const code = c.charCodeAt(0);
  // ASCII: tab, line feed, vertical tab, form feed, carriage return and space.
  return code < 0x80 ? code === 0x20 || (code >= 0x09 && code <= 0x0d) : UNICODE_SPACE.test(c);
};

/**
 * Parses an expression into a syntax tree. Never throws: every problem is a diagnostic.
 * Whitespace around the expression (any Unicode whitespace) is ignored, as in the engine;
 * spans refer to the text exactly as given.
 */
export function parseExpression(source: string, options?: ParseOptions): ParseResult {
  return parseWithOptions(source, normalizeOptions(options, 'parse options'));
}

/** {@link parseExpression} with options already validated (the engine's path). */
export function parseWithOptions(source: string, options: Readonly<ParseOptions>): ParseResult {
  requireString(source, 'the expression');
  const bag = new DiagnosticBag(source);
  const maxLength = options.maxExpressionLength ?? DEFAULT_MAX_EXPRESSION_LENGTH;
  if (source.length > maxLength) {
    bag.error('expression-too-long', expressionTooLongMessage(source.length, maxLength), {
      start: maxLength,
      end: source.length,
    });
    return { ast: undefined, diagnostics: bag.sorted() };
  }
  let start = 0;
  let end = source.length;
  while (start < end && isUnicodeSpace(source[start]!)) start++;
  while (end > start && isUnicodeSpace(source[end - 1]!)) end--;
  const text = source.slice(start, end);
  const maxDepth = options.maxNestingDepth ?? DEFAULT_MAX_NESTING_DEPTH;
  // The common, error-free case: a hand-written parser that mirrors this one (fast-parser.ts)
  // and leaves anything else — every error and diagnostic — to chevrotain below.
  const fast = fastParse(text, start, maxDepth);
  if (fast !== undefined) return { ast: fast, diagnostics: [] };
  const tokens = tokenize(text, start, bag);
  /** One parse into its own bag (merged only if it completes). */
  const attempt = (p: RulesParser): { ast: Expression | undefined; diagnostics: Diagnostic[] } => {
    const attemptBag = new DiagnosticBag(source);
    try {
      const tree = p.run(tokens, start, maxDepth, attemptBag);
      for (const error of p.errors) reportRecognitionError(error, start, end, attemptBag);
      return { ast: tree, diagnostics: attemptBag.items };
    } catch (error) {
      if (error instanceof TooManySyntaxErrors) {
        for (const recognition of p.errors) reportRecognitionError(recognition, start, end, attemptBag);
      } else if (error instanceof NestingLimitExceeded) {
        attemptBag.error('nesting-limit-exceeded', nestingLimitMessage(maxDepth), error.span);
      } else throw error;
      return { ast: undefined, diagnostics: attemptBag.items };
    }
  };
  parser ??= new RulesParser();
  let result: { ast: Expression | undefined; diagnostics: Diagnostic[] };
  try {
    result = attempt(parser);
  } catch (error) {
    if (!exhaustedStack(error)) throw error;
    // Error recovery deep in a nested expression needs more stack than the runtime had left
    // (before the JIT has warmed up, a few dozen levels can be enough): parse again without
    // recovery, which reports the first syntax error exactly.
    try {
      strictParser ??= new RulesParser(false);
      result = attempt(strictParser);
    } catch (again) {
      if (!exhaustedStack(again)) throw again;
      // The configured depth limit was too generous for this runtime's stack.
      const tooDeep = new DiagnosticBag(source);
      tooDeep.error('nesting-limit-exceeded', STACK_EXHAUSTED_MESSAGE, { start, end });
      result = { ast: undefined, diagnostics: tooDeep.items };
    }
  }
  bag.items.push(...result.diagnostics);
  const ast = result.ast;
  if (ast === undefined && !bag.hasErrors) {
    bag.error('expected-token', EXPECTED_CONDITION_MESSAGE, { start, end });
  }
  return { ast, diagnostics: bag.sorted() };
}

/**
 * Builds the parser with chevrotain's grammar validations on and returns what they report
 * (construction throws on definition errors; the message is returned instead). For tests.
 */
export function grammarDefinitionErrors(): string[] {
  try {
    new RulesParser(true, true);
    return [];
  } catch (error) {
    return [(error as Error).message];
  }
}

/** The parser's grammar, serialised for syntax diagrams and the grammar sync test. */
export function serializedGrammar(): ReturnType<RulesParser['getSerializedGastProductions']> {
  parser ??= new RulesParser();
  return parser.getSerializedGastProductions();
}
