/**
 * What every operator means and which left-hand types take it: one table for completion
 * details, hover text and the formatter's symbolic spellings.
 *
 * @module
 */
import type { Type } from '../scheme/types.js';

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

/** Documentation of the comparison operators, by English name. */
export const COMPARISON_OPERATORS: readonly OperatorDoc[] = [
  doc('eq', '==', 'equal', 'True when the value equals the literal. Bytes compare byte for byte (case-sensitive), IPs by address.\n\nExample: `http.request.method eq "POST"`'),
  doc('ne', '!=', 'not equal', 'True when the value differs from the literal. A missing value makes the comparison false (unless `nilNotEqual`).\n\nExample: `http.request.method ne "GET"`'),
  doc('lt', '<', 'less than', 'Ordering: Int numerically, Bytes byte-wise (unsigned), Ip within one address family.\n\nExample: `cf.waf.score lt 20`'),
  doc('le', '<=', 'less than or equal', 'Ordering: Int numerically, Bytes byte-wise (unsigned), Ip within one address family.\n\nExample: `cf.bot_management.score le 30`'),
  doc('gt', '>', 'greater than', 'Ordering: Int numerically, Bytes byte-wise (unsigned), Ip within one address family.\n\nExample: `http.request.body.size gt 1000000`'),
  doc('ge', '>=', 'greater than or equal', 'Ordering: Int numerically, Bytes byte-wise (unsigned), Ip within one address family.\n\nExample: `cf.edge.server_port ge 8000`'),
  doc('contains', undefined, 'contains', 'Bytes only: true when the literal occurs anywhere in the value (case-sensitive).\n\nExample: `http.request.uri.path contains "/wp-admin"`'),
  doc('matches', '~', 'matches a regular expression', 'Bytes only: true when the Rust-syntax regular expression matches somewhere in the value (add `^…$` to anchor). Business plan or higher at Cloudflare.\n\nExample: `http.request.uri.path matches "^/api/v[0-9]+/"`'),
  doc('wildcard', undefined, 'wildcard match (case-insensitive)', 'Bytes only: the whole value matches the pattern, where `*` matches any run of bytes; ASCII letters compare case-insensitively.\n\nExample: `http.host wildcard "*.example.com"`'),
  doc('strict wildcard', undefined, 'wildcard match (case-sensitive)', 'Bytes only: like `wildcard`, but case-sensitive.\n\nExample: `http.request.uri.path strict wildcard "/Admin/*"`'),
  doc('in', undefined, 'in a set or list', 'True when the value is one of the set items `{…}` (values, `a..b` ranges, CIDRs for IPs; items separated by spaces) or in a `$list`.\n\nExample: `ip.src in {192.0.2.0/24 198.51.100.7}`'),
  doc('bitwise_and', '&', 'bitwise and', 'Int only: true when `value & literal` is not zero.\n\nExample: `cf.edge.server_port & 0x01`'),
];

/** Documentation of the logical operators, by English name. */
export const LOGICAL_OPERATORS: readonly OperatorDoc[] = [
  doc('and', '&&', 'logical and', 'True when both sides are true. Precedence: `not` > `and` > `xor` > `or`.'),
  doc('or', '||', 'logical or', 'True when either side is true. It binds loosest: `a or b and c` is `a or (b and c)`.'),
  doc('xor', '^^', 'logical exclusive or', 'True when exactly one side is true. Binds tighter than `or`, looser than `and`.'),
  doc('not', '!', 'logical not', 'Negates the condition after it. It applies after the comparison: `not http.host eq "a"` is `not (http.host eq "a")`, and is true when the field is missing.'),
];

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
export function operatorsFor(type: Type | undefined, options: { allowIpOrdering?: boolean } = {}): string[] {
  const all = COMPARISON_OPERATORS.map((d) => d.name);
  if (type === undefined) return all;
  const ordering = ['eq', 'ne', 'lt', 'le', 'gt', 'ge'];
  switch (type.kind) {
    case 'Bytes':
      return [...ordering, 'contains', 'matches', 'wildcard', 'strict wildcard', 'in'];
    case 'Int':
      return [...ordering, 'in', 'bitwise_and'];
    case 'Ip':
      return options.allowIpOrdering === false ? ['eq', 'ne', 'in'] : [...ordering, 'in'];
    default:
      return [];
  }
}
