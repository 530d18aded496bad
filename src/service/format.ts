/**
 * The formatter: a canonical printer of syntax trees.
 *
 * Formatting must never change what an expression means, so the printer only decides
 * whitespace and operator spelling: literals are copied from the source exactly as written
 * (`0443` stays octal, raw strings stay raw, regex strings keep their escapes), parentheses
 * are kept (they are `Group` nodes), and line breaks go only where the grammar allows
 * whitespace (never before `[`). Its output depends only on the tree and the literal texts,
 * which is what makes it idempotent.
 *
 * Layout: everything on one line while it fits in `width`; a logical chain that does not
 * fit gets one operand per line with the operator leading, a nested chain of a tighter
 * operator is indented one level, a parenthesised group that does not fit puts its content
 * on its own indented lines, and a long set is filled over indented lines.
 *
 * @module
 */
import type { Argument, Expression, IndexSelector, Literal, RightHandSide, SetLiteral, ValueExpression } from '../syntax/ast.js';
import { symbolicSpelling } from '../syntax/operators.js';
import { parseExpression } from '../syntax/parser.js';
import { requireString } from '../diagnostics/errors.js';
import type { FormatOptions } from './types.js';

export type { FormatOptions };

/** Raised for trees the printer cannot print faithfully (they hold error nodes). */
class UnprintableTree extends Error {}

/**
 * Formats an expression canonically. Returns `undefined` when the text has syntax errors
 * (the formatter never guesses at broken input). Names are not checked: an expression with
 * unknown fields formats fine.
 */
export function formatExpression(text: string, options: FormatOptions = {}): string | undefined {
  requireString(text, 'the expression');
  // The length limit is a validation rule, not a syntactic one: long expressions format too.
  const parsed = parseExpression(text, { maxExpressionLength: text.length, maxNestingDepth: options.maxNestingDepth });
  if (parsed.ast === undefined || parsed.diagnostics.some((d) => d.severity === 'error')) return undefined;
  try {
    return new Printer(text, options).expression(parsed.ast, 0, 0, 0);
  } catch (error) {
    if (error instanceof UnprintableTree) return undefined;
    throw error;
  }
}

/** Column after appending `text` at `column` (text may contain line breaks in literals). */
function columnAfter(column: number, text: string): number {
  const newline = text.lastIndexOf('\n');
  return newline < 0 ? column + text.length : text.length - newline - 1;
}

class Printer {
  private readonly width: number;
  private readonly unit: string;
  private readonly symbolic: boolean;
  private readonly flatCache = new WeakMap<object, string>();

  constructor(
    private readonly source: string,
    options: FormatOptions,
  ) {
    this.width = options.width ?? 100;
    // Only spaces indent: a TAB is not whitespace in the Rules language (an editor asking for
    // tabs gets four spaces per level), and a bad count must not throw.
    const unit =
      typeof options.indent === 'number'
        ? ' '.repeat(Number.isFinite(options.indent) ? Math.min(Math.max(0, Math.trunc(options.indent)), 32) : 2)
        : (options.indent ?? '  ');
    this.unit = unit.replace(/\t/g, '    ').replace(/[^ ]/g, ' ');
    this.symbolic = options.operators === 'symbolic';
  }

  private spell(operator: string): string {
    return this.symbolic ? (symbolicSpelling(operator) ?? operator) : operator;
  }

  private indent(level: number): string {
    return this.unit.repeat(level);
  }

  private fits(column: number, text: string): boolean {
    return column + text.length <= this.width;
  }

  /** The node on one line (memoised: layout asks for it at every level). */
  private flat(node: Expression | Argument): string {
    let text = this.flatCache.get(node);
    if (text === undefined) {
      text = this.print(node, 0, 0, 0, true);
      this.flatCache.set(node, text);
    }
    return text;
  }

  /**
   * Prints `node` starting at `column` on a line indented `level` times. `chain` is the
   * indentation of continuation lines if `node` is a logical chain that must break.
   */
  expression(node: Expression | Argument, level: number, column: number, chain: number): string {
    const flat = this.flat(node);
    if (this.fits(column, flat)) return flat;
    return this.print(node, level, column, chain, false);
  }

