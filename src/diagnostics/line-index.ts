/**
 * Lines of a text, for turning offsets into the 1-based line and column people read and
 * back. One line-break rule everywhere (diagnostics, their rendering, CLI findings, file
 * locations of JSON values): `\n`, `\r\n` and a lone `\r` each end a line — the rule of the
 * Language Server Protocol, so the CLI and an editor name the same line.
 *
 * @module
 */

/** A position people read: 1-based line and 1-based column counted in UTF-16 code units. */
export interface LineColumn {
  line: number;
  column: number;
}

/** The text of one line as offsets: `end` is before its line terminator. */
export interface LineBounds {
  start: number;
  end: number;
}

/**
 * Where each line of a text starts, computed once, so that each lookup is a binary search:
 * thousands of diagnostics on a long text stay linear. Offsets outside the text are clamped
 * to it (`0…text.length`); so are line numbers (`1…lineCount`).
 */
export class LineIndex {
  /** Offset where each line starts; `starts[0]` is 0. */
  private readonly starts: number[];

  constructor(readonly text: string) {
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 /* \n */) starts.push(i + 1);
      else if (c === 13 /* \r */ && text.charCodeAt(i + 1) !== 10) starts.push(i + 1);
    }
    this.starts = starts;
  }

  /** Number of lines (an empty text, or one without a line break, has one). */
  get lineCount(): number {
    return this.starts.length;
  }

  /**
   * 1-based line holding `offset`. A line terminator belongs to the line it ends (the offset
   * between the `\r` and the `\n` of a `\r\n` too).
   */
  line(offset: number): number {
    const starts = this.starts;
    const at = this.clampOffset(offset);
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid]! <= at) low = mid;
      else high = mid - 1;
    }
    return low + 1;
  }

  /** 1-based line and UTF-16 column of `offset`. */
  position(offset: number): LineColumn {
    const at = this.clampOffset(offset);
    const line = this.line(at);
    return { line, column: at - this.starts[line - 1]! + 1 };
  }

  /** Offset where a 1-based line starts (`text.length` past the last line). */
  lineStart(line: number): number {
    if (line > this.starts.length) return this.text.length;
    return this.starts[Math.max(1, line) - 1]!;
  }

  /** The offsets of a 1-based line's text, without its line terminator. */
  lineBounds(line: number): LineBounds {
    const n = Math.max(1, Math.min(line, this.starts.length));
    const start = this.starts[n - 1]!;
    let end = n < this.starts.length ? this.starts[n]! : this.text.length;
    if (end > start && this.text.charCodeAt(end - 1) === 10) end--;
    if (end > start && this.text.charCodeAt(end - 1) === 13) end--;
    return { start, end };
  }

  /**
   * Offset of a 1-based line and UTF-16 column. A column past the end of its line gives the
   * end of the line's text (before its terminator), as in the Language Server Protocol.
   */
  offset(line: number, column: number): number {
    const { start, end } = this.lineBounds(line);
    return Math.max(start, Math.min(start + column - 1, end));
  }

  private clampOffset(offset: number): number {
    return Math.max(0, Math.min(offset, this.text.length));
  }
}
