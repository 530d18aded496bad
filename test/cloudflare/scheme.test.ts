/**
 * cloudflareScheme(): the packaged catalogue, deprecations, metadata and phases.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLOUDFLARE_FIELDS, cloudflareScheme, WAF_CUSTOM_RULES_PHASE } from '../../src/index.js';
import { FIELD_ALIASES } from '../../src/cloudflare/scheme.js';

// The specification lives beside the repository in the project's workspace (and in CI), not in
// a user's clone: the packaged copy is the catalogue, and this check keeps it current.
const specUrl = new URL('../../../shared/spec/fields.json', import.meta.url);
/** Fields the package adds to the spec's catalogue: rate limiting characteristics (issue 19). */
const CATALOGUE_ADDITIONS = ['cf.colo.id', 'cf.unique_visitor_id'];

describe('the packaged field catalogue', () => {
  it.runIf(existsSync(specUrl))('holds the spec fields.json field for field, in its order, plus only our documented additions (when the spec is beside the repository)', () => {
    const spec = JSON.parse(readFileSync(specUrl, 'utf8')) as { name: string }[];
    const packaged = CLOUDFLARE_FIELDS.filter((field) => !CATALOGUE_ADDITIONS.includes(field.name));
    expect(packaged.length).toBe(spec.length);
    spec.forEach((field, i) => expect(packaged[i]).toEqual(field));
    for (const name of CATALOGUE_ADDITIONS) expect(spec.some((field) => field.name === name), `${name} is in the spec now: drop it from CATALOGUE_ADDITIONS`).toBe(false);
  });

  it('has the rate limiting characteristics fields (additions to the spec catalogue)', () => {
    const scheme = cloudflareScheme();
    expect(scheme.fieldInfo('cf.colo.id')?.type).toBe('Int');
    expect(scheme.fieldInfo('cf.unique_visitor_id')?.type).toBe('Bytes');
  });

  it('registers every field with its type and metadata', () => {
    const scheme = cloudflareScheme();
    const fields = new Map(scheme.fields().map((f) => [f.name, f]));
    for (const field of CLOUDFLARE_FIELDS) {
      const registered = fields.get(field.name)!;
      expect(registered.type, field.name).toBe(field.type);
      expect(registered.description).toBe(field.description);
      expect(registered.category).toBe(field.category);
      expect(registered.plan).toBe(field.plan);
      expect(registered.notes).toBe(field.notes);
      expect(registered.deprecated !== undefined).toBe(field.deprecated === true);
    }
  });
});

describe('cloudflareScheme()', () => {
  const scheme = cloudflareScheme();

  it('declares the documented aliases, so either name supplies both (ip.geoip.* and cf.client.bot)', () => {
    for (const [canonical, alias] of FIELD_ALIASES) {
      expect(scheme.fieldInfo(alias)?.aliasOf, alias).toBe(canonical);
      expect(scheme.fieldInfo(canonical)?.aliasOf, canonical).toBeUndefined();
      const type = scheme.fieldInfo(canonical)!.type;
      const value = type === 'Int' ? 64496 : type === 'Bool' ? true : 'RU';
      const literal = type === 'Int' ? ' eq 64496' : type === 'Bool' ? '' : ' eq "RU"';
      expect(scheme.compile(`${alias}${literal}`).execute(scheme.context({ [canonical]: value })), alias).toBe(true);
      expect(scheme.compile(`${canonical}${literal}`).execute({ [alias]: value }), canonical).toBe(true);
    }
  });

  it('compiles typical WAF expressions', () => {
    const filter = scheme.compile(
      'ip.src in {192.0.2.0/24} and not cf.client.bot and http.request.uri.path matches r"^/admin" and any(http.request.headers["x-forwarded-for"][*] ne "")',
    );
    expect(filter.execute({ 'ip.src': '192.0.2.9', 'cf.client.bot': false, 'http.request.uri.path': '/admin/x', 'http.request.headers': { 'x-forwarded-for': ['1.1.1.1'] } })).toBe(true);
  });

  it('warns about deprecated fields and names the replacement', () => {
    const [warning] = scheme.validate('ip.geoip.country eq "GB"');
    expect(warning).toMatchObject({ code: 'deprecated-field', severity: 'warning', span: { start: 0, end: 16 } });
    expect(warning!.message).toContain('ip.src.country');
    expect(scheme.validate('cf.threat_score gt 10')[0]!.message).toContain('always returning 0');
    // A warning does not stop compilation.
    expect(scheme.compile('ip.geoip.asnum eq 13335').diagnostics.map((d) => d.code)).toEqual(['deprecated-field']);
  });

  it('knows the managed lists and accepts items for them', () => {
    expect(scheme.validate('ip.src in $cf.open_proxies')).toEqual([]);
    expect(scheme.compile('ip.src in $cf.open_proxies').execute({ 'ip.src': '192.0.2.1' })).toBe(false);
    const custom = cloudflareScheme({ lists: { 'cf.open_proxies': { type: 'Ip', items: ['192.0.2.0/24'] }, bad_asns: { type: 'Int', items: [64512] } } });
    expect(custom.compile('ip.src in $cf.open_proxies').execute({ 'ip.src': '192.0.2.1' })).toBe(true);
    expect(custom.compile('ip.src.asnum in $bad_asns').execute({ 'ip.src.asnum': 64512 })).toBe(true);
    expect(scheme.validate('ip.src in $nope')[0]!.code).toBe('unknown-list');
  });

  it('describes functions with signatures for tools', () => {
    const lower = scheme.functionInfo('lower')!;
    expect(lower.signature).toBe('lower(source: Bytes) -> Bytes');
    expect(lower.parameters).toEqual([{ name: 'source', type: 'Bytes', kind: 'field', optional: false, variadic: false }]);
    expect(scheme.functionInfo('url_decode')!.signature).toBe('url_decode(source: Bytes, [options: Bytes]) -> Bytes');
    expect(scheme.functions().map((f) => f.name)).toContain('concat');
  });

  it('reports functions not offered in the selected phase', () => {
    const waf = cloudflareScheme({ options: { phase: WAF_CUSTOM_RULES_PHASE } });
    const restricted = waf.functions().filter((f) => f.phases !== undefined && !f.phases.includes(WAF_CUSTOM_RULES_PHASE));
    for (const fn of restricted) {
      const codes = waf.validate(`${fn.name}(http.host) eq "x"`).map((d) => d.code);
      expect(codes, fn.name).toContain('function-not-allowed-in-phase');
    }
    expect(waf.validate('lower(http.host) eq "x"')).toEqual([]);
  });
});
