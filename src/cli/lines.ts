/**
 * Splits a byte stream into lines with a bound on their length, for NDJSON traffic. Node's
 * `readline` builds every line whole, however long: one line of hundreds of megabytes takes
 * that much memory, and past V8's string limit it throws a `RangeError`. Here a line longer
 * than the bound is not kept: its bytes are dropped as they arrive, and it is reported as too
 * long, so that the caller counts it as malformed and goes on with the next line.
 *
 * @module
 */

/** Longest line kept by default: 1 MiB (a request line is a few kilobytes). */
export const MAX_LINE_BYTES = 1024 * 1024;

/** One line of a stream. */
export interface Line {
  /** 1-based line number. */
  number: number;
  /** The line without its terminator, decoded as UTF-8; undefined when it was too long (its bytes were dropped). */
  text: string | undefined;
  /** Length of the line in bytes, without its terminator (also when it was too long). */
  bytes: number;
  /** Bytes of the stream consumed up to the end of this line, terminator included (for progress). */
  end: number;
}

/**
 * Yields the lines of a stream. Lines end at `\n`, `\r\n` or a lone `\r`, as with `readline`
 * (`crlfDelay: Infinity`); text after the last line break is a last line, an empty one is not.
 * A line of more than `maxLineBytes` bytes is yielded without its text, having held at most
 * `maxLineBytes` bytes of it: memory stays bounded by the limit and the stream's chunk size.
 */
export async function* readLines(stream: AsyncIterable<unknown>, maxLineBytes = MAX_LINE_BYTES): AsyncGenerator<Line> {
  /** Pieces of the current line (views of the chunks), while it fits the limit. */
  let pieces: Buffer[] = [];
  /** Bytes of the current line so far, kept or not. */
  let length = 0;
  let tooLong = false;
  /** The last chunk ended with `\r`: a `\n` opening the next one ends the same line. */
  let pendingCr = false;
  let number = 0;
  let consumed = 0;

  const take = (chunk: Buffer, from: number, to: number): void => {
    if (to === from) return;
    length += to - from;
    if (tooLong) return;
    if (length > maxLineBytes) {
      tooLong = true;
      pieces = [];
    } else {
      pieces.push(chunk.subarray(from, to));
    }
  };
  const finish = (): Line => {
    number++;
    const text = tooLong ? undefined : pieces.length === 1 ? pieces[0]!.toString('utf8') : Buffer.concat(pieces, length).toString('utf8');
    const line: Line = { number, text, bytes: length, end: consumed };
    pieces = [];
    length = 0;
    tooLong = false;
    return line;
  };

  for await (const raw of stream) {
    const chunk = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : (raw as Buffer);
    let pos = 0;
    if (pendingCr && chunk.length > 0) {
      pendingCr = false;
      if (chunk[0] === 10) {
        pos = 1;
        consumed++;
      }
    }
    // The next `\n` and `\r` at or after `pos` (-1: none left in this chunk), each searched
    // again only once passed, so that a chunk is scanned a bounded number of times.
    let lf = chunk.indexOf(10, pos);
    let cr = chunk.indexOf(13, pos);
    while (pos < chunk.length) {
      if (lf !== -1 && lf < pos) lf = chunk.indexOf(10, pos);
      if (cr !== -1 && cr < pos) cr = chunk.indexOf(13, pos);
      const stop = lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr);
      if (stop === -1) {
        take(chunk, pos, chunk.length);
        consumed += chunk.length - pos;
        break;
      }
      take(chunk, pos, stop);
      let next = stop + 1;
      if (chunk[stop] === 13) {
        if (next < chunk.length) {
          if (chunk[next] === 10) next++;
        } else {
          pendingCr = true;
        }
      }
      consumed += next - pos;
      pos = next;
      yield finish();
    }
  }
  if (length > 0) yield finish();
}
