/**
 * Findings: the problems `check` and `lint` report, whatever they come from (expression
 * diagnostics, ruleset loading, static checks, the CLI's own lint rules), with their place in
 * the file, rendered as text (Cloudflare-style caret snippets), JSON or SARIF.
 *
 * @module
 */
import { type Diagnostic, DIAGNOSTIC_CODES, LineIndex, renderDiagnostic, type Span } from '../index.js';
import type { Region } from './json-source.js';
import { plural, type Colors } from './io.js';

/** Severity of a finding (SARIF's levels). */
export type Level = 'error' | 'warning' | 'note';

/** One problem found in an input. */
export interface Finding {
  /** Stable kebab-case code: a diagnostic code or a ruleset problem code. */
  code: string;
  level: Level;
  message: string;
  /** The file it is in (as displayed); absent for expressions given as arguments or on stdin. */
  file?: string;
  /** For inputs that are not files: `argument 1`, `<stdin>`. */
  input?: string;
  /** The rule's id, else its ref, else `#<index>`. */
  rule?: string;
  /** Index of the rule in its ruleset. */
  index?: number;
  /** JSON path of the offending value in the file, e.g. `rules[2].expression`. */
  path?: string;
  /** The expression the finding is in, and the span inside it. */
  expression?: string;
  span?: Span;
  /** Where it is: in the file, or (for argument expressions) in the expression. */
  region?: Region;
  /** The Cloudflare-style rendering with a caret underline, for expression findings. */
  snippet?: string;
}

/** What the ruleset-level codes mean (expression codes are in `DIAGNOSTIC_CODES`). */
export const FINDING_CODES: Record<string, string> = {
  'invalid-json': 'The file is not valid JSON.',
  'invalid-ruleset': 'The file is not a Rulesets API ruleset, `{"result": ruleset}` or rules array, or the ruleset is for another phase.',
  'invalid-rule': 'A rule that is not an object, or has no expression/action string, or a property of the wrong type.',
  'invalid-expression': 'A rule expression with errors.',
  'unknown-action': 'An action that does not exist.',
  'action-not-allowed-in-phase': 'An action that exists but is not valid in http_request_firewall_custom (e.g. `allow`: use `skip`).',
  'invalid-action-parameters': 'Block responses (status 400–499, content ≤ 2 KB and valid for its type), skip parameters, execute targets.',
  'duplicate-rule-id': 'Two rules of one ruleset with the same id or ref.',
  'unknown-ruleset': 'An `execute` rule naming a ruleset that was not given.',
  'invalid-disabled-rule': 'A disabled rule whose expression would not load if it were enabled.',
  'unreachable-rule': 'A rule placed after a terminating rule that matches every request.',
  'skip-after-terminating-rule': 'A skip rule placed after terminating rules it cannot exempt requests from.',
  'block-after-challenge': 'A block rule after a challenge rule: visitors who pass the challenge never reach it.',
  'field-not-available-in-phase': 'A field that only has a value in other phases (response fields): always missing here.',
  'plan-required': 'A field, operator or action that needs a higher Cloudflare plan than the one given with --plan.',
  'too-many-rules': 'More custom rules than the plan given with --plan allows.',
  'expression-changed': 'An expression that `fmt` would reformat.',
  'mixed-phases': 'A file whose rules are partly rate limiting rules (with `ratelimit` blocks): each kind is checked as its phase.',
  'ratelimit-outside-phase': 'A `ratelimit` block in a ruleset of another phase than http_ratelimit.',
  'invalid-ratelimit': 'A rate limiting rule whose `ratelimit` parameters are missing or invalid (characteristics, period, requests or score, timeout).',
  'disputed-period': 'A rate limiting period listed on only some of Cloudflare\'s pages: it may be refused.',
  'response-field-in-expression': 'A rate limiting rule expression reading response fields (only the counting expression may).',
  'requests-to-origin-with-lists': 'A rate limiting rule using custom lists with `requests_to_origin: true` (custom lists need cached requests counted).',
  'response-fields-with-lists': 'A rate limiting counting expression combining response fields with custom lists.',
  'plan-rule-count': 'More rate limiting rules than the plan given with --plan allows.',
  'plan-period': 'A rate limiting period above the plan given with --plan.',
  'plan-mitigation-timeout': 'A mitigation timeout the plan given with --plan does not offer.',
  'plan-challenge-timeout': 'A challenge action with `mitigation_timeout > 0`: below Enterprise, challenges must throttle (0).',
  'plan-block-throttle': 'A block action throttling (`mitigation_timeout: 0`): only Enterprise can.',
  'plan-action': 'A rate limiting action the plan given with --plan does not include (log).',
  'plan-characteristic': 'A rate limiting characteristic the plan given with --plan does not include.',
  'plan-field': 'A field a rate limiting rule expression cannot use on the plan given with --plan.',
  'plan-counting-expression': 'A custom counting expression, which the plan given with --plan does not include.',
  'plan-counting-field': 'A field a counting expression cannot use on the plan given with --plan.',
  'plan-complexity': 'Complexity-based rate limiting (`score_per_period`), which needs Enterprise with Advanced Rate Limiting.',
};

