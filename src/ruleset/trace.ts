/**
 * Rule traces: what happened to each rule of an evaluation, with the explanation of the
 * filters that ran (see `src/engine/explain.ts`), rendered as indented text.
 *
 * @module
 */
import type { ExplanationNode } from '../engine/explain.js';

export { displayValue, Explainer, type ExplanationNode, type TraceValue } from '../engine/explain.js';

/** What happened to one rule during evaluation. */
export interface RuleTrace {
  /** The ruleset's id or its place (`zone`, `account[0]`). */
  ruleset: string;
  ruleId: string;
  action: string;
  /** `matched`, `not-matched`, `disabled`, or `skipped` (by an earlier skip rule). */
  status: 'matched' | 'not-matched' | 'disabled' | 'skipped';
  /** What the match led to, e.g. `block`, `logged`, `challenge bypassed by clearance`. */
  outcome?: string;
  explanation?: ExplanationNode;
}

const mark = (node: ExplanationNode): string => {
  if (!node.evaluated) return '·';
  if (Array.isArray(node.result)) return `[${node.result.map((r) => (r ? '✓' : '✗')).join('')}]`;
  return node.result ? '✓' : '✗';
};

function renderNode(node: ExplanationNode, indent: string, lines: string[]): void {
  let line = `${indent}${mark(node)} ${node.expression}`;
  if (node.value !== undefined) line += `   ⟵ ${node.value.expression} = ${JSON.stringify(node.value.value)}`;
  if (!node.evaluated) line += '   (not evaluated)';
  else if (node.decisive === true) line += '   (decisive)';
  lines.push(line);
  for (const child of node.children) renderNode(child, `${indent}  `, lines);
}

/** Renders rule traces as indented text, one block per rule. */
export function renderTrace(traces: readonly RuleTrace[]): string {
  const lines: string[] = [];
  for (const trace of traces) {
    const outcome = trace.outcome !== undefined ? ` → ${trace.outcome}` : '';
    lines.push(`[${trace.ruleset}] ${trace.ruleId} (${trace.action}): ${trace.status}${outcome}`);
    if (trace.explanation !== undefined) renderNode(trace.explanation, '  ', lines);
  }
  return lines.join('\n');
}
