/**
 * Request body → `http.request.body.*` fields: raw bytes with Cloudflare-style truncation,
 * URL-encoded forms, `multipart/form-data` and content sniffing.
 *
 * Everything works on the inspected (possibly truncated) prefix only, as at Cloudflare: the
 * limit bounds the work, and `maxParts` additionally bounds the number of multipart parts.
 *
 * @module
 */
import { bytesToValue, toBinaryString, type BytesValue } from '../../values/bytes.js';
import { splitPairs } from './url.js';
import { asciiLowerString, fromBinary, keyFromBinary, nullMap, percentDecodeBinary, pushEntry, trimOws } from './text.js';

/** What the body fields are computed from. */
export interface BodyInput {
  /** The body bytes the caller has (the whole body, or a prefix of it). */
  bytes: Uint8Array;
  /** Total body size when `bytes` is only a prefix; defaults to `bytes.length`. */
  size?: number;
  /** First Content-Type header value (binary string), if any. */
  contentType?: string;
  /** Inspection limit in bytes. */
  limit: number;
  /** Maximum number of multipart parts parsed. */
  maxParts: number;
}

/** A field name → value record under construction. */
type Out = Record<string, unknown>;

/** Sets every `http.request.body.*` field on `out`. */
export function bodyFields(out: Out, input: BodyInput): void {
  const limit = Math.max(0, Math.floor(input.limit));
  const inspected = input.bytes.length > limit ? input.bytes.subarray(0, limit) : input.bytes;
  const size = Math.max(input.size ?? input.bytes.length, input.bytes.length);
  // A byte result is a plain copy: the caller may reuse its buffer (or pass a Node Buffer,
  // whose `slice` would share memory) after this call returns.
  const raw = bytesToValue(inspected);
  out['http.request.body.raw'] = typeof raw === 'string' ? raw : new Uint8Array(raw);
  out['http.request.body.size'] = size;
  out['http.request.body.truncated'] = size > inspected.length;
  out['http.request.body.mime'] = sniffMime(inspected);

  const binary = toBinaryString(inspected);
  const media = mediaType(input.contentType);

  const form = nullMap<BytesValue[]>();
  const formNames: BytesValue[] = [];
  const formValues: BytesValue[] = [];
  if (media?.type === 'application/x-www-form-urlencoded') {
    const { names, values } = splitPairs(binary);
    names.forEach((name, i) => {
      const value = fromBinary(values[i]!);
      pushEntry(form, keyFromBinary(name), value);
      formNames.push(fromBinary(name));
      formValues.push(value);
    });
  }
  out['http.request.body.form'] = form;
  out['http.request.body.form.names'] = formNames;
  out['http.request.body.form.values'] = formValues;

  const boundary = media?.type === 'multipart/form-data' ? media.params.get('boundary') : undefined;
  const parts = boundary !== undefined && boundary !== '' ? parseMultipart(binary, boundary, input.maxParts) : [];
  const multipart = nullMap<BytesValue[]>();
  for (const part of parts) {
    const value = fromBinary(part.content);
    for (const name of part.names) pushEntry(multipart, keyFromBinary(name), value);
  }
  const each = (pick: (part: MultipartPart) => string[]): BytesValue[][] => parts.map((part) => pick(part).map(fromBinary));
  out['http.request.body.multipart'] = multipart;
  out['http.request.body.multipart.names'] = each((p) => p.names);
  out['http.request.body.multipart.values'] = parts.map((p) => fromBinary(p.content));
  out['http.request.body.multipart.content_types'] = each((p) => p.header('content-type'));
  out['http.request.body.multipart.content_dispositions'] = each((p) => p.header('content-disposition'));
  out['http.request.body.multipart.content_transfer_encodings'] = each((p) => p.header('content-transfer-encoding'));
  out['http.request.body.multipart.filenames'] = each((p) => p.filenames);
}

/** A media type: lowercase `type/subtype` and its parameters (names lowercased). */
export interface MediaType {
  type: string;
  params: Map<string, string>;
}

/** Parses a Content-Type value such as `multipart/form-data; boundary="x y"`. */
export function mediaType(value: string | undefined): MediaType | undefined {
  if (value === undefined) return undefined;
  const [head = '', ...rest] = splitParams(value);
  const type = asciiLowerString(trimOws(head));
  if (type === '') return undefined;
  const params = new Map<string, string>();
  for (const param of rest) {
    const [name, paramValue] = param;
    if (!params.has(name)) params.set(name, paramValue);
  }
  return { type, params };
}