/** A one-line description of a code, for SARIF rule metadata and docs. */
export function describeCode(code: string): string {
  return (DIAGNOSTIC_CODES as Record<string, string>)[code] ?? FINDING_CODES[code] ?? code;
}

/** Maps a diagnostic severity to a finding level. */
export const levelOf = (severity: Diagnostic['severity'] | 'error' | 'warning'): Level =>
  severity === 'error' ? 'error' : severity === 'warning' ? 'warning' : 'note';

/** Findings for the diagnostics of an expression given as an argument or on standard input. */
export function expressionFindings(expression: string, diagnostics: readonly Diagnostic[], input: string): Finding[] {
  const lines = new LineIndex(expression);
  return diagnostics.map((d) => ({
    code: d.code,
    level: levelOf(d.severity),
    message: d.message,
    input,
    expression,
    span: d.span,
    region: expressionRegion(lines, d.span),
    snippet: renderDiagnostic(expression, d),
  }));
}

/** The region of a span inside an expression that is not in a file (lines of the expression). */
export function expressionRegion(expression: string | LineIndex, span: Span): Region {
  const lines = typeof expression === 'string' ? new LineIndex(expression) : expression;
  return { start: lines.position(span.start), end: lines.position(span.end), startOffset: span.start, endOffset: span.end };
}

/** Counts findings by level. */
export function countLevels(findings: readonly Finding[]): Record<Level, number> {
  const counts: Record<Level, number> = { error: 0, warning: 0, note: 0 };
  for (const f of findings) counts[f.level]++;
  return counts;
}

const indent = (text: string, by: string): string => text.split('\n').map((line) => (line === '' ? line : by + line)).join('\n');

/** Renders one finding as text. */
export function renderFinding(finding: Finding, c: Colors, showInput: boolean): string {
  const level = finding.level === 'error' ? c.bold(c.red('error')) : finding.level === 'warning' ? c.bold(c.yellow('warning')) : c.bold(c.blue('note'));
  const place =
    finding.file !== undefined
      ? `${finding.file}${finding.region ? `:${finding.region.start.line}:${finding.region.start.column}` : ''}`
      : showInput && finding.input !== undefined
        ? finding.input
        : undefined;
  const where: string[] = [];
  if (finding.rule !== undefined) where.push(`rule ${c.bold(finding.rule)}`);
  if (finding.path !== undefined && finding.path !== '') where.push(c.dim(`(${finding.path})`));
  const header = [place !== undefined ? c.bold(place) : undefined, `${level}${c.dim(`[${finding.code}]`)}`, ...where].filter((x) => x !== undefined).join(' ');
  if (finding.snippet !== undefined) {
    // Keep Cloudflare's layout for the snippet; colour the caret line.
    const lines = finding.snippet.split('\n');
    const last = lines.length - 1;
    lines[last] = lines[last]!.replace(/^(\s*)(\^+)/, (_, space: string, carets: string) => space + (finding.level === 'error' ? c.red(carets) : c.yellow(carets)));
    const snippet = lines.join('\n');
    if (finding.file === undefined && !showInput) return snippet;
    return `${header}\n${indent(snippet, '  ')}`;
  }
  return `${header}\n${indent(finding.message, '  ')}`;
}

/** Renders findings and a summary line. */
export function renderFindings(findings: readonly Finding[], c: Colors, summary: string, showInput: boolean): string {
  const blocks = findings.map((f) => renderFinding(f, c, showInput));
  const counts = countLevels(findings);
  const parts = [];
  if (counts.error > 0) parts.push(c.red(plural(counts.error, 'error')));
  if (counts.warning > 0) parts.push(c.yellow(plural(counts.warning, 'warning')));
  if (counts.note > 0) parts.push(c.blue(plural(counts.note, 'note')));
  const mark = counts.error > 0 ? c.red('✗') : counts.warning > 0 ? c.yellow('!') : c.green('✓');
  const tail = `${mark} ${parts.length > 0 ? parts.join(', ') : 'no problems'} ${c.dim(`(${summary})`)}`;
  return [...blocks, tail].join('\n\n') + '\n';
}

/** JSON shape of a finding (stable, documented in `wirefilter check --help`). */
export function findingJson(finding: Finding): Record<string, unknown> {
  return {
    code: finding.code,
    severity: finding.level,
    message: finding.message,
    ...(finding.file !== undefined && { file: finding.file }),
    ...(finding.input !== undefined && { input: finding.input }),
    ...(finding.rule !== undefined && { rule: finding.rule }),
    ...(finding.index !== undefined && { index: finding.index }),
    ...(finding.path !== undefined && { path: finding.path }),
    ...(finding.region !== undefined && {
      line: finding.region.start.line,
      column: finding.region.start.column,
      endLine: finding.region.end.line,
      endColumn: finding.region.end.column,
    }),
    ...(finding.span !== undefined && { span: finding.span }),
    ...(finding.expression !== undefined && { expression: finding.expression }),
  };
}
