/**
 * Assertions shared by the fuzz properties: well-formed diagnostics with valid spans, syntax
 * trees whose spans stay inside the input, and the validate/compile contract.
 *
 * @module
 */
import { parseExpression, renderDiagnostic, WirefilterError, type Diagnostic, type Filter, type Scheme, type SchemeOptions } from '../../src/index.js';
import { describeInput, timed } from './timing.js';

const SEVERITIES = new Set(['error', 'warning', 'info']);

function fail(message: string, expression: string): never {
  throw new Error(`${message}\n  expression: ${describeInput(expression, 600)}`);
}

/**
 * 1-based line and UTF-16 column of `offset`: LF, CRLF and a lone CR each end a line (the
 * documented convention, the LSP's). Written independently of the library's LineIndex.
 */
export function expectedLineColumn(source: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    const c = source.charCodeAt(i);
    if (c === 10 || (c === 13 && source.charCodeAt(i + 1) !== 10)) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** Every diagnostic is plain data with a valid span and a consistent line/column. */
export function checkDiagnostics(expression: string, diagnostics: readonly Diagnostic[]): void {
  if (!Array.isArray(diagnostics)) fail('diagnostics is not an array', expression);
  for (const d of diagnostics) {
    if (typeof d.code !== 'string' || d.code === '') fail(`diagnostic without a code: ${JSON.stringify(d)}`, expression);
    if (!SEVERITIES.has(d.severity)) fail(`bad severity: ${JSON.stringify(d)}`, expression);
    if (typeof d.message !== 'string' || d.message === '') fail(`diagnostic without a message: ${JSON.stringify(d)}`, expression);
    const { start, end } = d.span ?? ({} as Diagnostic['span']);
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || start > end || end > expression.length) {
      fail(`invalid span ${JSON.stringify(d.span)} for length ${expression.length}: ${d.code} ${d.message}`, expression);
    }
    const expected = expectedLineColumn(expression, start);
    if (d.line !== expected.line || d.column !== expected.column) {
      fail(`line/column ${d.line}:${d.column} inconsistent with span start ${start} (expected ${expected.line}:${expected.column})`, expression);
    }
    const rendered = renderDiagnostic(expression, d);
    if (typeof rendered !== 'string' || !rendered.includes(d.message)) fail(`renderDiagnostic lost the message of ${d.code}`, expression);
  }
}

/** Every node of a syntax tree has a span inside the input. */
export function checkTree(expression: string, node: unknown, depth = 0): void {
  if (node === null || typeof node !== 'object' || depth > 10_000) return;
  if (Array.isArray(node)) {
    for (const child of node) checkTree(expression, child, depth + 1);
    return;
  }
  const record = node as Record<string, unknown>;
  const span = record.span as { start: number; end: number } | undefined;
  if (span && typeof span === 'object' && 'start' in span) {
    if (!(span.start >= 0 && span.start <= span.end && span.end <= expression.length)) {
      fail(`syntax node ${String(record.kind)} has span ${JSON.stringify(span)} outside [0, ${expression.length}]`, expression);
    }
  }
  for (const [key, child] of Object.entries(record)) if (key !== 'span') checkTree(expression, child, depth + 1);
}

/** What {@link checkExpression} learned. */
export interface ExpressionOutcome {
  diagnostics: Diagnostic[];
  filter?: Filter;
}

/**
 * The contract of the front end on any input:
 * - `parseExpression` and `scheme.validate` never throw, within the time limit, with valid diagnostics;
 * - `scheme.compile` throws nothing but `WirefilterError`, and throws exactly when `validate`
 *   reports an error; its error lists at least one error diagnostic (the same ones);
 * - validation is deterministic (the shared parser keeps no state between calls).
 */
export function checkExpression(scheme: Scheme, expression: string, options: SchemeOptions = {}): ExpressionOutcome {
  const parsed = timed('parseExpression', expression, () => parseExpression(expression, options));
  checkDiagnostics(expression, parsed.diagnostics);
  checkTree(expression, parsed.ast);

  const diagnostics = timed('validate', expression, () => scheme.validate(expression, options));
  checkDiagnostics(expression, diagnostics);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (parsed.diagnostics.some((d) => d.severity === 'error') && errors.length === 0) {
    fail('parseExpression reported an error that validate did not', expression);
  }

  let filter: Filter | undefined;
  let thrown: unknown;
  try {
    filter = timed('compile', expression, () => scheme.compile(expression, options));
  } catch (error) {
    thrown = error;
  }
  if (thrown !== undefined) {
    if (!(thrown instanceof WirefilterError)) {
      fail(`compile threw ${thrown instanceof Error ? `${thrown.name}: ${thrown.message}\n${thrown.stack}` : String(thrown)}`, expression);
    }
    const reported = thrown.diagnostics.filter((d) => d.severity === 'error');
    if (reported.length === 0) fail(`compile threw a WirefilterError without error diagnostics: ${thrown.message}`, expression);
    if (errors.length === 0) fail(`compile failed (${reported.map((d) => d.code).join(', ')}) but validate reported no error`, expression);
    const key = (d: Diagnostic): string => `${d.code}@${d.span.start}-${d.span.end}`;
    if (reported.map(key).join() !== errors.map(key).join()) {
      fail(`compile and validate disagree: ${reported.map(key).join()} vs ${errors.map(key).join()}`, expression);
    }
    checkDiagnostics(expression, thrown.diagnostics);
    if (typeof thrown.message !== 'string' || thrown.message === '') fail('WirefilterError without a message', expression);
  } else if (errors.length > 0) {
    fail(`validate reported ${errors.map((d) => d.code).join(', ')} but compile succeeded`, expression);
  }

  const again = scheme.validate(expression, options);
  if (JSON.stringify(again) !== JSON.stringify(diagnostics)) fail('validate is not deterministic', expression);
  return { diagnostics, filter };
}
