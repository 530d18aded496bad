/**
 * Writes grammar/diagrams.html: railroad diagrams of the parser's grammar (chevrotain's
 * generator). Run with `npm run grammar`; test/grammar.test.ts fails when it is stale.
 */
import { writeFileSync } from 'node:fs';
import { syntaxDiagramsHtml } from '../grammar/diagrams.js';

writeFileSync(new URL('../grammar/diagrams.html', import.meta.url), syntaxDiagramsHtml());
console.log('wrote grammar/diagrams.html');
