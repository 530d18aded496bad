/**
 * Constant conditions: those with the same result for every request (`true`, `x or true`).
 *
 * @module
 */
import type { CheckedCondition } from './checked.js';

/** Whether a condition has the same result for every request (`true`, `x or true`, …). */
export function constantValue(node: CheckedCondition): boolean | undefined {
  switch (node.kind) {
    case 'constant':
      return node.value;
    case 'not': {
      const inner = constantValue(node.operand);
      return inner === undefined ? undefined : !inner;
    }
    case 'logical': {
      if (node.array) return undefined;
      const values = node.operands.map(constantValue);
      if (node.operator === 'and') return values.includes(false) ? false : values.every((v) => v === true) ? true : undefined;
      if (node.operator === 'or') return values.includes(true) ? true : values.every((v) => v === false) ? false : undefined;
      return values.every((v) => v !== undefined) ? values.reduce((a, b) => a !== b, false) : undefined;
    }
    default:
      return undefined;
  }
}
