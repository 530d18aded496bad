/**
 * Error recovery, the half of the parser that is not grammar: with it one pass reports
 * several syntax errors, and input that ends in the middle of a construct still yields the
 * tree parsed so far (so the checker can report its errors too). `parser.ts` extends
 * {@link RecoveringParser} and keeps only the grammar.
 *
 * @module
 */
// chevrotain is pinned to an exact version in package.json because this module overrides its internals.
import { EmbeddedActionsParser, EOF, type IRecognitionException, type IToken, type TokenType } from 'chevrotain';
import type { Span } from '../diagnostics/diagnostics.js';
import type {
  Argument,
  ComparisonOperator,
  ErrorNode,
  Expression,
  LogicalOperator,
  ValueExpression,
} from './ast.js';
import { Any, COMPARISON_OPERATOR_OF_TOKEN } from './tokens.js';

/** Syntax errors after which parsing stops: each recovery costs time and stack. */
export const MAX_SYNTAX_ERRORS = 25;

/** Thrown once {@link MAX_SYNTAX_ERRORS} syntax errors have been recorded; the errors so far are reported. */
export class TooManySyntaxErrors extends Error {
  constructor() {
    super(`more than ${MAX_SYNTAX_ERRORS} syntax errors`);
  }
}

/**
 * A construct being parsed. Rules keep their partial results in one of these so that, when
 * the input ends in the middle of the construct, {@link RecoveringParser.partialTree} can
 * close it with error nodes.
 */
export type Frame =
  | { kind: 'logical'; operator: LogicalOperator; operands: (Expression | undefined)[] }
  | { kind: 'not' | 'group' | 'quantifier'; token: IToken }
  | { kind: 'comparison'; left?: ValueExpression | ErrorNode; operator?: IToken }
  | { kind: 'value'; value: ValueExpression | ErrorNode }
  | { kind: 'call'; name: IToken; args: (Argument | undefined)[] };

const chevrotainSaveError = (EmbeddedActionsParser.prototype as unknown as { SAVE_ERROR(e: IRecognitionException): IRecognitionException }).SAVE_ERROR;

/**
 * An `EmbeddedActionsParser` whose recovery is bounded (in errors and in time) and which
 * can turn the constructs still open when parsing stopped into a partial tree. The grammar
 * subclass supplies how tokens map to spans and how nodes are built.
 */
export abstract class RecoveringParser extends EmbeddedActionsParser {
  /** Constructs being parsed, innermost last (see {@link Frame}). */
  protected frames: Frame[] = [];

  /** The span of `token` in the whole expression (a zero-width span for inserted tokens). */
  protected abstract tokenSpan(token: IToken): Span;

  /** An error node at the next token (the problem has been reported already). */
  protected abstract errorNode(): ErrorNode;

  /** Joins operands with a logical operator; a single operand stands alone. */
  protected abstract logical(operator: LogicalOperator, operands: (Expression | undefined)[]): Expression;

  // --- chevrotain internals ------------------------------------------------------------------

  /** Stops parsing after {@link MAX_SYNTAX_ERRORS} errors (overrides chevrotain's internal hook). */
  SAVE_ERROR(error: IRecognitionException): IRecognitionException {
    const saved = chevrotainSaveError.call(this, error);
    if (this.errors.length >= MAX_SYNTAX_ERRORS) throw new TooManySyntaxErrors();
    return saved;
  }

  /**
   * Chevrotain's re-sync search, which runs at every rule level while an error unwinds, tests
   * each following token against every token type of the whole follow stack — seconds for a
   * 4 KB expression nested 127 deep. Same answer (the first following token that can re-sync,
   * with the first follow type matching it), with one table lookup per token.
   */
  findReSyncTokenType(): TokenType {
    const follows = (this as unknown as { flattenFollowSet(): TokenType[] }).flattenFollowSet();
    const byIndex = new Map<number, TokenType>();
    for (const type of follows) {
      if (!byIndex.has(type.tokenTypeIdx!)) byIndex.set(type.tokenTypeIdx!, type);
      if (type.isParent) for (const member of type.categoryMatches!) if (!byIndex.has(member)) byIndex.set(member, type);
    }
    for (let k = 1; ; k++) {
      const token = this.LA(k);
      const found = byIndex.get(token.tokenTypeIdx);
      if (found !== undefined) return found;
      if (token.tokenType === EOF) return EOF; // EOF is always in the follow stack; never loop
    }
  }

  // --- partial trees -------------------------------------------------------------------------

  /** The smallest span covering `a` and `b`. */
  protected join(a: Span, b: Span): Span {
    return { start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
  }

  /**
   * After recovery a sub-rule may have produced nothing; stand in an error node (the
   * problem has been reported already).
   */
  protected present<T>(node: T | undefined): T | ErrorNode {
    return node ?? this.errorNode();
  }

  /** Opens `frame` (a rule has started a construct). */
  protected open<F extends Frame>(frame: F): F {
    this.frames.push(frame);
    return frame;
  }

  /** Closes `frame`, dropping frames left above it by sub-rules that failed and recovered. */
  protected close(frame: Frame): void {
    if (this.frames[this.frames.length - 1] === frame) {
      this.frames.pop();
      return;
    }
    const at = this.frames.lastIndexOf(frame);
    if (at >= 0) this.frames.length = at;
  }

  /** A condition in place of `node`: literals (and nothing at all) become error nodes. */
  private asExpression(node: Argument | undefined): Expression {
    if (node === undefined) return this.errorNode();
    return node.kind === 'String' || node.kind === 'Bare' || node.kind === 'Boolean' ? { kind: 'Error', span: node.span } : node;
  }

  /** Builds the partial tree from the open frames (innermost last) after the input ran out. */
  protected partialTree(): Expression {
    let child: Argument | undefined;
    for (let i = this.frames.length - 1; i >= 0; i--) {
      const frame = this.frames[i]!;
      switch (frame.kind) {
        case 'logical':
          child = this.logical(frame.operator, [...frame.operands, this.asExpression(child)]);
          break;
        case 'not': {
          const operand = this.asExpression(child);
          child = { kind: 'Not', operand, span: this.join(this.tokenSpan(frame.token), operand.span) };
          break;
        }
        case 'group': {
          const expression = this.asExpression(child);
          child = { kind: 'Group', expression, span: this.join(this.tokenSpan(frame.token), expression.span) };
          break;
        }
        case 'quantifier': {
          const argument = this.asExpression(child);
          const quantifier = frame.token.tokenType === Any ? ('any' as const) : ('all' as const);
          child = { kind: 'Quantifier', quantifier, argument, span: this.join(this.tokenSpan(frame.token), argument.span) };
          break;
        }
        case 'comparison': {
          const left = frame.left ?? (child as ValueExpression | undefined);
          if (left === undefined || left.kind === 'Error' || frame.operator === undefined) {
            child = left;
            break;
          }
          const right = this.errorNode();
          child = {
            kind: 'Comparison',
            left,
            operator: COMPARISON_OPERATOR_OF_TOKEN.get(frame.operator.tokenType) as ComparisonOperator,
            operatorSpan: this.tokenSpan(frame.operator),
            right,
            span: this.join(left.span, right.span),
          };
          break;
        }
        case 'call': {
          const args = [...frame.args.map((a) => this.present(a)), this.present(child)];
          const nameSpan = this.tokenSpan(frame.name);
          child = { kind: 'Call', name: frame.name.image, nameSpan, args, span: this.join(nameSpan, args[args.length - 1]!.span) };
          break;
        }
        case 'value':
          child = child ?? frame.value;
          break;
      }
    }
    this.frames = [];
    return this.asExpression(child);
  }
}
