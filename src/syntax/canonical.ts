/**
 * Canonical forms of syntax trees, for tests and tooling: JSON with a stable key order,
 * spans as `[start, end]` and string bytes as text (or `hex:` when not valid UTF-8); and the
 * compact S-expression of the golden files (`test/golden/*.txt`).
 *
 * @module
 */
import { decodeUtf8Strict } from '../values/bytes.js';
import type { Node, Span } from './ast.js';

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

/** The longest line {@link compactTree} writes before it breaks a node over several lines. */
const COMPACT_WIDTH = 100;

/** A node of the compact form: a head (`Kind@start..end` and atoms) and its items. */
interface CompactNode {
  head: string;
  items: (string | CompactNode)[];
}

const at = (span: Span): string => `@${span.start}..${span.end}`;

/** An atom as written: bare when it is a plain word, else a JSON string. */
const atom = (text: string): string => (/^[^\s()"]+$/.test(text) ? text : JSON.stringify(text));

/** The fields {@link compactTree} prints for each node kind; any other field is an error. */
const COMPACT_FIELDS: Record<Node['kind'], readonly string[]> = {
  Logical: ['operator', 'operands'],
  Not: ['operand'],
  Group: ['expression'],
  Quantifier: ['quantifier', 'argument'],
  True: [],
  Comparison: ['left', 'operator', 'operatorSpan', 'right'],
  Field: ['name'],
  Call: ['name', 'nameSpan', 'args'],
  Index: ['object', 'index'],
  ArrayIndex: ['literal'],
  MapKey: ['literal'],
  MapEach: [],
  // `text`, when present, is the decoding of `bytes`: printing the bytes shows it.
  String: ['form', 'bytes', 'pattern', 'contentStart', 'text'],
  Bare: ['text'],
  Boolean: [],
  Set: ['items'],
  List: ['name'],
  Error: [],
};

function compactNode(node: Node): CompactNode {
  const printed = COMPACT_FIELDS[node.kind];
  for (const [key, value] of Object.entries(node)) {
    if (key !== 'kind' && key !== 'span' && value !== undefined && !printed.includes(key)) {
      throw new Error(`compactTree: ${node.kind}.${key} has no compact form`);
    }
  }
  const head = (...atoms: string[]): string => [`${node.kind}${at(node.span)}`, ...atoms].join(' ');
  switch (node.kind) {
    case 'Logical':
      return { head: head(node.operator), items: node.operands.map(compactNode) };
    case 'Not':
      return { head: head(), items: [compactNode(node.operand)] };
    case 'Group':
      return { head: head(), items: [compactNode(node.expression)] };
    case 'Quantifier':
      return { head: head(node.quantifier), items: [compactNode(node.argument)] };
    case 'Comparison':
      return { head: head(), items: [compactNode(node.left), `${atom(node.operator)}${at(node.operatorSpan)}`, compactNode(node.right)] };
    case 'Field':
      return { head: head(atom(node.name)), items: [] };
    case 'Call':
      return { head: head(`${atom(node.name)}${at(node.nameSpan)}`), items: node.args.map(compactNode) };
    case 'Index':
      return { head: head(), items: [compactNode(node.object), compactNode(node.index)] };
    case 'ArrayIndex':
    case 'MapKey':
      return { head: head(), items: [compactNode(node.literal)] };
    case 'String': {
      const text = decodeUtf8Strict(node.bytes);
      const bytes = text === undefined ? bytesText(node.bytes) : JSON.stringify(text);
      const pattern = node.pattern === undefined || node.pattern === text ? [] : [`pattern=${JSON.stringify(node.pattern)}`];
      return { head: head(node.form, `content@${node.contentStart}`, bytes, ...pattern), items: [] };
    }
    case 'Bare':
      return { head: head(atom(node.text)), items: [] };
    case 'Set':
      return { head: head(), items: node.items.map(compactNode) };
    case 'List':
      return { head: head(atom(`$${node.name}`)), items: [] };
    case 'True':
    case 'MapEach':
    case 'Boolean':
    case 'Error':
      return { head: head(), items: [] };
  }
}

function oneLine(node: CompactNode): string {
  return `(${[node.head, ...node.items.map((item) => (typeof item === 'string' ? item : oneLine(item)))].join(' ')})`;
}

function layout(node: CompactNode, indent: number): string {
  const flat = oneLine(node);
  if (indent + flat.length <= COMPACT_WIDTH || node.items.length === 0) return flat;
  const inner = ' '.repeat(indent + 2);
  const items = node.items.map((item) => `\n${inner}${typeof item === 'string' ? item : layout(item, indent + 2)}`);
  return `(${node.head}${items.join('')})`;
}

/**
 * A syntax tree as a compact S-expression with spans, e.g.
 * `(Comparison@0..11 (Field@0..3 ssl) eq@4..6 (Bare@7..11 0x10))`: each node is its kind and
 * `@start..end`, then its scalar fields (operator, name, string form, `content@` offset and
 * bytes), then its children in source order. A node longer than a line is broken with one
 * child per indented line. Golden tests compare this form; it fails on a field it does not
 * know, so that a new AST field cannot go unnoticed.
 */
export function compactTree(node: Node): string {
  return layout(compactNode(node), 0);
}
