/**
 * The expressions of an editor document, each with a map between its own offsets and
 * document offsets: a `wirefilter` document is one expression; a Rulesets JSON document
 * holds one per rule, written inside JSON strings (so offsets go through escapes).
 *
 * @module
 */
import { decodedIndex, documentOffset, escapeJsonString, type JsonString } from '../../json/located.js';
import { findExpressions } from './rulesets.js';

/** One expression inside a document. */
export interface ExpressionRegion {
  /** The expression text (decoded, for JSON strings). */
  text: string;
  /** The phase the expression is for, when the document says (a ruleset's `phase`). */
  phase?: string;
  /** A rate limiting rule's counting expression (response fields are valid there). */
  counting?: boolean;
  /** Document offset of an expression offset (`0…text.length`). */
  toDocument(offset: number): number;
  /** Expression offset of a document offset, or `undefined` when it is outside the expression. */
  fromDocument(offset: number): number | undefined;
  /** The document text that stands for `text` (re-escaped for JSON strings). */
  encode(text: string): string;
  /** The document range to replace when the whole expression is rewritten. */
  range: { start: number; end: number };
  /** Inside JSON: snippet text must have its backslashes doubled (they escape in snippets). */
  json: boolean;
}

/** The document kinds the server understands. */
export type DocumentKind = 'wirefilter' | 'json';

/** The kind of a document from its language id, or `undefined` for documents we ignore. */
export function documentKind(languageId: string): DocumentKind | undefined {
  if (languageId === 'wirefilter') return 'wirefilter';
  if (languageId === 'json' || languageId === 'jsonc') return 'json';
  return undefined;
}

/** The expressions of a document. A JSON document that is not Rulesets JSON has none. */
export function expressionRegions(kind: DocumentKind, text: string): ExpressionRegion[] {
  if (kind === 'wirefilter') {
    return [{
      text,
      toDocument: (offset) => offset,
      fromDocument: (offset) => (offset >= 0 && offset <= text.length ? offset : undefined),
      encode: (value) => value,
      range: { start: 0, end: text.length },
      json: false,
    }];
  }
  return (findExpressions(text) ?? []).map(({ string, phase, counting }) => jsonRegion(string, phase, counting === true));
}

function jsonRegion(string: JsonString, phase: string | undefined, counting: boolean): ExpressionRegion {
  return {
    text: string.value,
    ...(phase !== undefined && { phase }),
    ...(counting && { counting }),
    toDocument: (offset) => documentOffset(string, offset),
    // Inside the quotes only: the cursor on a quote belongs to the JSON, not the expression.
    fromDocument: (offset) => (offset > string.start && offset < string.end ? decodedIndex(string, offset) : undefined),
    encode: (value) => `"${escapeJsonString(value)}"`,
    range: { start: string.start, end: string.end },
    json: true,
  };
}
