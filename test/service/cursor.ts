/**
 * Test helper: a lone `|` in a test text marks the cursor (`||` is left alone: it is the
 * symbolic `or`).
 */

/** Splits `marked` at its lone `|` into the text and the cursor offset. */
export function cursor(marked: string): { text: string; offset: number } {
  const lone: number[] = [];
  for (let i = 0; i < marked.length; i++) {
    if (marked[i] === '|' && marked[i - 1] !== '|' && marked[i + 1] !== '|') lone.push(i);
  }
  if (lone.length !== 1) throw new Error(`expected exactly one lone | in ${JSON.stringify(marked)}`);
  const offset = lone[0]!;
  return { text: marked.slice(0, offset) + marked.slice(offset + 1), offset };
}
