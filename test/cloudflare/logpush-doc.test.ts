/**
 * docs/logpush.md stays in step with the code: its field and action tables are generated from
 * LOGPUSH_FIELD_MAP and LOGPUSH_SECURITY_ACTIONS. Set UPDATE_LOGPUSH_DOC=1 to rewrite them.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LOGPUSH_FIELD_MAP, LOGPUSH_SECURITY_ACTIONS } from '../../src/cloudflare/logpush/index.js';
import { FIELD_ALIASES } from '../../src/cloudflare/scheme.js';

const docUrl = new URL('../../docs/logpush.md', import.meta.url);
let doc = readFileSync(docUrl, 'utf8');

const aliasOf = new Map(FIELD_ALIASES.map(([canonical, alias]) => [canonical, alias]));
const cell = (text: string): string => text.replace(/\|/g, '\\|');

/** The Rules fields of one mapping, each alias next to its canonical name. */
const rulesFields = (fields: readonly string[]): string =>
  fields.map((field) => (aliasOf.has(field) ? `\`${field}\` (alias \`${aliasOf.get(field)}\`)` : `\`${field}\``)).join(', ');

/** Generated sections: marker name → text between its markers. */
const SECTIONS: Record<string, () => string> = {
  'logpush-fields': () =>
    [
      '',
      '| Logpush field | Type | Rules fields | Conversion |',
      '|---|---|---|---|',
      ...LOGPUSH_FIELD_MAP.filter((m) => m.fields.length > 0).map(
        (m) => `| \`${m.logpush}\` | \`${m.type}\` | ${rulesFields(m.fields)} | ${cell(m.conversion)} |`,
      ),
      '',
    ].join('\n'),
  'logpush-no-field': () =>
    [
      '',
      '| Logpush field | Type | Why |',
      '|---|---|---|',
      ...LOGPUSH_FIELD_MAP.filter((m) => m.fields.length === 0).map((m) => `| \`${m.logpush}\` | \`${m.type}\` | ${cell(m.conversion)} |`),
      '',
    ].join('\n'),
  'logpush-actions': () =>
    [
      '',
      '| Logpush spelling | `action` | `outcome` |',
      '|---|---|---|',
      ...LOGPUSH_SECURITY_ACTIONS.map((a) => `| \`${a.logpush}\` | \`${a.action}\` | ${a.outcome === undefined ? '—' : `\`${a.outcome}\``} |`),
      '',
    ].join('\n'),
};

function markers(name: string): [string, string] {
  return [`<!-- ${name}:start -->`, `<!-- ${name}:end -->`];
}

function section(text: string, name: string): string {
  const [start, end] = markers(name);
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`markers ${start} … ${end} not found`);
  return text.slice(from + start.length, to);
}

describe('docs/logpush.md', () => {
  it.each(Object.keys(SECTIONS))('section %s is the one generated from the code', (name) => {
    const expected = SECTIONS[name]!();
    if (process.env.UPDATE_LOGPUSH_DOC) {
      const [start, end] = markers(name);
      doc = doc.slice(0, doc.indexOf(start) + start.length) + expected + doc.slice(doc.indexOf(end));
      writeFileSync(docUrl, doc);
      return;
    }
    expect(section(doc, name), 'run with UPDATE_LOGPUSH_DOC=1 to regenerate').toBe(expected);
  });

  it('documents every exported function', () => {
    for (const name of ['logpushRequest', 'logpushSecurity', 'looksLikeLogpush', 'logpushTimestampMs', 'normalizeLogpushAction', 'LOGPUSH_FIELD_MAP']) {
      expect(doc, name).toContain(`\`${name}`);
    }
  });
});
