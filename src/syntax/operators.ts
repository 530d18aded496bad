/**
 * The operator table: every comparison operator of the Rules language in one row — its
 * spellings, the left-hand types it applies to (and the option that can switch it off), and
 * how its right-hand side is read — and the logical operators' spellings. The lexer's tokens,
 * the syntax tree's operator names, the checker's acceptance test, the formatter's symbolic
 * spellings and the editor's completion and hover all derive from these tables.
 *
 * Adding a comparison operator is one row in {@link COMPARISON_OPERATOR_TABLE}, its entry in
 * {@link COMPARISON_OPERATOR_DOCS} (the type checker insists on one per row), and one case in
 * the compiler's test switch (which the type checker also insists on). The documentation
 * sits in its own record so that bundlers can leave it out of bundles without the editor.
 *
 * @module
 */

/** A left-hand type a comparison operator can apply to (`Bool` values and containers take none). */
export type ComparableType = 'Bytes' | 'Int' | 'Ip';

/**
 * How the checker reads the right-hand side of a comparison, and so the shape of the test the
 * compiler receives:
 * - `literal`: one literal read as the left-hand type (`eq`, `lt`, …);
 * - `bytes`: one `Bytes` literal;
 * - `integer`: one `Int` literal;
 * - `regex`: a string holding a regular expression (lexed as a regex string after the operator);
 * - `wildcard` / `case-sensitive wildcard`: a string holding a wildcard pattern;
 * - `set`: a set `{…}` of literals of the left-hand type, or a `$list`.
 */
export type RightHandReading = 'literal' | 'bytes' | 'integer' | 'regex' | 'wildcard' | 'case-sensitive wildcard' | 'set';

/** Scheme options that can switch an operator off for some left-hand types. */
export type OperatorSwitch = 'allowIpOrdering';

/** The option values the acceptance test reads (a scheme's or checker's options fit). */
export type OperatorSwitches = Readonly<Partial<Record<OperatorSwitch, boolean>>>;

/** An option that switches an operator off, when set to `false`, for the given types. */
export interface OperatorGate {
  readonly option: OperatorSwitch;
  readonly types: readonly ComparableType[];
  /** The checker's message when the gate is closed. */
  readonly refusal: string;
}

/** One comparison operator. */
export interface ComparisonOperatorSpec {
  /**
   * The English spelling, which is also the operator's name in the syntax tree. It is lexed as
   * written, with a word boundary after it: `strict wildcard` takes exactly one space.
   */
  readonly name: string;
  /** The symbolic spelling, when the language has one (`==`, `~`, `&`). */
  readonly symbol?: string;
  /** The left-hand types the operator applies to. */
  readonly leftTypes: readonly ComparableType[];
  /** An option that can switch the operator off for some of {@link leftTypes}. */
  readonly gate?: OperatorGate;
  /** How the right-hand side is read. */
  readonly right: RightHandReading;
}

/** `lt`/`le`/`gt`/`ge` on `Ip` values, which strict mode (`allowIpOrdering: false`) refuses. */
const IP_ORDERING: OperatorGate = {
  option: 'allowIpOrdering',
  types: ['Ip'],
  refusal: 'ordering operators are not supported on Ip values (strict mode)',
};

/**
 * Every comparison operator, in the order editors list them. The lexer tries longer spellings
 * first, so the order here does not affect lexing.
 */
export const COMPARISON_OPERATOR_TABLE = [
  { name: 'eq', symbol: '==', leftTypes: ['Bytes', 'Int', 'Ip'], right: 'literal' },
  { name: 'ne', symbol: '!=', leftTypes: ['Bytes', 'Int', 'Ip'], right: 'literal' },
  { name: 'lt', symbol: '<', leftTypes: ['Bytes', 'Int', 'Ip'], gate: IP_ORDERING, right: 'literal' },
  { name: 'le', symbol: '<=', leftTypes: ['Bytes', 'Int', 'Ip'], gate: IP_ORDERING, right: 'literal' },
  { name: 'gt', symbol: '>', leftTypes: ['Bytes', 'Int', 'Ip'], gate: IP_ORDERING, right: 'literal' },
  { name: 'ge', symbol: '>=', leftTypes: ['Bytes', 'Int', 'Ip'], gate: IP_ORDERING, right: 'literal' },
  { name: 'contains', leftTypes: ['Bytes'], right: 'bytes' },
  { name: 'matches', symbol: '~', leftTypes: ['Bytes'], right: 'regex' },
  { name: 'wildcard', leftTypes: ['Bytes'], right: 'wildcard' },
  { name: 'strict wildcard', leftTypes: ['Bytes'], right: 'case-sensitive wildcard' },
  { name: 'in', leftTypes: ['Bytes', 'Int', 'Ip'], right: 'set' },
  { name: 'bitwise_and', symbol: '&', leftTypes: ['Int'], right: 'integer' },
] as const satisfies readonly ComparisonOperatorSpec[];

/** A row of {@link COMPARISON_OPERATOR_TABLE}, precisely typed: `right` narrows `name`. */
export type ComparisonOperatorRow = (typeof COMPARISON_OPERATOR_TABLE)[number];

/** Comparison operators, by their English name (the syntax tree's spelling). */
export type ComparisonOperator = ComparisonOperatorRow['name'];

/** The comparison operators whose right-hand side is read as `reading`. */
export type OperatorsReading<Reading extends RightHandReading> = Extract<ComparisonOperatorRow, { readonly right: Reading }>['name'];

/** The row of a comparison operator. */
export function comparisonOperatorSpec(name: ComparisonOperator): ComparisonOperatorRow {
  return COMPARISON_OPERATOR_TABLE.find((row) => row.name === name)!;
}

