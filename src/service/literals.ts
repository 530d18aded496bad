/**
 * How a literal will be read: the same text means different things next to different
 * types (`0443` is octal 291 next to an Int; `10:20` is two bytes next to Bytes), which is
 * exactly what a user hovering a literal wants to know.
 *
 * @module
 */
import { DiagnosticBag } from '../diagnostics/diagnostics.js';
import type { Type } from '../scheme/types.js';
import { decodeQuotedString, decodeRawString, decodeRegexString } from '../syntax/literals/string.js';
import type { RightHandReading } from '../syntax/operators.js';
import type { RawStringPayload } from '../syntax/tokens.js';
import { decodeUtf8Strict, parseHexBytesLiteral } from '../values/bytes.js';
import { parseIntLiteral, parseIntSetItem, type IntValue } from '../values/int.js';
import { formatIpAddress, parseIpLiteral, type IpAddress } from '../values/ip.js';
import { isTerminated, T, type Token } from './analysis.js';

/** Where a bare literal stands: alone, as a set item, or as an array index. */
export type BareContext = 'single' | 'set' | 'index';

/** Markdown describing how a bare literal is interpreted next to a value of `type`. */
export function describeBareLiteral(text: string, type: Type | undefined, context: BareContext): string {
  const code = `\`${text}\``;
  if (context === 'index') return `${code}: array index ${describeInt(text)}`;
  const kind = type?.kind ?? guessKind(text);
  switch (kind) {
    case 'Int': {
      if (context === 'set' && text.includes('..')) {
        const item = parseIntSetItem(text);
        if (!item.ok) return `${code}: **invalid** Int range: ${item.message}`;
        return item.item.kind === 'range' ? `${code}: Int range ${item.item.first} to ${item.item.last} (inclusive)` : `${code}: Int ${describeInt(text)}`;
      }
      return `${code}: Int ${describeInt(text)}`;
    }
    case 'Ip':
      return `${code}: ${describeIp(text, context)}`;
    case 'Bytes': {
      const parsed = parseHexBytesLiteral(text);
      if (!parsed.ok) return `${code}: **invalid** hex bytes: ${parsed.message}`;
      return `${code}: ${parsed.bytes.length} bytes${shownBytes(parsed.bytes)}`;
    }
    default:
      return `${code}: a literal; it cannot be compared with a value of type ${kind}`;
  }
}

function guessKind(text: string): string {
  if (/^-?(\d+|0x[0-9a-fA-F]+)(\.\.-?(\d+|0x[0-9a-fA-F]+))?$/.test(text)) return 'Int';
  if (/^[0-9a-fA-F]{2}([:.-][0-9a-fA-F]{2})+$/.test(text) && !/^\d+\.\d+\.\d+\.\d+$/.test(text)) return 'Bytes';
  return 'Ip';
}

function intText(value: IntValue): string {
  return String(value);
}

/** `decimal 443`, `octal 291`, `hexadecimal 31`, or why the text is not an Int. */
function describeInt(text: string): string {
  const parsed = parseIntLiteral(text);
  if (!parsed.ok) return `**invalid**: ${parsed.message}`;
  const digits = text.replace(/^-/, '');
  if (digits.startsWith('0x')) return `hexadecimal ${intText(parsed.value)}`;
  if (digits.length > 1 && digits.startsWith('0')) return `octal ${intText(parsed.value)} (a leading 0 makes an integer octal)`;
  return `decimal ${intText(parsed.value)}`;
}

function family(address: IpAddress): string {
  return address.family === 4 ? 'IPv4' : 'IPv6';
}

function describeIp(text: string, context: BareContext): string {
  const parsed = parseIpLiteral(text, context === 'set' ? 'set' : 'single');
  if (!parsed.ok) return `**invalid** IP literal: ${parsed.message}`;
  const item = parsed.item;
  switch (item.kind) {
    case 'address': {
      const canonical = formatIpAddress(item.address);
      return `${family(item.address)} address${canonical === text ? '' : ` ${canonical}`}`;
    }
    case 'cidr': {
      const bits = (item.address.family === 4 ? 32 : 128) - item.prefix;
      const size = bits <= 20 ? String(2 ** bits) : `2^${bits}`;
      return `${family(item.address)} CIDR block /${item.prefix}: ${size} addresses from ${formatIpAddress(item.address)}`;
    }
    case 'range':
      return `${family(item.first)} range ${formatIpAddress(item.first)} to ${formatIpAddress(item.last)} (inclusive)`;
  }
}

/** ` ("text")` when the bytes are printable UTF-8, else their hex. */
function shownBytes(bytes: Uint8Array): string {
  const text = decodeUtf8Strict(bytes);
  if (text !== undefined && !/[\x00-\x1f\x7f]/.test(text)) return `: \`${JSON.stringify(text)}\``;
  return `: hex ${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ')}`;
}

/**
 * Markdown describing a string literal token: its form and decoded bytes, or the pattern
 * it holds when it follows `matches`/`wildcard`.
 */
export function describeStringLiteral(token: Token, reading: RightHandReading | undefined): string {
  const bag = new DiagnosticBag(token.image);
  const terminated = isTerminated(token);
  const literal =
    token.type === T.RawString
      ? decodeRawString(token.image, token.payload as RawStringPayload, 0, bag)
      : token.type === T.RegexString
        ? decodeRegexString(token.image, 0, terminated, bag)
        : decodeQuotedString(token.image, 0, terminated, bag);
  const form = literal.form === 'raw' ? 'raw string (no escapes)' : literal.form === 'regex' ? 'regular expression string' : 'string';
  const lines: string[] = [];
  if (reading === 'regex') {
    lines.push(`Regular expression (Rust syntax, matched against bytes): \`${literal.pattern ?? new TextDecoder().decode(literal.bytes)}\``);
  } else if (reading === 'wildcard' || reading === 'case-sensitive wildcard') {
    lines.push(`Wildcard pattern (${reading === 'wildcard' ? 'case-insensitive' : 'case-sensitive'}; \`*\` matches any bytes)${shownBytes(literal.bytes)}`);
  } else {
    lines.push(`${form.charAt(0).toUpperCase()}${form.slice(1)}, ${literal.bytes.length} byte${literal.bytes.length === 1 ? '' : 's'}${shownBytes(literal.bytes)}`);
  }
  for (const d of bag.items) lines.push(`**${d.code}**: ${d.message}`);
  return lines.join('\n\n');
}
