/**
 * Semantic tokens: every token classified with what the scheme knows — fields and
 * functions (deprecated or unknown), operators, and literals by the type they meet (an
 * unquoted `10.0.0.1` is an IP next to an Ip field, `0x1F` a number next to an Int).
 *
 * @module
 */
import {
  comparisonOperatorOf,
  isComparisonOperator,
  isLogicalOperator,
  lex,
  literalRole,
  T,
  type Token,
} from './analysis.js';
import type { SchemeCatalog } from './catalog.js';
import { SemanticModel } from './semantic-model.js';
import type { SemanticToken, SemanticTokenModifier, SemanticTokenType } from './types.js';

const PUNCTUATION = new Set([T.LParen, T.RParen, T.LBracket, T.RBracket, T.LCurly, T.RCurly, T.Comma, T.Star]);

/** The semantic tokens of `text`, in order; characters that start no token are `unknown`. */
export function semanticTokens(catalog: SchemeCatalog, text: string): SemanticToken[] {
  const { tokens, invalid } = lex(text);
  const model = new SemanticModel(text, tokens, catalog.scheme);
  const out: SemanticToken[] = tokens.map((token, index) => {
    const [type, modifiers] = classify(catalog, model, tokens, index);
    return { span: { start: token.start, end: token.end }, type, modifiers };
  });
  for (const span of invalid) out.push({ span, type: 'unknown', modifiers: ['invalid'] });
  return out.sort((a, b) => a.span.start - b.span.start);
}

const isSymbol = (image: string): boolean => !/^[a-z]/.test(image);

function classify(catalog: SchemeCatalog, model: SemanticModel, tokens: Token[], index: number): [SemanticTokenType, SemanticTokenModifier[]] {
  const token = tokens[index]!;
  const { scheme } = catalog;
  if (token.type === T.Identifier) {
    if (tokens[index + 1]?.type === T.LParen) {
      return ['function', scheme.functionInfo(token.image) === undefined ? ['invalid'] : []];
    }
    const field = scheme.fieldInfo(token.image);
    if (field === undefined) return ['field', ['invalid']];
    return ['field', field.deprecated === undefined ? [] : ['deprecated']];
  }
  if (isComparisonOperator(token) || isLogicalOperator(token)) return [isSymbol(token.image) ? 'operator' : 'keyword', []];
  if (PUNCTUATION.has(token.type)) return ['punctuation', []];
  switch (token.type) {
    case T.Any:
    case T.All:
    case T.True:
      return ['keyword', []];
    case T.ListReference: {
      const name = token.image.slice(1);
      const unknown = name === '' || (scheme.hasListRegistry && catalog.listType(name) === undefined);
      return ['list', unknown ? ['invalid'] : []];
    }
    case T.RegexString:
      return ['regexp', []];
    case T.RawString:
    case T.QuotedString:
      return [comparisonOperatorOf(tokens[index - 1])?.right === 'regex' ? 'regexp' : 'string', []];
    case T.BareLiteral:
      return [bareType(model, tokens, index), []];
  }
  return ['unknown', []];
}

/** An unquoted literal is a number, an IP or hex bytes depending on its left-hand side. */
function bareType(model: SemanticModel, tokens: Token[], index: number): SemanticTokenType {
  const role = literalRole(tokens, index);
  if (role.role === 'operand') {
    const kind = model.leftOperand(role.operator)?.type?.kind;
    if (kind === 'Ip') return 'ip';
    if (kind === 'Int') return 'number';
    if (kind === 'Bytes') return 'string';
  }
  const image = tokens[index]!.image;
  return /^-?(\d+|0x[0-9a-fA-F]+)(\.\.-?\d+)?$/.test(image) ? 'number' : /[:/]|^\d+\.\d+\.\d+\.\d+/.test(image) ? 'ip' : 'number';
}