/**
 * Splits `value; a=1; b="q;\"x"` into its first item and `[name, value]` parameters, honouring
 * quoted strings. Inside quotes only `\"` and `\\` are escapes: browsers send Windows paths
 * such as `C:\dir\file` unescaped, and those backslashes must survive.
 */
function splitParams(value: string): [string, ...[string, string][]] {
  // Items are slices of the value between unquoted `;` (quoted text is kept as written).
  const items: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (quoted) {
      if (c === 0x5c && (value[i + 1] === '"' || value[i + 1] === '\\')) i++;
      else if (c === 0x22) quoted = false;
    } else if (c === 0x22) {
      quoted = true;
    } else if (c === 0x3b) {
      items.push(value.slice(start, i));
      start = i + 1;
      // Real headers carry a few parameters; the rest of a hostile one is ignored.
      if (items.length > MAX_HEADER_PARAMETERS) return paramsOf(items);
    }
  }
  items.push(value.slice(start));
  return paramsOf(items);
}

/** Parameters read from one header value (`Content-Type`, `Content-Disposition`); more are ignored. */
const MAX_HEADER_PARAMETERS = 64;

function paramsOf(items: string[]): [string, ...[string, string][]] {
  const [first = '', ...rest] = items;
  const params: [string, string][] = [];
  for (const item of rest) {
    const eq = item.indexOf('=');
    if (eq < 0) continue;
    const name = asciiLowerString(trimOws(item.slice(0, eq)));
    params.push([name, unquote(trimOws(item.slice(eq + 1)))]);
  }
  return [first, ...params];
}

