/**
 * The one line index: LF, CRLF and a lone CR end lines (the LSP's rule), positions are 1-based
 * lines and UTF-16 columns, and everything outside the text is clamped to it.
 */
import { describe, expect, it } from 'vitest';
import { DiagnosticBag } from '../../src/diagnostics/diagnostics.js';
import { LineIndex } from '../../src/index.js';
import { renderDiagnostic } from '../../src/index.js';

/** Every offset's position, computed the slow way (for comparison). */
function naive(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset; i++) {
    const c = text[i];
    if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
}

describe('LineIndex', () => {
  it('counts LF, CRLF and lone CR as one line break each', () => {
    const text = 'a\nbc\r\nd\re';
    const lines = new LineIndex(text);
    expect(lines.lineCount).toBe(4);
    expect(lines.position(0)).toEqual({ line: 1, column: 1 });
    expect(lines.position(2)).toEqual({ line: 2, column: 1 });
    expect(lines.position(4)).toEqual({ line: 2, column: 3 }); // the \r of \r\n
    expect(lines.position(5)).toEqual({ line: 2, column: 4 }); // between \r and \n: still line 2
    expect(lines.position(6)).toEqual({ line: 3, column: 1 });
    expect(lines.position(8)).toEqual({ line: 4, column: 1 });
    for (let offset = 0; offset <= text.length; offset++) expect(lines.position(offset)).toEqual(naive(text, offset));
  });

  it('gives line bounds without the terminator, and the start of each line', () => {
    const lines = new LineIndex('a\nbc\r\nd\re\n');
    expect([1, 2, 3, 4, 5].map((n) => lines.lineBounds(n))).toEqual([
      { start: 0, end: 1 },
      { start: 2, end: 4 },
      { start: 6, end: 7 },
      { start: 8, end: 9 },
      { start: 10, end: 10 },
    ]);
    expect([1, 2, 3, 4, 5, 6].map((n) => lines.lineStart(n))).toEqual([0, 2, 6, 8, 10, 10]);
    expect(lines.line(9)).toBe(4);
  });

  it('a CR before a LF that itself follows a LF: each ends its own line', () => {
    const lines = new LineIndex('a\n\r\nb\r\r');
    expect(lines.lineCount).toBe(5);
    expect([1, 2, 3, 4, 5].map((n) => lines.lineBounds(n))).toEqual([
      { start: 0, end: 1 },
      { start: 2, end: 2 },
      { start: 4, end: 5 },
      { start: 6, end: 6 },
      { start: 7, end: 7 },
    ]);
  });

  it('maps a line and column back to an offset, clamped to the line', () => {
    const text = 'ab\r\ncdé\rf';
    const lines = new LineIndex(text);
    for (let offset = 0; offset <= text.length; offset++) {
      const { line, column } = lines.position(offset);
      // Inside a terminator the offset maps back to the end of the line's text.
      expect(lines.offset(line, column)).toBe(Math.min(offset, lines.lineBounds(line).end));
    }
    expect(lines.offset(1, 99)).toBe(2);
    expect(lines.offset(1, 0)).toBe(0);
    expect(lines.offset(0, 1)).toBe(0);
    expect(lines.offset(99, 1)).toBe(text.indexOf('f'));
  });

  it('counts columns in UTF-16 code units', () => {
    const lines = new LineIndex('😀 é\nx');
    expect(lines.position(3)).toEqual({ line: 1, column: 4 });
    expect(lines.position(5)).toEqual({ line: 2, column: 1 });
  });

  it('handles the empty text', () => {
    const lines = new LineIndex('');
    expect(lines.lineCount).toBe(1);
    expect(lines.position(0)).toEqual({ line: 1, column: 1 });
    expect(lines.lineBounds(1)).toEqual({ start: 0, end: 0 });
    expect(lines.offset(1, 1)).toBe(0);
    expect(lines.position(5)).toEqual({ line: 1, column: 1 });
  });

  it('clamps offsets before the start and past the end', () => {
    const lines = new LineIndex('ab\ncd');
    expect(lines.position(-3)).toEqual({ line: 1, column: 1 });
    expect(lines.position(5)).toEqual({ line: 2, column: 3 });
    expect(lines.position(500)).toEqual({ line: 2, column: 3 });
    expect(lines.line(500)).toBe(2);
    expect(lines.lineBounds(7)).toEqual({ start: 3, end: 5 });
    expect(new LineIndex('ab\n').position(99)).toEqual({ line: 2, column: 1 });
  });

  it('is what diagnostics and their rendering use', () => {
    const source = 'ssl and\rhttp.hots eq "a"';
    const bag = new DiagnosticBag(source);
    bag.error('unknown-identifier', 'unknown identifier', { start: 8, end: 17 });
    const [diagnostic] = bag.items;
    expect(diagnostic).toMatchObject({ line: 2, column: 1 });
    expect(renderDiagnostic(source, diagnostic!)).toBe('Filter parsing error (2:1):\nhttp.hots eq "a"\n^^^^^^^^^ unknown identifier');
    const crlf = 'ssl and\r\nhttp.hots eq "a"';
    const other = new DiagnosticBag(crlf);
    other.error('unknown-identifier', 'unknown identifier', { start: 9, end: 18 });
    expect(renderDiagnostic(crlf, other.items[0]!)).toBe('Filter parsing error (2:1):\nhttp.hots eq "a"\n^^^^^^^^^ unknown identifier');
  });
});
