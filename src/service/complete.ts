/**
 * Context-aware completion.
 *
 * The cursor's context comes from the tokens before it (the lexer copes with any text):
 * where a value can start we propose field names one dotted segment at a time, functions
 * and keywords; after a value, the comparison operators its type takes; after a complete
 * comparison, the logical operators; after `in`, a set or a list of the right type; inside
 * `…headers["` the common header names. Types come from the checker (see
 * `semantic-model.ts`), which types values however broken the rest of the text is.
 *
 * @module
 */
import type { SchemeField, SchemeFunction } from '../scheme/environment.js';
import { parseType, type Type } from '../scheme/types.js';
import {
  argumentIndex,
  comparisonOperatorOf,
  isComparisonOperator,
  isLiteral,
  isLogicalOperator,
  isString,
  isTerminated,
  isWord,
  lastTokenBefore,
  lex,
  literalRole,
  openBrackets,
  stringContent,
  T,
  tokenAt,
  type Opener,
  type Token,
} from './analysis.js';
import { describeField, describeFunction, type SchemeCatalog } from './catalog.js';
import { headerNamesFor, valuesFor } from './known-values.js';
import { LOGICAL_OPERATORS, operatorDoc, operatorsFor } from './operators.js';
import { SemanticModel, type ValueAt } from './semantic-model.js';
import type { CompletionItem, CompletionList, Span } from './types.js';

/** Where a value may start, and what surrounds it. */
type ValueContext =
  | { where: 'top' }
  | { where: 'quantifier' }
  | { where: 'argument'; fn: SchemeFunction | undefined; index: number };

const SORT = { first: '0', field: '1', function: '2', keyword: '3', snippet: '4', symbol: '5', deprecated: '6' } as const;

/** Completions at `offset` in `text`. */
export function complete(catalog: SchemeCatalog, text: string, offset: number): CompletionList {
  const at = Math.max(0, Math.min(offset, text.length));
  return new Completer(catalog, text, at).run();
}

class Completer {
  private readonly tokens: Token[];
  private readonly model: SemanticModel;
  /** The word being typed (a name, keyword or `$list`), if the cursor touches one. */
  private word: Token | undefined;
  private span: Span;

  constructor(
    private readonly catalog: SchemeCatalog,
    private readonly text: string,
    private readonly offset: number,
  ) {
    this.tokens = lex(text).tokens;
    this.model = new SemanticModel(text, this.tokens, catalog.scheme);
    this.span = { start: offset, end: offset };
  }

  private result(items: CompletionItem[]): CompletionList {
    return { items, span: this.span };
  }

  run(): CompletionList {
    const { tokens, offset } = this;
    const index = tokenAt(tokens, offset);
    let before = lastTokenBefore(tokens, offset);
    if (index !== undefined) {
      const token = tokens[index]!;
      if (isString(token) && (offset < token.end || !isTerminated(token))) return this.inString(index);
      if (token.type === T.BareLiteral) return this.result([]);
      if (isWord(token) || token.type === T.ListReference) {
        this.word = token;
        this.span = { start: token.start, end: token.end };
        before = index - 1;
      }
    }
    if (this.word?.type === T.ListReference) return this.result(this.listItems(before, false));
    return this.result(this.afterToken(before));
  }

  /** What the typed part of the current word is (up to the cursor). */
  private get prefix(): string {
    return this.word === undefined ? '' : this.text.slice(this.word.start, this.offset);
  }

  /** Items for the position after `tokens[before]` (`-1`: the start of the text). */
  private afterToken(before: number): CompletionItem[] {
    const { tokens } = this;
    const previous = tokens[before];
    const stack = openBrackets(tokens, before + 1);
    const innermost = stack[stack.length - 1];
    if (previous === undefined) return this.valueStart({ where: 'top' }, true);
    if (isLogicalOperator(previous)) return this.valueStart(this.enclosing(stack), false);
    if (isComparisonOperator(previous)) {
      const left = this.model.leftOperand(before);
      return comparisonOperatorOf(previous)?.right === 'set' ? this.afterIn(left) : this.operandValues(left);
    }
    switch (previous.type) {
      case T.LParen:
        return this.valueStart(this.enclosing(stack), false);
      case T.Comma:
        return innermost?.kind === 'call' ? this.valueStart(this.enclosing(stack), false) : [];
      case T.LBracket:
        return this.indexItems(before);
      case T.LCurly:
        return this.setItems(innermost);
      case T.Identifier:
      case T.RBracket:
      case T.RParen:
        return this.afterValue(before);
      case T.True:
      case T.RCurly:
      case T.ListReference:
        return this.logical();
    }
    if (isLiteral(previous)) {
      if (innermost?.kind === 'set') return this.setItems(innermost);
      const role = literalRole(tokens, before);
      return role.role === 'operand' ? this.logical() : [];
    }
    return [];
  }

