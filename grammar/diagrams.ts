/**
 * Builds the syntax-diagram page of the grammar from the parser itself, so the diagrams can
 * never drift from what is parsed.
 */
import { createSyntaxDiagramsCode } from 'chevrotain';
import { serializedGrammar } from '../src/syntax/parser.js';

/** The HTML page with one railroad diagram per parser rule. */
export function syntaxDiagramsHtml(): string {
  return createSyntaxDiagramsCode(serializedGrammar());
}
