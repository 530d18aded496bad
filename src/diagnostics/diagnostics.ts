/**
 * Diagnostics: every problem the library reports about an expression is a plain data
 * object with a stable code, so that editors, the CLI and tests can match on it.
 *
 * @module
 */
import { LineIndex, type LineColumn } from './line-index.js';

/** A half-open range of UTF-16 offsets into the expression text. */
export interface Span {
  /** Offset of the first character. */
  start: number;
  /** Offset one past the last character. */
  end: number;
}

/**
 * Every diagnostic code this library emits. Codes are stable: they are part of the public
 * contract and documented with an example each in `docs/diagnostics.md`.
 */
export const DIAGNOSTIC_CODES = {
  // Whole-expression limits
  'expression-too-long': 'The expression is longer than the `maxExpressionLength` option allows.',
  'nesting-limit-exceeded': 'Parentheses, `not`, quantifiers and calls nest deeper than `maxNestingDepth`.',
  // Lexical and syntactic
  'unexpected-character': 'A character that cannot start any token here (a TAB, `@`, `;`, …).',
  'expected-token': 'The parser expected a different token here (a missing `)`, operand or operator).',
  'unexpected-input': 'The expression is complete but more input follows.',
  'invalid-identifier': 'A field or function name with an empty segment (`a..b`, a trailing dot).',
  'invalid-escape': 'A backslash escape other than `\\"`, `\\\\`, `\\xHH` or `\\OOO` in a quoted string.',
  'missing-ending-quote': 'A quoted or raw string without its closing quote.',
  'invalid-raw-string-hash-count': 'A raw string opened with more than 255 `#`.',
  'invalid-list-name': 'A `$list` reference whose name is empty, has invalid characters or leading/trailing dots.',
  // Literals
  'invalid-int': 'An integer literal with a digit invalid for its radix (`08`, `10fe`), or a float.',
  'int-overflow': 'An integer literal outside the signed 64-bit range.',
  'invalid-bytes': 'A malformed hex byte-string literal (`12`, `1:2:3`).',
  'invalid-ip': 'A malformed IP address.',
  'invalid-cidr': 'A malformed CIDR: prefix too long, host bits set, or a CIDR outside a set.',
  'invalid-range': 'A range whose bounds are out of order or of different IP families.',
  'invalid-regex': 'A regular expression the Rust regex syntax rejects, or one that is too large.',
  'invalid-wildcard': 'A wildcard pattern with a double star, a bad escape, or too many stars.',
  'literal-type-mismatch': 'A literal whose form does not fit the type of the left-hand side.',
  'invalid-index': 'An array index that is not a non-negative integer.',
  // Names and types
  'unknown-identifier': 'A name that is neither a field nor a function of the scheme.',
  'unknown-field': 'A function name used where a field is expected.',
  'unknown-function': 'A field name called like a function.',
  'unknown-list': 'A `$list` the scheme does not define, or one of another type.',
  'unsupported-operator': 'An operator (or a bare condition) that the left-hand type does not support.',
  'type-mismatch': 'An expression of the wrong type, e.g. `Array<Bool>` where `Bool` is needed.',
  'invalid-index-access': 'An index that does not fit the value: `[0]` on a map, `["k"]` on an array, any index on a scalar.',
  'invalid-map-each-access': '`[*]` used somewhere other than a comparison or the first argument of a call.',
  'invalid-argument-count': 'A function called with too few or too many arguments.',
  'invalid-argument-kind': 'A literal passed where a function needs a field, or the reverse.',
  'invalid-argument-type': 'A function argument of the wrong type.',
  'invalid-argument-value': 'A literal function argument with a value the function rejects.',
  'too-many-rewrite-functions': 'More than one `regex_replace`/`wildcard_replace` in one expression.',
  // Products and phases
  'function-not-allowed-in-phase': 'A function Cloudflare does not offer in the phase selected with the `phase` option.',
  'deprecated-field': 'A field Cloudflare has deprecated (a warning that names the replacement).',
  'slow-regex': 'A regular expression whose worst case costs microseconds per input byte (a warning, or an error with `regexCostAction: "error"`).',
} as const;

/** A stable, kebab-case diagnostic code. */
export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES | (string & {});

/** How serious a diagnostic is. Only `error` stops a filter from compiling. */
export type Severity = 'error' | 'warning' | 'info';

/** One problem found in an expression. Plain data: safe to serialise. */
export interface Diagnostic {
  /** Stable kebab-case identifier, e.g. `unknown-identifier`. */
  code: DiagnosticCode;
  severity: Severity;
  /** Human-readable explanation. */
  message: string;
  /** UTF-16 offsets into the expression as given (not trimmed). */
  span: Span;
  /** 1-based line of `span.start`. */
  line: number;
  /** 1-based column of `span.start`, counted in UTF-16 code units. */
  column: number;
}

/**
 * Longest diagnostic message kept whole. Messages quote names and literals from the input
 * (`unknown identifier \`…\``); a longer one keeps its two ends around `…`, so no message
 * grows with the input.
 */
export const MAX_MESSAGE_LENGTH = 500;

/** `text` if it has at most `max` characters, else its two ends around `…` (`max` in all). */
export function elideMiddle(text: string, max: number): string {
  if (text.length <= max) return text;
  const half = (max - 1) >> 1;
  return `${text.slice(0, half)}…${text.slice(text.length - (max - 1 - half))}`;
}

const boundedMessage = (message: string): string => elideMiddle(message, MAX_MESSAGE_LENGTH);

/**
 * Collects diagnostics for one expression, computing line and column from the source.
 * Used by every stage; the stages never build {@link Diagnostic} objects by hand.
 */
export class DiagnosticBag {
  readonly items: Diagnostic[] = [];

  constructor(private readonly source: string) {}

  /** Adds an error. */
  error(code: DiagnosticCode, message: string, span: Span): void {
    this.add(code, 'error', message, span);
  }

  /** Adds a warning (does not prevent compilation). */
  warning(code: DiagnosticCode, message: string, span: Span): void {
    this.add(code, 'warning', message, span);
  }

  /** Adds a diagnostic of any severity. */
  add(code: DiagnosticCode, severity: Severity, message: string, span: Span): void {
    const clipped = clipSpan(span, this.source.length);
    const { line, column } = this.position(clipped.start);
    this.items.push({ code, severity, message: boundedMessage(message), span: clipped, line, column });
  }

  /** Built on the first diagnostic: thousands of diagnostics stay linear. */
  private lines: LineIndex | undefined;

  private position(offset: number): LineColumn {
    return (this.lines ??= new LineIndex(this.source)).position(offset);
  }

  /** True when at least one diagnostic is an error. */
  get hasErrors(): boolean {
    return this.items.some((d) => d.severity === 'error');
  }

  /** The diagnostics ordered by position (stable for equal positions). */
  sorted(): Diagnostic[] {
    return this.items
      .map((d, i) => [d, i] as const)
      .sort((a, b) => a[0].span.start - b[0].span.start || a[1] - b[1])
      .map(([d]) => d);
  }
}

function clipSpan(span: Span, length: number): Span {
  const start = Math.max(0, Math.min(span.start, length));
  const end = Math.max(start, Math.min(span.end, length));
  return { start, end };
}

/** True when `code` is one of the codes documented in {@link DIAGNOSTIC_CODES}. */
export function isKnownDiagnosticCode(code: string): code is keyof typeof DIAGNOSTIC_CODES {
  return Object.prototype.hasOwnProperty.call(DIAGNOSTIC_CODES, code);
}
