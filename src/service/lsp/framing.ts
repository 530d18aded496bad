/**
 * A guard for the base protocol's framing on the server's input (`Content-Length: N` headers,
 * a blank line, then N bytes of JSON). vscode-jsonrpc's stream reader stops making progress
 * after one malformed header (a negative, non-numeric or missing `Content-Length`), and
 * buffers whatever length a header announces. {@link FrameValidator} sits between the raw
 * input and that reader: it forwards well-formed frames, with a canonical header, and drops
 * malformed ones, reporting each and resynchronising on the next `Content-Length:` header,
 * so a client that sends a good frame afterwards is answered.
 *
 * What resynchronising cannot undo: the body of a dropped frame is skipped up to the next
 * `Content-Length:` (should that text appear inside the body itself, it may be reported as one
 * more malformed frame before the real one is found), so a frame without any `Content-Length`
 * right after a dropped one is skipped with it; and a frame that announces more bytes than it
 * sends takes the following bytes as its body (that message fails to decode, the reader
 * reports it, and framing resynchronises after it).
 *
 * @module
 */
import { Transform, type TransformCallback } from 'node:stream';

/** The largest frame body forwarded by default (64 MiB): a larger one is dropped, not buffered. */
export const DEFAULT_MAX_FRAME_BYTES = 64 * 1024 * 1024;

/**
 * The largest header part (the bytes before the blank line). Real headers are under 100 bytes
 * (`Content-Length` and an optional `Content-Type`); this bounds both the buffering of a header
 * that never ends and the work of trying each `Content-Length:` found while resynchronising.
 */
export const MAX_HEADER_BYTES = 4096;

/**
 * How many problems are reported before the rest go unreported: the reports go to stderr,
 * and a client that never reads stderr must not fill the pipe and block the server.
 */
export const MAX_FRAMING_REPORTS = 100;

/** Options of {@link FrameValidator}. */
export interface FrameValidatorOptions {
  /** The largest frame body accepted, in bytes (default {@link DEFAULT_MAX_FRAME_BYTES}). */
  maxFrameBytes?: number;
  /** Receives one line per problem (default: written to stderr). */
  report?: (message: string) => void;
}

const CR = 0x0d;
const LF = 0x0a;
const HEADER_END = Buffer.from('\r\n\r\n', 'latin1');
const EMPTY = Buffer.alloc(0);
/** The header name searched for while resynchronising (compared case-insensitively). */
const MARKER = 'content-length:';
/** An RFC 9110 field name (a token). */
const FIELD_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

type Verdict =
  | { kind: 'frame'; length: number }
  /** Not a header at all (a line that is not `name: value`): resynchronise inside it. */
  | { kind: 'junk'; reason: string }
  /** A well-formed header with an unusable `Content-Length`: resynchronise after it. */
  | { kind: 'invalid'; reason: string };

/** A short printable rendering of untrusted header text for a report. */
function quote(text: string): string {
  const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  return JSON.stringify(shown);
}

/**
 * The index of the next `Content-Length:` (any case) in `text` at or after `from`, or -1.
 * `text` is the chunk decoded as Latin-1, one character per byte, so indexes are byte indexes.
 */
function findMarker(text: string, from: number): number {
  const pattern = /content-length:/gi;
  pattern.lastIndex = from;
  return pattern.exec(text)?.index ?? -1;
}

/**
 * A `Transform` that validates base-protocol framing: pipe the raw input through it and give
 * it to the JSON-RPC reader in place of the raw input. Each well-formed frame comes out as
 * `Content-Length: N\r\n\r\n` and its N bytes (the body streams through, unbuffered); a frame
 * whose header has no `Content-Length`, a value that is not a non-negative decimal integer, or
 * one above `maxFrameBytes`, is reported and dropped, and the input is scanned for the next
 * `Content-Length:` header. Blank lines between frames are tolerated silently.
 */
export class FrameValidator extends Transform {
  private readonly maxFrameBytes: number;
  private readonly reportLine: (message: string) => void;
  private state: 'header' | 'body' | 'resync' = 'header';
  /** Header bytes waiting for the rest of the header, or the tail kept while resynchronising. */
  private pending: Buffer = EMPTY;
  /** Body bytes still to forward. */
  private remaining = 0;
  /** Bytes dropped since the last problem was reported (reported once back in sync). */
  private skipped = 0;
  private reports = 0;

  /** Throws a `RangeError` when `maxFrameBytes` is not a positive integer. */
  constructor(options: FrameValidatorOptions = {}) {
    super();
    const max = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    if (!Number.isSafeInteger(max) || max < 1) throw new RangeError(`maxFrameBytes must be a positive integer, got ${String(max)}`);
    this.maxFrameBytes = max;
    this.reportLine = options.report ?? ((message) => void process.stderr.write(`wirefilter-lsp: ${message}\n`));
  }

  private report(message: string): void {
    this.reports++;
    if (this.reports <= MAX_FRAMING_REPORTS) this.reportLine(message);
    else if (this.reports === MAX_FRAMING_REPORTS + 1) this.reportLine(`more than ${MAX_FRAMING_REPORTS} framing problems: no more are reported`);
  }

