/**
 * The lexer: expression text → tokens with offsets. Lexical errors become diagnostics.
 *
 * @module
 */
import { Lexer, type IToken } from 'chevrotain';
import type { DiagnosticBag } from '../diagnostics/diagnostics.js';
import { unexpectedCharacterMessage } from './messages.js';
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

/**
 * Splits `text` into tokens. Offsets in the returned tokens are relative to `text`; `base`
 * is added to the spans of diagnostics (the caller lexes a trimmed slice of the source).
 */
export function tokenize(text: string, base: number, diagnostics: DiagnosticBag): IToken[] {
  const result = getLexer().tokenize(text);
  for (const error of result.errors) {
    const bad = text.slice(error.offset, error.offset + error.length);
    diagnostics.error('unexpected-character', unexpectedCharacterMessage(bad), {
      start: base + error.offset,
      end: base + error.offset + Math.max(1, error.length),
    });
  }
  return result.tokens;
}
