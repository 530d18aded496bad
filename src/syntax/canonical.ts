/**
 * A canonical JSON form of syntax trees: stable key order, spans as `[start, end]`, string
 * bytes as text (or `hex:` when not valid UTF-8). Used by golden tests and tooling.
 *
 * @module
 */
import { decodeUtf8Strict } from '../values/bytes.js';
import type { Node } from './ast.js';

/** A JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function bytesText(bytes: Uint8Array): string {
  const text = decodeUtf8Strict(bytes);
  return text ?? `hex:${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** Converts a syntax tree (or any node) to canonical JSON. */
export function canonicalAst(node: Node): Json {
  const out: { [key: string]: Json } = { kind: node.kind };
  const entries = Object.entries(node as unknown as Record<string, unknown>)
    .filter(([key]) => key !== 'kind')
    .sort(([a], [b]) => a.localeCompare(b));
  for (const [key, value] of entries) {
    if (value === undefined) continue;
    if (key === 'bytes' && value instanceof Uint8Array) out.bytes = bytesText(value);
    else if (key === 'span' || key.endsWith('Span')) {
      const span = value as { start: number; end: number };
      out[key] = [span.start, span.end];
    } else if (Array.isArray(value)) out[key] = value.map((v) => canonicalAst(v as Node));
    else if (value !== null && typeof value === 'object') out[key] = canonicalAst(value as Node);
    else out[key] = value as Json;
  }
  return out;
}