  private print(node: Expression | Argument, level: number, column: number, chain: number, flat: boolean): string {
    switch (node.kind) {
      case 'Logical': {
        const operator = this.spell(node.operator);
        if (flat) return node.operands.map((o) => this.flat(o)).join(` ${operator} `);
        // One operand per line, operator first; operands that are chains themselves
        // (tighter operators) continue one level deeper.
        let out = this.expression(node.operands[0]!, level, column, chain + 1);
        for (const operand of node.operands.slice(1)) {
          const prefix = `${this.indent(chain)}${operator} `;
          out += `\n${prefix}${this.expression(operand, chain, prefix.length, chain + 1)}`;
        }
        return out;
      }
      case 'Group': {
        if (flat) return `(${this.flat(node.expression)})`;
        const inner = this.indent(level + 1);
        return `(\n${inner}${this.expression(node.expression, level + 1, inner.length, level + 1)}\n${this.indent(level)})`;
      }
      case 'Not': {
        const prefix = this.symbolic ? '!' : 'not ';
        return prefix + (flat ? this.flat(node.operand) : this.expression(node.operand, level, column + prefix.length, chain));
      }
      case 'Quantifier': {
        const prefix = `${node.quantifier}(`;
        return `${prefix}${flat ? this.flat(node.argument) : this.expression(node.argument, level, column + prefix.length, level + 1)})`;
      }
      case 'Comparison': {
        const head = `${this.value(node.left, level, column, flat)} ${this.spell(node.operator)} `;
        if (node.right.kind === 'Set' && !flat) {
          const start = columnAfter(column, head);
          const set = this.flatSet(node.right);
          if (!this.fits(start, set) && node.right.items.length > 1) return head + this.filledSet(node.right, level);
        }
        return head + this.rightHandSide(node.right);
      }
      case 'True':
        return 'true';
      case 'Field':
      case 'Call':
      case 'Index':
        return this.value(node, level, column, flat);
      case 'String':
      case 'Bare':
      case 'Boolean':
        return this.literal(node);
      case 'Error':
        throw new UnprintableTree();
    }
  }

  private value(node: ValueExpression, level: number, column: number, flat: boolean): string {
    switch (node.kind) {
      case 'Field':
        return node.name;
      case 'Call': {
        let out = `${node.name}(`;
        node.args.forEach((arg, i) => {
          if (i > 0) out += ', ';
          out += flat ? this.flat(arg) : this.expression(arg, level, columnAfter(column, out), level + 1);
        });
        return `${out})`;
      }
      case 'Index': {
        // An index chain (`x[0][0]…`) is as long as the input allows and no nesting limit
        // bounds it: walk it in a loop, not by recursion.
        const selectors: string[] = [];
        let base: ValueExpression = node;
        while (base.kind === 'Index') {
          selectors.push(`[${this.selector(base.index)}]`);
          base = base.object;
        }
        return this.value(base, level, column, flat) + selectors.reverse().join('');
      }
    }
  }

  private selector(index: IndexSelector): string {
    return index.kind === 'MapEach' ? '*' : this.literal(index.literal);
  }

  private rightHandSide(node: RightHandSide): string {
    switch (node.kind) {
      case 'Set':
        return this.flatSet(node);
      case 'List':
        return `$${node.name}`;
      case 'Error':
        throw new UnprintableTree();
      default:
        return this.literal(node);
    }
  }

  private flatSet(set: SetLiteral): string {
    return `{${set.items.map((i) => this.literal(i)).join(' ')}}`;
  }

  /** A set too wide for its line: items filled over lines one level deeper. */
  private filledSet(set: SetLiteral, level: number): string {
    const inner = this.indent(level + 1);
    const lines: string[] = [];
    let line = '';
    for (const item of set.items) {
      const text = this.literal(item);
      if (line !== '' && !this.fits(inner.length + line.length + 1, text)) {
        lines.push(line);
        line = text;
      } else {
        line = line === '' ? text : `${line} ${text}`;
      }
    }
    lines.push(line);
    return `{\n${lines.map((l) => inner + l).join('\n')}\n${this.indent(level)}}`;
  }

  /** A literal exactly as written: its meaning can depend on every character. */
  private literal(node: Literal): string {
    return node.kind === 'Boolean' ? 'true' : this.source.slice(node.span.start, node.span.end);
  }
}
