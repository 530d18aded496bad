/**
 * Golden AST snapshots: test/golden/ast.txt lists expressions (each after a `# title` line);
 * test/golden/ast.json holds their canonical trees. Regenerate after a deliberate change with
 * `UPDATE_GOLDEN=1 npx vitest run test/golden.test.ts` and review the diff.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseExpression } from '../src/syntax/parser.js';
import { canonicalAst, type Json } from '../src/syntax/canonical.js';

const inputUrl = new URL('./golden/ast.txt', import.meta.url);
const goldenUrl = new URL('./golden/ast.json', import.meta.url);

const cases = readFileSync(inputUrl, 'utf8')
  .split(/^# /m)
  .filter((block) => block.trim() !== '')
  .map((block) => {
    const newline = block.indexOf('\n');
    return { title: block.slice(0, newline).trim(), expression: block.slice(newline + 1).replace(/\n+$/, '') };
  });

const actual: Record<string, { expression: string; ast: Json }> = {};
for (const { title, expression } of cases) {
  const { ast, diagnostics } = parseExpression(expression);
  expect(diagnostics, title).toEqual([]);
  actual[title] = { expression, ast: canonicalAst(ast!) };
}

if (process.env.UPDATE_GOLDEN === '1' || !existsSync(goldenUrl)) {
  writeFileSync(goldenUrl, `${JSON.stringify(actual, null, 2)}\n`);
}
const golden = JSON.parse(readFileSync(goldenUrl, 'utf8')) as typeof actual;

describe('golden syntax trees', () => {
  it('covers exactly the expressions of ast.txt', () => {
    expect(Object.keys(golden).sort()).toEqual(Object.keys(actual).sort());
  });
  for (const title of Object.keys(actual)) {
    it(title, () => expect(actual[title]).toEqual(golden[title]));
  }
});