  /** Judges a header part (without its blank line). */
  private judge(header: string): Verdict {
    let length: string | undefined;
    for (const line of header.split('\r\n')) {
      const colon = line.indexOf(':');
      const name = colon < 0 ? '' : line.slice(0, colon);
      if (!FIELD_NAME.test(name)) return { kind: 'junk', reason: `not a header line: ${quote(line)}` };
      if (name.toLowerCase() !== 'content-length') continue;
      const value = line.slice(colon + 1).trim();
      if (length !== undefined && length !== value) return { kind: 'invalid', reason: `conflicting Content-Length headers ${quote(length)} and ${quote(value)}` };
      length = value;
    }
    if (length === undefined) return { kind: 'invalid', reason: `header without Content-Length: ${quote(header)}` };
    if (!/^\d+$/.test(length)) return { kind: 'invalid', reason: `Content-Length ${quote(length)} is not a non-negative integer` };
    // Leading zeros aside, more than 16 digits is beyond any limit and beyond exact numbers.
    const value = length.replace(/^0+(?=\d)/, '');
    const bytes = value.length > 16 ? Number.POSITIVE_INFINITY : Number(value);
    if (bytes > this.maxFrameBytes) return { kind: 'invalid', reason: `Content-Length ${value.length > 16 ? quote(value) : value} exceeds the ${this.maxFrameBytes}-byte frame limit` };
    return { kind: 'frame', length: bytes };
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const data = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    this.pending = EMPTY;
    // Decoded once per chunk (only when resynchronising): a flood of `Content-Length:` junk
    // must not decode the rest of the chunk once per attempt.
    let latin1: string | undefined;
    let at = 0;
    while (at < data.length) {
      if (this.state === 'body') {
        const n = Math.min(this.remaining, data.length - at);
        this.push(data.subarray(at, at + n));
        at += n;
        this.remaining -= n;
        if (this.remaining === 0) this.state = 'header';
        continue;
      }
      if (this.state === 'resync') {
        latin1 ??= data.toString('latin1');
        const found = findMarker(latin1, at);
        if (found < 0) {
          // Keep a tail that could be the start of a marker split across chunks.
          const keep = Math.max(at, data.length - (MARKER.length - 1));
          this.skipped += keep - at;
          this.pending = Buffer.from(data.subarray(keep));
          at = data.length;
          break;
        }
        this.skipped += found - at;
        at = found;
        this.state = 'header';
        continue;
      }
      // Between frames: tolerate blank lines some clients add.
      if (data[at] === CR || data[at] === LF) {
        at++;
        continue;
      }
      const window = data.subarray(at, Math.min(data.length, at + MAX_HEADER_BYTES + HEADER_END.length));
      const end = window.indexOf(HEADER_END);
      if (end < 0) {
        if (window.length < MAX_HEADER_BYTES + HEADER_END.length) {
          // The header is not complete yet: wait for more input.
          this.pending = Buffer.from(data.subarray(at));
          break;
        }
        this.fail('junk', `no end of header within ${MAX_HEADER_BYTES} bytes`);
        at = this.skipFrom(at, at + 1);
        continue;
      }
      const verdict = this.judge(data.toString('latin1', at, at + end));
      if (verdict.kind === 'frame') {
        if (this.skipped > 0) this.report(`resynchronised: skipped ${this.skipped} bytes`);
        this.skipped = 0;
        at += end + HEADER_END.length;
        if (verdict.length === 0) {
          // Nothing to decode: forwarding it would only make the reader report an empty message.
          this.report('dropped a frame with Content-Length 0');
          continue;
        }
        this.push(Buffer.from(`Content-Length: ${verdict.length}\r\n\r\n`, 'latin1'));
        this.state = 'body';
        this.remaining = verdict.length;
        continue;
      }
      const resynchronising = this.skipped > 0;
      this.fail(verdict.kind, verdict.reason);
      // At a frame boundary, a header that parsed is skipped whole (its lines were all judged).
      // Junk, or a candidate found while resynchronising (it may be text of a dropped body,
      // running on into the next real header), is passed by one byte only, so the scan can
      // still find a real header inside it.
      at = this.skipFrom(at, verdict.kind === 'invalid' && !resynchronising ? at + end + HEADER_END.length : at + 1);
    }
    callback();
  }

  /**
   * Reports a problem. Junk met while already resynchronising is not reported again: each
   * `Content-Length:` found in it is one more attempt, not one more frame. A well-formed header
   * with an unusable length is a frame of its own and always reported.
   */
  private fail(kind: 'junk' | 'invalid', reason: string): void {
    if (kind === 'invalid' || this.skipped === 0) this.report(`malformed message frame dropped (${reason}); resynchronising on the next Content-Length header`);
  }

  /** Enters resynchronisation, counting the bytes from `at` to `from` as skipped. */
  private skipFrom(at: number, from: number): number {
    this.skipped += from - at;
    this.state = 'resync';
    return from;
  }

  override _flush(callback: TransformCallback): void {
    if (this.state === 'body' && this.remaining > 0) this.report(`input ended ${this.remaining} bytes before the end of a frame`);
    else if (this.pending.length > 0 && this.state === 'header') this.report(`input ended inside a header (${this.pending.length} bytes)`);
    callback();
  }
}