  /** The value context given by the innermost unclosed bracket. */
  private enclosing(stack: Opener[]): ValueContext {
    const opener = stack[stack.length - 1];
    if (opener?.kind === 'quantifier') return { where: 'quantifier' };
    if (opener?.kind === 'call') {
      const name = this.tokens[opener.index - 1]!.image;
      return { where: 'argument', fn: this.catalog.scheme.functionInfo(name), index: argumentIndex(this.tokens, opener.index, this.offset) };
    }
    return { where: 'top' };
  }

  // --- values --------------------------------------------------------------------------------

  /** Fields (one namespace level at a time), functions and keywords where a value can start. */
  private valueStart(context: ValueContext, atStart: boolean): CompletionItem[] {
    const prefix = this.prefix;
    const namespace = prefix.slice(0, prefix.lastIndexOf('.') + 1);
    const parameter = context.where === 'argument' ? context.fn?.parameters[Math.min(context.index, context.fn.parameters.length - 1)] : undefined;
    if (parameter?.kind === 'literal') return [];
    const wanted = parameter === undefined ? undefined : parseType(parameter.type);
    const items: CompletionItem[] = [];
    // Every field below the typed namespace, its direct children first; namespace items
    // (`http.request.`) let the user complete one segment at a time.
    const { fields: direct, namespaces } = this.catalog.children(namespace);
    for (const field of direct) {
      items.push(this.fieldItem(field, wanted, false));
      const type = parseType(field.type);
      if (type?.kind === 'Array' || type?.kind === 'Map') items.push(...this.containerItems(field, type, context));
    }
    for (const field of this.catalog.below(namespace)) {
      if (!direct.includes(field)) items.push(this.fieldItem(field, wanted, true));
    }
    for (const ns of namespaces) {
      items.push({
        label: ns.name,
        kind: 'field',
        detail: `${ns.count} field${ns.count === 1 ? '' : 's'}`,
        insertText: ns.name,
        sortText: `${SORT.field}0${ns.name}`,
        retrigger: true,
      });
    }
    if (namespace !== '') return items;
    // Renaming a call (`lowe|(x)`) must not insert a second argument list.
    const called = this.text.startsWith('(', this.span.end);
    for (const fn of this.catalog.functions()) items.push(this.functionItem(fn, wanted, called));
    if (context.where === 'top') {
      items.push(this.keyword('not', 'negates the condition after it'));
      if (atStart) items.push(this.keyword('true', 'matches every request'));
      for (const quantifier of ['any', 'all'] as const) {
        items.push({
          label: `${quantifier}(…)`,
          kind: 'snippet',
          detail: operatorDoc(quantifier)!.title,
          documentation: operatorDoc(quantifier)!.description,
          insertText: `${quantifier}(\${1:field}[*] \${2:eq} \${3:value})$0`,
          isSnippet: true,
          filterText: quantifier,
          sortText: `${SORT.snippet}${quantifier}`,
        });
      }
    }
    return items;
  }

  private fieldItem(field: SchemeField, wanted: Type | undefined, deep: boolean): CompletionItem {
    const matches = wanted !== undefined && parseType(field.type) === wanted;
    const rank = `${field.deprecated !== undefined ? SORT.deprecated : matches ? SORT.first : SORT.field}${deep ? 1 : 0}`;
    return {
      label: field.name,
      kind: 'field',
      detail: field.deprecated !== undefined ? `${field.type} (deprecated)` : field.type,
      documentation: describeField(field),
      insertText: field.name,
      ...(field.deprecated !== undefined && { deprecated: true }),
      sortText: `${rank}${field.name}`,
    };
  }