/** Whether `operator` applies to left-hand values of type `type` at all (options aside). */
export function appliesTo(operator: ComparisonOperatorSpec, type: { readonly kind: string }): boolean {
  return (operator.leftTypes as readonly string[]).includes(type.kind);
}

/** The gate that `options` close for `operator` on `type`, if any. */
export function closedGate(operator: ComparisonOperatorSpec, type: { readonly kind: string }, options: OperatorSwitches): OperatorGate | undefined {
  const gate = operator.gate;
  if (gate === undefined || options[gate.option] !== false) return undefined;
  return (gate.types as readonly string[]).includes(type.kind) ? gate : undefined;
}

/** Whether the checker accepts `operator` on a left-hand value of type `type` under `options`. */
export function acceptsLeftType(operator: ComparisonOperatorSpec, type: { readonly kind: string }, options: OperatorSwitches = {}): boolean {
  return appliesTo(operator, type) && closedGate(operator, type, options) === undefined;
}

/** Every logical operator: `not` binds tightest, then `and`, `xor`, `or` (editors list them in this order). */
export const LOGICAL_OPERATOR_TABLE = [
  { name: 'and', symbol: '&&' },
  { name: 'or', symbol: '||' },
  { name: 'xor', symbol: '^^' },
  { name: 'not', symbol: '!' },
] as const satisfies readonly { readonly name: string; readonly symbol: string }[];

/** Logical operators by their English name, `not` included. */
export type LogicalOperatorName = (typeof LOGICAL_OPERATOR_TABLE)[number]['name'];

/** The symbolic spelling of an operator given by its English name (`eq` → `==`), if it has one. */
export function symbolicSpelling(name: string): string | undefined {
  const operators: readonly { readonly name: string; readonly symbol?: string }[] = [...COMPARISON_OPERATOR_TABLE, ...LOGICAL_OPERATOR_TABLE];
  return operators.find((operator) => operator.name === name)?.symbol;
}

/** What editors show for an operator. */
export interface OperatorText {
  /** A few words for completion details, e.g. "equal". */
  readonly title: string;
  /** Markdown: what it does, on which types, with an example. */
  readonly description: string;
}

/** The documentation of each comparison operator. */
export const COMPARISON_OPERATOR_DOCS: { readonly [Name in ComparisonOperator]: OperatorText } = {
  eq: {
    title: 'equal',
    description: 'True when the value equals the literal. Bytes compare byte for byte (case-sensitive), IPs by address.\n\nExample: `http.request.method eq "POST"`',
  },
  ne: {
    title: 'not equal',
    description: 'True when the value differs from the literal. A missing value makes the comparison false (unless `nilNotEqual`).\n\nExample: `http.request.method ne "GET"`',
  },
  lt: {
    title: 'less than',
    description: 'Ordering: Int numerically, Bytes byte-wise (unsigned), Ip within one address family.\n\nExample: `cf.waf.score lt 20`',
  },
  le: {
    title: 'less than or equal',
    description: 'Ordering: Int numerically, Bytes byte-wise (unsigned), Ip within one address family.\n\nExample: `cf.bot_management.score le 30`',
  },
  gt: {
    title: 'greater than',
    description: 'Ordering: Int numerically, Bytes byte-wise (unsigned), Ip within one address family.\n\nExample: `http.request.body.size gt 1000000`',
  },
  ge: {
    title: 'greater than or equal',
    description: 'Ordering: Int numerically, Bytes byte-wise (unsigned), Ip within one address family.\n\nExample: `cf.edge.server_port ge 8000`',
  },
  contains: {
    title: 'contains',
    description: 'Bytes only: true when the literal occurs anywhere in the value (case-sensitive).\n\nExample: `http.request.uri.path contains "/wp-admin"`',
  },
  matches: {
    title: 'matches a regular expression',
    description:
      'Bytes only: true when the Rust-syntax regular expression matches somewhere in the value (add `^…$` to anchor). Business plan or higher at Cloudflare.\n\nExample: `http.request.uri.path matches "^/api/v[0-9]+/"`',
  },
  wildcard: {
    title: 'wildcard match (case-insensitive)',
    description:
      'Bytes only: the whole value matches the pattern, where `*` matches any run of bytes; ASCII letters compare case-insensitively.\n\nExample: `http.host wildcard "*.example.com"`',
  },
  'strict wildcard': {
    title: 'wildcard match (case-sensitive)',
    description: 'Bytes only: like `wildcard`, but case-sensitive.\n\nExample: `http.request.uri.path strict wildcard "/Admin/*"`',
  },
  in: {
    title: 'in a set or list',
    description:
      'True when the value is one of the set items `{…}` (values, `a..b` ranges, CIDRs for IPs; items separated by spaces) or in a `$list`.\n\nExample: `ip.src in {192.0.2.0/24 198.51.100.7}`',
  },
  bitwise_and: {
    title: 'bitwise and',
    description: 'Int only: true when `value & literal` is not zero.\n\nExample: `cf.edge.server_port & 0x01`',
  },
};

/** The documentation of each logical operator. */
export const LOGICAL_OPERATOR_DOCS: { readonly [Name in LogicalOperatorName]: OperatorText } = {
  and: { title: 'logical and', description: 'True when both sides are true. Precedence: `not` > `and` > `xor` > `or`.' },
  or: { title: 'logical or', description: 'True when either side is true. It binds loosest: `a or b and c` is `a or (b and c)`.' },
  xor: { title: 'logical exclusive or', description: 'True when exactly one side is true. Binds tighter than `or`, looser than `and`.' },
  not: {
    title: 'logical not',
    description:
      'Negates the condition after it. It applies after the comparison: `not http.host eq "a"` is `not (http.host eq "a")`, and is true when the field is missing.',
  },
};
