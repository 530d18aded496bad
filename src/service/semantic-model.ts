/**
 * The semantic model of the text being edited: the checker's types for the values written
 * in it. The editor features find a value by its tokens, which survive any breakage of the
 * text; its type comes from the checker's tolerant mode, run once over the whole text or —
 * where the parser's error recovery left that value out of the tree — over the value's own
 * text. There is no second type inferencer: what the editor shows is what the checker says.
 *
 * @module
 */
import { isConditionValue, typeValues, ValueTypes, type CheckEnvironment, type TypedValue } from '../check/checker.js';
import type { Span } from '../diagnostics/diagnostics.js';
import type { Type } from '../scheme/types.js';
import { parseExpression } from '../syntax/parser.js';
import { valueStart, type Token } from './analysis.js';

/** A value found in the text and its type. */
export interface ValueAt {
  /** Absolute span of the value in the text. */
  span: Span;
  /** The checker's type; `undefined` for an unknown name or a value it cannot type. */
  type: Type | undefined;
  /** The field's name when the value is a field reference (`http.host`). */
  field: string | undefined;
  /** Whether the value is a condition on its own (a `Bool`, or an `Array<Bool>` such as `starts_with(x[*], "a")`). */
  condition: boolean;
}

/** What a text the parser cannot read at all (over its length or nesting limit) holds. */
const NO_VALUES = /* @__PURE__ */ new ValueTypes(new Map());

/** The checker's view of one text, asked for lazily: requests that need no type cost nothing. */
export class SemanticModel {
  private wholeText: ValueTypes | undefined;

  constructor(
    private readonly text: string,
    private readonly tokens: readonly Token[],
    private readonly env: CheckEnvironment,
  ) {}

  /** The value (a field, a call, an index chain) ending with `tokens[end]`. */
  valueEndingAt(end: number): ValueAt | undefined {
    const start = valueStart(this.tokens, end);
    if (start === undefined) return undefined;
    const span = { start: this.tokens[start]!.start, end: this.tokens[end]!.end };
    const value = this.valueSpanning(span);
    if (value === undefined) return undefined;
    return { span, type: value.type, field: value.node.kind === 'Field' ? value.node.name : undefined, condition: isConditionValue(value) };
  }

  /** The text of a span. */
  source(span: Span): string {
    return this.text.slice(span.start, span.end);
  }

  /** The left-hand side of the comparison operator at `tokens[operator]`. */
  leftOperand(operator: number): ValueAt | undefined {
    return operator > 0 ? this.valueEndingAt(operator - 1) : undefined;
  }

  private valueSpanning(span: Span): TypedValue | undefined {
    this.wholeText ??= this.check(this.text);
    const found = this.wholeText.at(span);
    if (found !== undefined) return found;
    // The node's own spans are relative to the slice; only its kind and name are used.
    return this.check(this.text.slice(span.start, span.end)).at({ start: 0, end: span.end - span.start });
  }

  private check(text: string): ValueTypes {
    const { ast } = parseExpression(text);
    return ast === undefined ? NO_VALUES : typeValues(ast, this.env);
  }
}
