/// <reference lib="dom" />
/**
 * Renders rule traces (`Decision.trace`) as a DOM tree: one block per rule, then the
 * explanation of its expression — every sub-expression with its result, the value it read,
 * whether it decided its parent, and what short-circuiting skipped. Built with DOM calls
 * only (expressions and values are user text).
 */
import type { ExplanationNode, RuleTrace, TraceValue } from '../src/index.js';

/** Renders an expression as highlighted code (the editor's colors). */
export type Highlighter = (expression: string) => HTMLElement;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (className !== undefined) element.className = className;
  element.append(...children);
  return element;
}

function mark(node: ExplanationNode): HTMLElement {
  if (!node.evaluated) return el('span', 'mark mark-skipped', '·');
  if (Array.isArray(node.result)) {
    const each = el('span', 'mark mark-array');
    each.title = 'one result per element of [*]';
    each.append('[', ...node.result.map((r) => el('span', r ? 'mark-true' : 'mark-false', r ? '✓' : '✗')), ']');
    return each;
  }
  return node.result ? el('span', 'mark mark-true', '✓') : el('span', 'mark mark-false', '✗');
}

/** A value as compact JSON (long strings shortened). */
export function showValue(value: TraceValue): string {
  if (value === 'missing') return 'missing';
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

function renderNode(node: ExplanationNode, highlight: Highlighter): HTMLLIElement {
  const body = el('div', 'trace-body', highlight(node.expression));
  const row = el('div', 'trace-row', mark(node), body);
  if (node.value !== undefined) {
    const missing = node.value.value === 'missing';
    const chip = el('span', `chip ${missing ? 'chip-missing' : 'chip-value'}`, el('span', 'chip-name', node.value.expression), ' = ', el('span', 'chip-data', showValue(node.value.value)));
    chip.title = missing ? 'the request has no value for this: comparisons with it are false' : 'the value this comparison read';
    body.append(chip);
  }
  if (!node.evaluated) body.append(el('span', 'badge badge-skipped', 'not evaluated'));
  else if (node.decisive === true) body.append(el('span', 'badge badge-decisive', 'decisive'));
  const item = el('li', node.evaluated ? 'trace-node' : 'trace-node skipped', row);
  if (node.children.length > 0) item.append(el('ul', 'trace-tree', ...node.children.map((c) => renderNode(c, highlight))));
  return item;
}

const STATUS_TEXT: Record<RuleTrace['status'], string> = {
  matched: 'matched',
  'not-matched': 'did not match',
  disabled: 'disabled',
  skipped: 'skipped by an earlier rule',
};

/** One block per rule trace. */
export function renderTraceTree(traces: readonly RuleTrace[], highlight: Highlighter): HTMLElement {
  const root = el('div', 'trace');
  for (const trace of traces) {
    const head = el(
      'div',
      'trace-rule',
      el('span', `status status-${trace.status}`, STATUS_TEXT[trace.status]),
      el('span', 'trace-rule-name', `${trace.ruleId}`),
      el('span', 'trace-rule-action', `action ${trace.action}`),
    );
    if (trace.outcome !== undefined) head.append(el('span', 'trace-outcome', `→ ${trace.outcome}`));
    root.append(head);
    if (trace.explanation !== undefined) root.append(el('ul', 'trace-tree trace-top', renderNode(trace.explanation, highlight)));
  }
  return root;
}