  /**
   * Ways to use an array or map field: `any(F[*] …)`/`all(…)` snippets where a condition
   * starts, `F[*]` inside a quantifier.
   */
  private containerItems(field: SchemeField, type: Type & { kind: 'Array' | 'Map' }, context: ValueContext): CompletionItem[] {
    // Map<Array<T>> (headers, cookies, query args) is compared through one key's values.
    const keyed = type.kind === 'Map' && type.element.kind === 'Array';
    const key = keyed ? (headerNamesFor(field.name) !== undefined ? '["${1:user-agent}"]' : '["${1:name}"]') : '';
    const each = `${field.name}${key}[*]`;
    const shown = `${field.name}${keyed ? '["…"]' : ''}[*]`;
    const next = keyed ? 2 : 1;
    if (context.where === 'quantifier') {
      return [{
        label: shown,
        kind: 'snippet',
        detail: `each element of ${field.type}`,
        insertText: `${each} \${${next}:eq} \${${next + 1}:value}`,
        isSnippet: true,
        filterText: field.name,
        sortText: `${SORT.snippet}${field.name}`,
      }];
    }
    if (context.where !== 'top') return [];
    return (['any', 'all'] as const).map((quantifier) => ({
      label: `${quantifier}(${shown} …)`,
      kind: 'snippet' as const,
      detail: `${operatorDoc(quantifier)!.title} of ${field.type}`,
      documentation: operatorDoc(quantifier)!.description,
      insertText: `${quantifier}(${each} \${${next}:eq} \${${next + 1}:value})$0`,
      isSnippet: true,
      filterText: field.name,
      sortText: `${SORT.snippet}${field.name}${quantifier}`,
    }));
  }

  private functionItem(fn: SchemeFunction, wanted: Type | undefined, called: boolean): CompletionItem {
    const required = fn.parameters.filter((p) => !p.optional && !p.variadic);
    const firstVariadic = fn.parameters.find((p) => p.variadic && !p.optional);
    const placeholders = [...required, ...(firstVariadic ? [firstVariadic] : [])].map((p, i) => `\${${i + 1}:${p.name}}`);
    const matches = wanted !== undefined && parseType(fn.returns) === wanted;
    return {
      label: fn.name,
      kind: 'function',
      detail: fn.signature,
      documentation: describeFunction(fn, this.catalog.phase),
      insertText: called ? fn.name : `${fn.name}(${placeholders.join(', ')})$0`,
      ...(!called && { isSnippet: true }),
      sortText: `${matches ? SORT.first : SORT.function}${fn.name}`,
    };
  }

  private keyword(word: string, detail: string): CompletionItem {
    return { label: word, kind: 'keyword', detail, documentation: operatorDoc(word)?.description, insertText: word, sortText: `${SORT.keyword}${word}` };
  }

  // --- operators -----------------------------------------------------------------------------

