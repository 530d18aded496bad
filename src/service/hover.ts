/**
 * Hover: what the token under the cursor is — a field (type, description, plan notes,
 * deprecation), a function (signature, docs, phases), an operator or construct (its
 * meaning), a list, or a literal (how it will be read next to its left-hand side).
 *
 * @module
 */
import { formatType } from '../scheme/types.js';
import {
  comparisonName,
  comparisonOperatorOf,
  isComparisonOperator,
  isLiteral,
  isLogicalOperator,
  isString,
  lex,
  literalRole,
  logicalName,
  T,
  type Token,
} from './analysis.js';
import { describeField, describeFunction, type SchemeCatalog } from './catalog.js';
import { describeBareLiteral, describeStringLiteral } from './literals.js';
import { operatorDoc, type OperatorDoc } from './operators.js';
import { SemanticModel } from './semantic-model.js';
import type { HoverInfo } from './types.js';

/** Hover information for the token at `offset`, if there is anything to say. */
export function hover(catalog: SchemeCatalog, text: string, offset: number): HoverInfo | undefined {
  const { tokens } = lex(text);
  // The character at the cursor; failing that, the token just before it (cursor at its end).
  let index = tokens.findIndex((t) => t.start <= offset && offset < t.end);
  if (index < 0) index = tokens.findIndex((t) => t.end === offset);
  if (index < 0) return undefined;
  const token = tokens[index]!;
  const markdown = describeToken(catalog, new SemanticModel(text, tokens, catalog.scheme), tokens, index);
  return markdown === undefined ? undefined : { span: { start: token.start, end: token.end }, markdown };
}

function operatorMarkdown(doc: OperatorDoc, extra?: string): string {
  const spelling = doc.symbol === undefined ? `**${doc.name}**` : `**${doc.name}** (\`${doc.symbol}\`)`;
  return [`${spelling} — ${doc.title}`, doc.description, ...(extra === undefined ? [] : [extra])].join('\n\n');
}

function describeToken(catalog: SchemeCatalog, model: SemanticModel, tokens: Token[], index: number): string | undefined {
  const token = tokens[index]!;
  const { scheme } = catalog;
  if (token.type === T.Identifier) {
    const called = tokens[index + 1]?.type === T.LParen;
    const fn = scheme.functionInfo(token.image);
    const field = scheme.fieldInfo(token.image);
    if (called && fn !== undefined) return describeFunction(fn, catalog.phase);
    if (field !== undefined) return describeField(field);
    if (fn !== undefined) return describeFunction(fn, catalog.phase);
    const size = catalog.namespaceSize(token.image.replace(/\.+$/, ''));
    if (size > 0) return `**${token.image.replace(/\.+$/, '')}** — a namespace of ${size} field${size === 1 ? '' : 's'}; complete it with \`.\``;
    return undefined;
  }
  if (isComparisonOperator(token)) {
    const name = comparisonName(token)!;
    const left = model.leftOperand(index);
    const extra = left?.type === undefined ? undefined : `Left-hand side: \`${model.source(left.span)}\` of type ${formatType(left.type)}.`;
    return operatorMarkdown(operatorDoc(name)!, extra);
  }
  if (isLogicalOperator(token)) return operatorMarkdown(operatorDoc(logicalName(token)!)!);
  switch (token.type) {
    case T.Any:
    case T.All:
      return operatorMarkdown(operatorDoc(token.image)!);
    case T.True: {
      const role = literalRole(tokens, index);
      return role.role === 'other' ? operatorMarkdown(operatorDoc('true')!) : '`true` is not a literal: a Bool value is a condition on its own (`ssl`, `not ssl`)';
    }
    case T.Star:
    case T.LBracket:
    case T.RBracket: {
      const star = token.type === T.Star ? index : token.type === T.LBracket ? index + 1 : index - 1;
      return tokens[star]?.type === T.Star ? operatorMarkdown(operatorDoc('[*]')!) : undefined;
    }
    case T.ListReference:
      return describeList(catalog, token.image.slice(1));
  }
  if (isLiteral(token)) {
    const role = literalRole(tokens, index);
    const operator = role.role === 'operand' ? comparisonOperatorOf(tokens[role.operator]) : undefined;
    if (isString(token)) return describeStringLiteral(token, operator?.right);
    if (role.role === 'index') return describeBareLiteral(token.image, undefined, 'index');
    const left = role.role === 'operand' ? model.leftOperand(role.operator) : undefined;
    return describeBareLiteral(token.image, left?.type, role.role === 'operand' && role.inSet ? 'set' : 'single');
  }
  return undefined;
}

function describeList(catalog: SchemeCatalog, name: string): string {
  const doc = operatorDoc('$list')!;
  const type = catalog.listType(name);
  if (type === undefined) {
    const known = catalog.scheme.hasListRegistry ? 'The scheme does not define this list.' : 'No lists were given to the scheme: it never matches.';
    return `**$${name}** — ${doc.title}\n\n${known}`;
  }
  const size = catalog.listSize(name) ?? 0;
  return `**$${name}** — ${formatType(type)} list, ${size} item${size === 1 ? '' : 's'}\n\n${doc.description}`;
}
