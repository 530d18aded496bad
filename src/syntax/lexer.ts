/**
 * The lexer: expression text → tokens with offsets. Lexical errors become diagnostics.
 *
 * @module
 */
import { Lexer, type IToken } from 'chevrotain';
import type { DiagnosticBag } from '../check/diagnostics.js';
import { allTokens } from './tokens.js';

let lexer: Lexer | undefined;

function getLexer(): Lexer {
  lexer ??= new Lexer(allTokens, {
    positionTracking: 'onlyOffset',
    ensureOptimizations: true,
    skipValidations: true,
  });
  return lexer;
}

/** Human explanation for a character that starts no token. */
function describeUnexpected(text: string): string {
  const c = text[0];
  if (c === '\t') return 'a TAB is not whitespace in an expression; use spaces';
  if (c === '#') return 'unexpected character `#`: the Rules language has no comments';
  if (c === "'") return 'unexpected character `\'`: strings are written in double quotes';
  if (c === '.') return 'unexpected character `.`: a name or literal cannot start or end with a dot';
  const printable = /[\x21-\x7e]/.test(c) ? `\`${c}\`` : `U+${text.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
  return `unexpected character ${printable}`;
}

/**
 * Splits `text` into tokens. Offsets in the returned tokens are relative to `text`; `base`
 * is added to the spans of diagnostics (the caller lexes a trimmed slice of the source).
 */
export function tokenize(text: string, base: number, diagnostics: DiagnosticBag): IToken[] {
  const result = getLexer().tokenize(text);
  for (const error of result.errors) {
    const bad = text.slice(error.offset, error.offset + error.length);
    diagnostics.error('unexpected-character', describeUnexpected(bad), {
      start: base + error.offset,
      end: base + error.offset + Math.max(1, error.length),
    });
  }
  return result.tokens;
}
