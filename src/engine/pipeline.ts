/**
 * The pipeline as free functions over an environment: parse → check → compile. `Scheme`'s
 * methods are a façade over these.
 *
 * @module
 */
import type { CheckedCondition, CheckedValue } from '../check/checked.js';
import { checkFilter, type CheckEnvironment } from '../check/checker.js';
import { constantValue } from '../check/constant.js';
import { compileCondition, type ConditionFn } from '../compile/compiler.js';
import { DiagnosticBag, type Diagnostic } from '../diagnostics/diagnostics.js';
import { WirefilterError } from '../diagnostics/errors.js';
import { guardStack } from '../diagnostics/stack.js';
import type { FieldInfo, SchemeEnvironment } from '../scheme/environment.js';
import type { SchemeOptions } from '../scheme/options.js';
import type { Expression } from '../syntax/ast.js';
import { parseWithOptions } from '../syntax/parser.js';

/** What checking an expression found: the checked tree (when it has no errors) and every diagnostic. */
export interface Analysis {
  /** The checked tree; `undefined` when there are errors. */
  checked: CheckedCondition | undefined;
  /** Syntax and check diagnostics (errors and warnings), in source order. */
  diagnostics: Diagnostic[];
  /** The syntax tree, when the expression parsed without errors. */
  tree?: Expression;
}

/** A compiled condition and what the filter built from it needs. */
export interface Compilation {
  run: ConditionFn;
  /** The fields the condition reads. */
  fields: FieldInfo[];
  /** The condition's value when it is the same for every request. */
  constant: boolean | undefined;
  /** Warnings of the expression. */
  diagnostics: Diagnostic[];
  /** The syntax tree it was compiled from. */
  tree: Expression;
}

/**
 * Parses and checks an expression with `options` (the scheme's options with the call's on top,
 * already merged). Never throws for any expression: a non-string is an `expected-token` error.
 */
export function analyse(environment: SchemeEnvironment, expression: unknown, options: Readonly<SchemeOptions>): Analysis {
  if (typeof expression !== 'string') {
    return {
      checked: undefined,
      diagnostics: [{ code: 'expected-token', severity: 'error', message: 'the expression must be a string', span: { start: 0, end: 0 }, line: 1, column: 1 }],
    };
  }
  const parsed = parseWithOptions(expression, options);
  if (parsed.ast === undefined) return { checked: undefined, diagnostics: parsed.diagnostics };
  const bag = new DiagnosticBag(expression);
  const env = checkEnvironment(environment, options);
  // Index chains (`x[0][0]…`) are not nesting for the parser; thousands of them (with a
  // raised maxExpressionLength) must still end as a diagnostic, not a stack overflow.
  const checked = guardStack(
    () => checkFilter(parsed.ast as Expression, env, bag),
    () => {
      bag.error('nesting-limit-exceeded', 'the expression nests too deeply to be checked', { start: 0, end: expression.length });
      return undefined;
    },
  );
  const diagnostics = [...parsed.diagnostics, ...bag.items].sort((a, b) => a.span.start - b.span.start);
  const syntaxErrors = parsed.diagnostics.some((d) => d.severity === 'error');
  return syntaxErrors ? { checked: undefined, diagnostics } : { checked, diagnostics, tree: parsed.ast };
}

/**
 * Parses, checks and compiles an expression with already merged options. Throws a
 * {@link WirefilterError} listing every error.
 */
export function compileExpression(environment: SchemeEnvironment, expression: string, options: Readonly<SchemeOptions>): Compilation {
  const { checked, diagnostics, tree } = analyse(environment, expression, options);
  if (checked === undefined) throw WirefilterError.fromDiagnostics(expression, diagnostics);
  const run = guardStack(
    () => compileCondition(checked, options),
    () => {
      const tooDeep = new DiagnosticBag(expression);
      tooDeep.error('nesting-limit-exceeded', 'the expression nests too deeply to be compiled', { start: 0, end: expression.length });
      throw WirefilterError.fromDiagnostics(expression, tooDeep.items);
    },
  );
  return { run, fields: [...collectFields(checked)], constant: constantValue(checked), diagnostics, tree: tree! };
}

/** The checker's view of an environment with the given options. */
function checkEnvironment(environment: SchemeEnvironment, options: Readonly<SchemeOptions>): CheckEnvironment {
  if (options === environment.options) return environment;
  return {
    field: (name) => environment.field(name),
    function: (name) => environment.function(name),
    list: (name) => environment.list(name),
    names: () => environment.names(),
    hasListRegistry: environment.hasListRegistry,
    options,
  };
}

/** The fields a checked tree reads. */
function collectFields(root: CheckedCondition): Set<FieldInfo> {
  const fields = new Set<FieldInfo>();
  const visitValue = (node: CheckedValue): void => {
    switch (node.kind) {
      case 'field':
        fields.add(node.field);
        break;
      case 'call':
        node.args.forEach(visitValue);
        node.implicit.forEach((field) => fields.add(field));
        break;
      case 'index':
      case 'each':
        visitValue(node.object);
        break;
      case 'condition':
        visitCondition(node.condition);
        break;
      case 'literal':
        break;
    }
  };
  const visitCondition = (node: CheckedCondition): void => {
    switch (node.kind) {
      case 'logical':
        node.operands.forEach(visitCondition);
        break;
      case 'not':
        visitCondition(node.operand);
        break;
      case 'quantifier':
        visitCondition(node.argument);
        break;
      case 'compare':
        visitValue(node.left);
        break;
      case 'value':
        visitValue(node.value);
        break;
      case 'constant':
        break;
    }
  };
  visitCondition(root);
  return fields;
}