  /**
   * Text inserted after a token: a space first when the cursor touches the end of a value
   * or literal (`lower(x)|` → `lower(x) eq`), so that the result reads canonically.
   */
  private spaced(text: string): string {
    const before = this.text[this.span.start - 1];
    return this.word === undefined && before !== undefined && /[\w)\]}"#]/.test(before) ? ` ${text}` : text;
  }

  /** After a value: the comparison operators of its type, or the logical ones after a Bool. */
  private afterValue(end: number): CompletionItem[] {
    const value = this.model.valueEndingAt(end);
    if (value === undefined) {
      // `)` closing a group or a quantifier: a complete condition.
      return this.tokens[end]!.type === T.RParen ? this.logical() : [];
    }
    if (value.condition) return this.logical();
    const names = operatorsFor(value.type, this.catalog.scheme.options);
    const items: CompletionItem[] = [];
    names.forEach((name, i) => {
      const doc = operatorDoc(name)!;
      const order = String(i).padStart(2, '0');
      items.push({
        label: name,
        kind: 'operator',
        detail: doc.symbol === undefined ? doc.title : `${doc.title} (${doc.symbol})`,
        documentation: doc.description,
        insertText: this.spaced(name),
        sortText: `${SORT.first}${order}`,
      });
      if (doc.symbol !== undefined) {
        items.push({
          label: doc.symbol,
          kind: 'operator',
          detail: `${doc.title} (${name})`,
          documentation: doc.description,
          insertText: this.spaced(doc.symbol),
          sortText: `${SORT.symbol}${order}`,
        });
      }
    });
    return items;
  }

  /** After a complete condition: `and`, `or`, `xor` and their symbols. */
  private logical(): CompletionItem[] {
    const items: CompletionItem[] = [];
    LOGICAL_OPERATORS.filter((d) => d.name !== 'not').forEach((doc, i) => {
      items.push({ label: doc.name, kind: 'keyword', detail: `${doc.title} (${doc.symbol})`, documentation: doc.description, insertText: this.spaced(doc.name), sortText: `${SORT.first}${i}` });
      items.push({ label: doc.symbol!, kind: 'operator', detail: `${doc.title} (${doc.name})`, documentation: doc.description, insertText: this.spaced(doc.symbol!), sortText: `${SORT.symbol}${i}` });
    });
    return items;
  }

  // --- right-hand sides ----------------------------------------------------------------------

  /** After `in`: a set, a `$list`, and the lists of the value's type. */
  private afterIn(left: ValueAt | undefined): CompletionItem[] {
    const inDoc = operatorDoc('in')!;
    return [
      { label: '{', kind: 'snippet', detail: 'a set of values {…}', documentation: inDoc.description, insertText: this.spaced('{$1}$0'), isSnippet: true, filterText: '{', sortText: `${SORT.first}0` },
      { label: '$', kind: 'list', detail: 'a named list', documentation: operatorDoc('$list')!.description, insertText: this.spaced('$'), sortText: `${SORT.first}1`, retrigger: true },
      ...this.listItems(undefined, true, left),
    ];
  }

  /** `$name` items for the lists whose type fits the left-hand side of the `in` before. */
  private listItems(before: number | undefined, spaced: boolean, known?: ValueAt): CompletionItem[] {
    let left = known;
    if (before !== undefined) {
      const operator = this.tokens[before];
      if (!isComparisonOperator(operator)) return [];
      left = this.model.leftOperand(before);
    }
    const wanted = left?.type;
    const items: CompletionItem[] = [];
    for (const name of this.catalog.scheme.lists()) {
      const type = this.catalog.listType(name);
      if (wanted !== undefined && type !== undefined && type !== wanted) continue;
      const size = this.catalog.listSize(name);
      items.push({
        label: `$${name}`,
        kind: 'list',
        detail: `${type?.kind ?? ''} list${size === undefined ? '' : ` · ${size} item${size === 1 ? '' : 's'}`}`.trim(),
        insertText: spaced ? this.spaced(`$${name}`) : `$${name}`,
        sortText: `${SORT.field}${name}`,
      });
    }
    return items;
  }

  /** Known values for the right-hand side of `eq`/`ne` (quoted), e.g. HTTP methods. */
  private operandValues(left: ValueAt | undefined): CompletionItem[] {
    const field = left?.field;
    if (field === undefined) return [];
    return (valuesFor(field) ?? []).map((value, i) => ({
      label: `"${value}"`,
      kind: 'value' as const,
      detail: field,
      insertText: this.spaced(`"${value}"`),
      sortText: `${SORT.first}${String(i).padStart(2, '0')}`,
    }));
  }

  /** Inside `{ … }` after `in`: known values of the field. */
  private setItems(opener: Opener | undefined): CompletionItem[] {
    if (opener?.kind !== 'set') return [];
    const operator = opener.index - 1;
    const token = this.tokens[operator];
    if (comparisonOperatorOf(token)?.right !== 'set') return [];
    return this.operandValues(this.model.leftOperand(operator));
  }

  /** After `[`: `*`, array positions, or quoted header names for header maps. */
  private indexItems(bracket: number): CompletionItem[] {
    const object = bracket > 0 ? this.model.valueEndingAt(bracket - 1) : undefined;
    const type = object?.type;
    const items: CompletionItem[] = [];
    if (type === undefined || type.kind === 'Array' || type.kind === 'Map') {
      items.push({ label: '*', kind: 'operator', detail: 'every element', documentation: operatorDoc('[*]')!.description, insertText: '*', sortText: `${SORT.keyword}*` });
    }
    if (type?.kind === 'Array') items.push({ label: '0', kind: 'value', detail: 'first element', insertText: '0', sortText: `${SORT.keyword}0` });
    if (type?.kind === 'Map' && object?.field !== undefined) {
      for (const name of headerNamesFor(object.field) ?? []) {
        items.push({ label: `"${name}"`, kind: 'value', detail: 'header name', insertText: `"${name}"`, filterText: `"${name}"`, sortText: `${SORT.first}${name}` });
      }
    }
    return items;
  }

  /** Inside a string: header names in `headers["…"]`, known values after `eq`/`in {`. */
  private inString(index: number): CompletionList {
    const token = this.tokens[index]!;
    const content = stringContent(token);
    if (this.offset < content.start || token.type !== T.QuotedString) return this.result([]);
    this.span = content;
    const close = isTerminated(token) ? '' : '"';
    const role = literalRole(this.tokens, index);
    let names: readonly string[] = [];
    let detail = '';
    if (role.role === 'index' && index >= 2) {
      const object = this.model.valueEndingAt(index - 2);
      if (object?.field !== undefined) {
        names = headerNamesFor(object.field) ?? [];
        detail = 'header name';
      }
    } else if (role.role === 'operand') {
      const left = this.model.leftOperand(role.operator);
      if (left?.field !== undefined) {
        names = valuesFor(left.field) ?? [];
        detail = left.field;
      }
    }
    return this.result(names.map((name, i) => ({ label: name, kind: 'value', detail, insertText: name + close, sortText: `${SORT.first}${String(i).padStart(3, '0')}` })));
  }
}