function unquote(text: string): string {
  if (text.length < 2 || !text.startsWith('"') || !text.endsWith('"')) return text;
  return text.slice(1, -1).replace(/\\(["\\])/g, '$1');
}

/** RFC 8187 `charset'lang'pct-encoded` (as in `filename*=`), decoded to its bytes. */
function decodeExtValue(text: string): string {
  const match = /^[^']*'[^']*'(.*)$/.exec(text);
  return percentDecodeBinary(match === null ? text : match[1]!);
}

/** One parsed `multipart/form-data` part (all strings are binary strings). */
interface MultipartPart {
  names: string[];
  filenames: string[];
  content: string;
  header(lowerName: string): string[];
}

/**
 * Parses a multipart body (RFC 2046 / RFC 7578). Delimiters are `--boundary` at the start of
 * the body or of a line; the CRLF before a delimiter belongs to the delimiter. Bare LF line
 * ends are accepted as well, as lenient servers do. The last part of a truncated body ends at
 * the end of the data: its headers, if complete, still count.
 */
function parseMultipart(body: string, boundary: string, maxParts: number): MultipartPart[] {
  const delimiter = `--${boundary}`;
  const parts: MultipartPart[] = [];
  let pos = body.startsWith(delimiter) ? 0 : findDelimiter(body, delimiter, 0)?.start ?? -1;
  while (pos >= 0 && parts.length < maxParts) {
    const after = pos + delimiter.length;
    if (body.startsWith('--', after)) break; // close delimiter
    const lineEnd = body.indexOf('\n', after);
    if (lineEnd < 0) break;
    const headerStart = lineEnd + 1;
    const blank = /\r?\n\r?\n/g;
    let headerEnd: number;
    let contentStart: number;
    if (body.startsWith('\r\n', headerStart) || body.startsWith('\n', headerStart)) {
      headerEnd = headerStart; // no headers at all
      contentStart = headerStart + (body[headerStart] === '\r' ? 2 : 1);
    } else {
      blank.lastIndex = headerStart;
      const found = blank.exec(body);
      if (found === null) break; // headers cut off by truncation
      headerEnd = found.index;
      contentStart = found.index + found[0].length;
    }
    const next = findDelimiter(body, delimiter, contentStart);
    parts.push(makePart(body.slice(headerStart, headerEnd), body.slice(contentStart, next === undefined ? body.length : next.contentEnd)));
    if (next === undefined) break;
    pos = next.start;
  }
  return parts;
}

/** The next delimiter line at or after `from`: where it starts and where the content before it ends. */
function findDelimiter(body: string, delimiter: string, from: number): { start: number; contentEnd: number } | undefined {
  let i = from;
  for (;;) {
    const at = body.indexOf(`\n${delimiter}`, i);
    if (at < 0) return undefined;
    // Ignore look-alikes such as `--boundary2`: a delimiter is followed by `--`, spaces or a line end.
    const tail = body.slice(at + 1 + delimiter.length, at + 3 + delimiter.length);
    if (tail === '' || tail.startsWith('\r') || tail.startsWith('\n') || tail.startsWith('-') || tail.startsWith(' ') || tail.startsWith('\t')) {
      return { start: at + 1, contentEnd: at > 0 && body[at - 1] === '\r' ? at - 1 : at };
    }
    i = at + 1;
  }
}

function makePart(headerBlock: string, content: string): MultipartPart {
  const headers: [string, string][] = [];
  for (const line of headerBlock === '' ? [] : headerBlock.split(/\r?\n/)) {
    const last = headers[headers.length - 1];
    if ((line.startsWith(' ') || line.startsWith('\t')) && last !== undefined) {
      last[1] += ` ${trimOws(line)}`; // obsolete line folding
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    headers.push([asciiLowerString(trimOws(line.slice(0, colon))), trimOws(line.slice(colon + 1))]);
  }
  const header = (name: string): string[] => headers.filter(([n]) => n === name).map(([, v]) => v);
  const names: string[] = [];
  const filenames: string[] = [];
  for (const disposition of header('content-disposition')) {
    const [, ...params] = splitParams(disposition);
    for (const [name, value] of params) {
      if (name === 'name') names.push(value);
      else if (name === 'filename') filenames.push(value);
      else if (name === 'filename*') filenames.push(decodeExtValue(value));
    }
  }
  return { names, filenames, content, header };
}

/** Magic numbers checked by {@link sniffMime}, as binary-string prefixes at an offset. */
const SIGNATURES: readonly { offset: number; magic: string; type: string }[] = [
  { offset: 0, magic: '\xFF\xD8\xFF', type: 'image/jpeg' },
  { offset: 0, magic: '\x89PNG\r\n\x1A\n', type: 'image/png' },
  { offset: 0, magic: 'GIF87a', type: 'image/gif' },
  { offset: 0, magic: 'GIF89a', type: 'image/gif' },
  { offset: 0, magic: '\x00\x00\x01\x00', type: 'image/x-icon' },
  { offset: 0, magic: 'II*\x00', type: 'image/tiff' },
  { offset: 0, magic: 'MM\x00*', type: 'image/tiff' },
  { offset: 0, magic: '%PDF-', type: 'application/pdf' },
  { offset: 0, magic: '%!PS-Adobe-', type: 'application/postscript' },
  { offset: 0, magic: 'PK\x03\x04', type: 'application/zip' },
  { offset: 0, magic: '\x1F\x8B\x08', type: 'application/gzip' },
  { offset: 0, magic: '7z\xBC\xAF\x27\x1C', type: 'application/x-7z-compressed' },
  { offset: 0, magic: 'Rar!\x1A\x07', type: 'application/vnd.rar' },
  { offset: 0, magic: '\x7FELF', type: 'application/x-executable' },
  { offset: 0, magic: 'MZ', type: 'application/x-msdownload' },
  { offset: 0, magic: '\x00asm', type: 'application/wasm' },
  { offset: 0, magic: 'OggS\x00', type: 'application/ogg' },
  { offset: 0, magic: 'ID3', type: 'audio/mpeg' },
  { offset: 0, magic: 'fLaC', type: 'audio/flac' },
  { offset: 4, magic: 'ftyp', type: 'video/mp4' },
  { offset: 0, magic: '\x1A\x45\xDF\xA3', type: 'video/webm' },
  { offset: 0, magic: '<?xml', type: 'text/xml' },
];

const HTML_START = /^[\t\n\f\r ]*<(?:!doctype html|html|head|script|iframe|h1|div|font|table|a|style|title|b|body|br|p|!--)[ >]/i;
const BINARY_BYTE = /[\x00-\x08\x0B\x0E-\x1A\x1C-\x1F]/;

/**
 * Guesses the body's MIME type from its first bytes, never from Content-Type: a table of
 * well-known magic numbers, then HTML and XML markers, then the WHATWG MIME Sniffing rule for
 * telling text from binary (`text/plain` vs `application/octet-stream`). `""` for an empty
 * body. Cloudflare's own sniffer is not documented, so exotic types may be named differently.
 */
export function sniffMime(bytes: Uint8Array): string {
  if (bytes.length === 0) return '';
  const head = toBinaryString(bytes.subarray(0, 512));
  for (const { offset, magic, type } of SIGNATURES) if (head.startsWith(magic, offset)) return type;
  if (head.startsWith('RIFF') && head.startsWith('WEBP', 8)) return 'image/webp';
  if (HTML_START.test(head)) return 'text/html';
  return BINARY_BYTE.test(head) ? 'application/octet-stream' : 'text/plain';
}
