/**
 * What every operator means and which left-hand types take it, for completion details and
 * hover text: derived from the operator tables (`src/syntax/operators.ts`), plus the other
 * constructs hover explains.
 *
 * @module
 */
import type { Type } from '../scheme/types.js';
import {
  acceptsLeftType,
  COMPARISON_OPERATOR_DOCS,
  COMPARISON_OPERATOR_TABLE,
  LOGICAL_OPERATOR_DOCS,
  LOGICAL_OPERATOR_TABLE,
  type OperatorSwitches,
  type OperatorText,
} from '../syntax/operators.js';

/** Documentation of one operator (or operator-like construct). */
export interface OperatorDoc {
  /** The English spelling, as in the syntax tree (`eq`, `strict wildcard`, `and`). */
  name: string;
  /** The symbolic spelling, when the language has one (`==`, `&&`). */
  symbol?: string;
  /** A few words for completion details, e.g. "equal". */
  title: string;
  /** Markdown: what it does, on which types, with an example. */
  description: string;
}

// Pure: bundlers may drop the tables below wherever nothing reads them.
const doc = /* @__NO_SIDE_EFFECTS__ */ (name: string, symbol: string | undefined, title: string, description: string): OperatorDoc => ({
  name,
  ...(symbol !== undefined && { symbol }),
  title,
  description,
});

const documented = /* @__NO_SIDE_EFFECTS__ */ <Name extends string>(
  operators: readonly { readonly name: Name; readonly symbol?: string }[],
  texts: { readonly [N in Name]: OperatorText },
): OperatorDoc[] => operators.map(({ name, symbol }) => doc(name, symbol, texts[name].title, texts[name].description));

/** Documentation of the comparison operators, in the operator table's order. */
export const COMPARISON_OPERATORS: readonly OperatorDoc[] = documented(COMPARISON_OPERATOR_TABLE, COMPARISON_OPERATOR_DOCS);

/** Documentation of the logical operators, in the operator table's order. */
export const LOGICAL_OPERATORS: readonly OperatorDoc[] = documented(LOGICAL_OPERATOR_TABLE, LOGICAL_OPERATOR_DOCS);

/** Documentation of the other constructs hover explains. */
export const OTHER_CONSTRUCTS: readonly OperatorDoc[] = [
  doc('[*]', undefined, 'every element', 'Reads every element of an array (or every value of a map). A comparison on it yields one result per element: wrap it in `any(…)` or `all(…)`.\n\nExample: `any(http.request.headers["accept"][*] contains "json")`'),
  doc('$list', undefined, 'list reference', 'After `in`: a named list (IP, ASN or hostname list) managed outside the expression.\n\nExample: `ip.src in $office_ips`'),
  doc('any', undefined, 'any element is true', '`any(array_of_bool)`: true when at least one element is true (false for an empty array).\n\nExample: `any(http.request.headers.names[*] eq "x-debug")`'),
  doc('all', undefined, 'every element is true', '`all(array_of_bool)`: true when no element is false (true for an empty array, including a missing field).\n\nExample: `all(http.request.cookies["session"][*] ne "")`'),
  doc('true', undefined, 'always true', '`true` on its own matches every request.'),
];

// Built on first use: a top-level loop would be a side effect that keeps these tables in
// every bundle of the package, even one that never asks for documentation.
let byName: Map<string, OperatorDoc> | undefined;

/** The documentation of an operator by either spelling (`eq`, `==`, `[*]`, `$list`, …). */
export function operatorDoc(spelling: string): OperatorDoc | undefined {
  if (byName === undefined) {
    byName = new Map();
    for (const d of [...COMPARISON_OPERATORS, ...LOGICAL_OPERATORS, ...OTHER_CONSTRUCTS]) {
      byName.set(d.name, d);
      if (d.symbol !== undefined) byName.set(d.symbol, d);
    }
  }
  return byName.get(spelling);
}

/**
 * The comparison operators a value of `type` takes, by English name; `undefined` type
 * (an unknown name) gets every operator. Bool, Array and Map values take none: a Bool is
 * a condition on its own, and containers are compared through an index or `[*]`.
 */
export function operatorsFor(type: Type | undefined, options: OperatorSwitches = {}): string[] {
  const operators = type === undefined ? COMPARISON_OPERATOR_TABLE : COMPARISON_OPERATOR_TABLE.filter((operator) => acceptsLeftType(operator, type, options));
  return operators.map((operator) => operator.name);
}
