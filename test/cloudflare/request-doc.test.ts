/**
 * docs/request-fields.md stays complete: every catalogue field is either derived by
 * requestFields() (hand-written table, checked against DERIVED_FIELDS) or listed as
 * caller-supplied (a section generated here from fields.json). Set
 * UPDATE_REQUEST_FIELDS_DOC=1 to rewrite the generated section.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import catalogue from '../../src/cloudflare/fields.json';
import {
  DERIVED_FIELDS,
  FACT_SHORTCUTS,
  FIELD_ALIASES,
  requestFields,
  WORKERS_CF_MAPPINGS,
  type NodeRequestLike,
} from '../../src/cloudflare/request/fields.js';

interface CatalogueField {
  name: string;
  type: string;
  description: string;
  category: string;
}

const fields = catalogue as CatalogueField[];
const names = new Set(fields.map((f) => f.name));
const docUrl = new URL('../../docs/request-fields.md', import.meta.url);
const doc = readFileSync(docUrl, 'utf8');

const START = '<!-- caller-supplied:start -->';
const END = '<!-- caller-supplied:end -->';

/** The text between two markers of the document. */
function section(text: string, start: string, end: string): string {
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`markers ${start} … ${end} not found`);
  return text.slice(from + start.length, to);
}

/** Backquoted catalogue-like names in the first column of a markdown table. */
function firstColumnNames(table: string): string[] {
  const out: string[] = [];
  for (const line of table.split('\n')) {
    if (!line.startsWith('| `')) continue;
    const cell = line.split(' | ')[0]!;
    for (const match of cell.matchAll(/`([^`]+)`/g)) out.push(match[1]!);
  }
  return out;
}

/** How a caller supplies one field: shortcut, Workers property, alias, or facts.fields. */
function howToSupply(name: string): string {
  const ways: string[] = [];
  for (const { fact, field } of FACT_SHORTCUTS) if (field === name) ways.push(`\`facts.${fact}\``);
  for (const { property, field } of WORKERS_CF_MAPPINGS) if (field === name) ways.push(`Workers \`request.cf.${property}\``);
  for (const [canonical, alias] of FIELD_ALIASES) {
    if (alias === name) ways.push(`alias of \`${canonical}\` (either name supplies both)`);
    if (canonical === name) ways.push(`its alias \`${alias}\``);
  }
  ways.push('`facts.fields`');
  return ways.join('; ');
}

/** The generated caller-supplied section: one table per catalogue category, catalogue order. */
function callerSuppliedSection(): string {
  const derived = new Set(DERIVED_FIELDS);
  const categories = new Map<string, CatalogueField[]>();
  for (const field of fields) {
    if (derived.has(field.name)) continue;
    categories.set(field.category, [...(categories.get(field.category) ?? []), field]);
  }
  const parts: string[] = [''];
  for (const [category, list] of categories) {
    parts.push(`### \`${category}\` (${list.length})`, '', '| Field | Type | How to supply | Meaning |', '|---|---|---|---|');
    for (const field of list) {
      parts.push(`| \`${field.name}\` | \`${field.type}\` | ${howToSupply(field.name)} | ${field.description.replace(/\|/g, '\\|')} |`);
    }
    parts.push('');
  }
  return parts.join('\n');
}

describe('docs/request-fields.md', () => {
  it('the derived-fields table lists exactly DERIVED_FIELDS, all of them catalogue fields', () => {
    const listed = firstColumnNames(section(doc, '<!-- derived:start -->', '<!-- derived:end -->'));
    expect(listed.filter((n) => !names.has(n))).toEqual([]);
    expect(new Set(listed).size).toBe(listed.length);
    expect([...listed].sort()).toEqual([...DERIVED_FIELDS].sort());
  });

  it('the caller-supplied section is the one generated from fields.json', () => {
    const expected = callerSuppliedSection();
    if (process.env.UPDATE_REQUEST_FIELDS_DOC) {
      const updated = doc.slice(0, doc.indexOf(START) + START.length) + expected + doc.slice(doc.indexOf(END));
      writeFileSync(docUrl, updated);
      return;
    }
    expect(section(doc, START, END), 'run with UPDATE_REQUEST_FIELDS_DOC=1 to regenerate').toBe(expected);
  });

  it('every catalogue field is either derived or documented as caller-supplied, never both', () => {
    const derived = new Set(firstColumnNames(section(doc, '<!-- derived:start -->', '<!-- derived:end -->')));
    const supplied = new Set(firstColumnNames(section(doc, START, END)));
    for (const field of fields) {
      expect(derived.has(field.name) !== supplied.has(field.name), field.name).toBe(true);
    }
    expect([...supplied].filter((n) => !names.has(n))).toEqual([]);
  });

  it('mapping tables only name catalogue fields', () => {
    const unknown = [
      ...DERIVED_FIELDS,
      ...FACT_SHORTCUTS.map((s) => s.field),
      ...WORKERS_CF_MAPPINGS.map((m) => m.field),
      ...FIELD_ALIASES.flat(),
    ].filter((n) => !names.has(n));
    expect(unknown).toEqual([]);
  });

  it('every derived field is actually produced by some request', () => {
    const produced = new Set<string>();
    const add = (values: object) => Object.keys(values).forEach((k) => produced.add(k));
    const node: NodeRequestLike = {
      method: 'GET',
      url: '/a.css?x=1',
      httpVersion: '1.1',
      rawHeaders: ['Host', 'h'],
      socket: { remoteAddress: '::1', localAddress: '::1', localPort: 8443, encrypted: true, getProtocol: () => 'TLSv1.3', getPeerCertificate: () => ({}) },
    };
    add(requestFields(node));
    add(requestFields(new Request('http://h.test/', { method: 'POST' }), { body: 'a=1' }));
    expect(DERIVED_FIELDS.filter((n) => !produced.has(n))).toEqual([]);
  });
});
