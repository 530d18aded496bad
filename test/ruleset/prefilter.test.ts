/**
 * Rule indexing (src/ruleset/prefilter.ts): the tests each indexable shape yields, the traps
 * that must yield none, and a property test that a ruleset decides the same with and without
 * its index (action, rule, events, skips, response) on random rulesets and requests.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Ruleset, Scheme } from '../../src/index.js';
import { ruleKeys, RuleIndex } from '../../src/ruleset/prefilter.js';

const scheme = new Scheme({
  fields: {
    'http.host': 'Bytes',
    'http.request.uri.path': 'Bytes',
    'http.request.method': 'Bytes',
    'ip.src': 'Ip',
    ssl: 'Bool',
    'tcp.port': 'Int',
    'http.cookies': 'Array<Bytes>',
    host_alias: { type: 'Bytes', aliasOf: 'http.host' },
  } as never,
});
const nilScheme = new Scheme({ fields: { 'http.host': 'Bytes', ssl: 'Bool' }, options: { nilNotEqual: true } });

const kinds = (expression: string, s: Scheme = scheme): string[] =>
  ruleKeys(s, expression).map((k) => `${k.kind}:${k.kind === 'ip' ? k.items.length : k.values.join('|')}`);

describe('prefilter: recognised tests', () => {
  it.each([
    ['http.host eq "a.example"', ['eq:a.example']],
    ['http.host == "a"', ['eq:a']],
    ['http.host in {"a" "b" "a"}', ['eq:a|b']],
    ['host_alias eq "a"', ['eq:a']],
    ['http.request.method eq "POST" and http.host eq "x"', ['eq:POST', 'eq:x']],
    ['(http.host eq "a" and ssl) and not ssl', ['eq:a']],
    ['http.host eq "a" or http.host in {"b" "c"}', ['eq:a|b|c']],
    ['http.host eq "a" xor http.host eq "b"', ['eq:a|b']],
    ['starts_with(http.request.uri.path, "/api/")', ['prefix:/api/']],
    ['starts_with(http.request.uri.path, r#"/x"#) or starts_with(http.request.uri.path, "/y")', ['prefix:/x|/y']],
    ['ip.src in {192.0.2.0/24 10.0.0.1..10.0.0.9 2001:db8::/32}', ['ip:3']],
    ['ip.src eq 192.0.2.1 && ssl', ['ip:1']],
    ['http.host eq "\\x41\\x42"', ['eq:AB']],
    ['http.host eq "é"', ['eq:é']],
  ])('%s', (expression, expected) => {
    expect(kinds(expression)).toEqual(expected);
  });

  it.each([
    'not http.host eq "a"',
    '!(http.host eq "a")',
    'http.host ne "a"',
    'http.host eq "a" or ssl',
    'http.host eq "a" or http.request.method eq "b"',
    'starts_with(http.request.uri.path, "/a") or http.request.uri.path eq "/b"',
    'lower(http.host) eq "a"',
    'http.host contains "a"',
    'http.host matches "^a$"',
    'http.host in {"a" "\\xff"}',
    'any(http.cookies[*] eq "a")',
    'http.cookies[0] eq "a"',
    'ends_with(http.request.uri.path, "/a")',
    'ssl',
    'true',
    'tcp.port eq 80',
    'not (http.host eq "a" and ssl)',
  ])('no test: %s', (expression) => {
    expect(kinds(expression)).toEqual([]);
  });

  it('a user function named starts_with is not the standard one', () => {
    const custom = new Scheme({ fields: { p: 'Bytes' }, functions: { starts_with: { params: [{ type: 'Bytes' }, { type: 'Bytes' }], returns: 'Bool', call: () => true } } });
    expect(kinds('starts_with(p, "/a")', custom)).toEqual([]);
  });

  it('the index leaves out disabled rules and keeps rules without a test for every request', () => {
    const rs = new Ruleset(scheme, [
      { expression: 'http.host eq "a"', action: 'log' },
      { expression: 'ssl', action: 'log' },
      { expression: 'http.host eq "b"', action: 'log', enabled: false },
      { expression: 'starts_with(http.request.uri.path, "/x")', action: 'log' },
    ]);
    const index = RuleIndex.build(scheme, (rs as never as { zone: { rules: never[] } }).zone.rules);
    expect(index.stats).toMatchObject({ rules: 4, always: 1, eq: 1, prefix: 1 });
    const slots = scheme.context({ 'http.host': 'a', 'http.request.uri.path': '/x/y' }).slots;
    expect(index.candidates(slots)).toEqual([0, 1, 3]);
    expect(index.candidates(scheme.context({ 'http.host': 'b' }).slots)).toEqual([1]);
  });

  it('refuses an invalid index option', () => {
    expect(() => new Ruleset(scheme, [], { index: 'yes' as never })).toThrow(/index/);
  });
});

// ---------------------------------------------------------------------------------------
// Property: the same decisions with and without the index

const HOSTS = ['a.example', 'b.example', 'A.example', 'é.example', ''];
const PATHS = ['/', '/api', '/api/v1', '/apix', '/static/x.js', '/é/x', ''];
const METHODS = ['GET', 'POST', 'get'];
const IPS = ['192.0.2.1', '192.0.2.200', '10.0.0.5', '10.0.1.5', '2001:db8::1', '2001:db9::1', '::ffff:192.0.2.1'];
const IP_ITEMS = ['192.0.2.0/24', '192.0.2.0/25', '10.0.0.1..10.0.0.9', '10.0.0.0/8', '0.0.0.0/0', '2001:db8::/32', '2001:db8::1', '192.0.2.1', '::/0'];

const str = (s: string): string => JSON.stringify(s);
const atom: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...HOSTS).map((h) => `http.host eq ${str(h)}`),
  fc.constantFrom(...HOSTS).map((h) => `host_alias == ${str(h)}`),
  fc.subarray(HOSTS, { minLength: 1 }).map((hs) => `http.host in {${hs.map(str).join(' ')}}`),
  fc.constantFrom(...PATHS).map((p) => `starts_with(http.request.uri.path, ${str(p)})`),
  fc.constantFrom(...PATHS).map((p) => `http.request.uri.path eq ${str(p)}`),
  fc.constantFrom(...METHODS).map((m) => `http.request.method eq ${str(m)}`),
  fc.subarray(IP_ITEMS, { minLength: 1 }).map((items) => `ip.src in {${items.join(' ')}}`),
  fc.constantFrom('192.0.2.1', '2001:db8::1').map((ip) => `ip.src eq ${ip}`),
  fc.constantFrom(...HOSTS).map((h) => `http.host ne ${str(h)}`),
  fc.constantFrom('ssl', 'not ssl', 'tcp.port eq 80', 'http.host contains "example"', 'lower(http.host) eq "a.example"', 'true'),
);
const expressionArb: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    atom,
    fc.tuple(tie('e'), fc.constantFrom(' and ', ' && ', ' or ', ' || ', ' xor '), tie('e')).map(([a, op, b]) => `(${a})${op}(${b})`),
    fc.tuple(tie('e'), tie('e')).map(([a, b]) => `${a} and ${b}`),
    tie('e').map((a) => `not (${a})`),
  ),
})).e;

const ruleArb = fc.record({
  id: fc.constantFrom('r1', 'r2', 'r3', 'r4', 'r5', 'r6'),
  expression: expressionArb,
  action: fc.constantFrom('block', 'log', 'log', 'log', 'skip', 'managed_challenge', 'js_challenge', 'challenge'),
  enabled: fc.boolean().map((b) => b || Math.random() < 0.9),
  skipKind: fc.constantFrom('ruleset', 'phases', 'products', 'rules'),
});

type RuleShape = { id: string; expression: string; action: string; enabled: boolean; skipKind: string };

function toRules(shapes: RuleShape[]): unknown[] {
  const seen = new Set<string>();
  return shapes.map((r, i) => {
    const id = seen.has(r.id) ? `${r.id}-${i}` : r.id;
    seen.add(id);
    const rule: Record<string, unknown> = { id, expression: r.expression, action: r.action, enabled: r.enabled };
    if (r.action === 'skip') {
      rule.action_parameters =
        r.skipKind === 'ruleset' ? { ruleset: 'current' } : r.skipKind === 'phases' ? { phases: ['http_ratelimit'] } : r.skipKind === 'products' ? { products: ['waf'] } : { rules: { custom: ['c1'] } };
    }
    return rule;
  });
}

const requestArb = fc.record(
  {
    'http.host': fc.oneof(fc.constantFrom(...HOSTS), fc.constant('a.\uD800'), fc.constant(new Uint8Array([0x61, 0xff]))),
    host_alias: fc.constantFrom(...HOSTS),
    'http.request.uri.path': fc.oneof(fc.constantFrom(...PATHS), fc.constant(new Uint8Array([0x2f, 0x61, 0x70, 0x69, 0xff]))),
    'http.request.method': fc.constantFrom(...METHODS),
    'ip.src': fc.oneof(fc.constantFrom(...IPS), fc.constant('not an ip')),
    ssl: fc.boolean(),
    'tcp.port': fc.constantFrom(80, 443),
  },
  { requiredKeys: [] },
);

const clearanceArb = fc.option(fc.record({ level: fc.constantFrom('jschallenge', 'managed', 'interactive') as fc.Arbitrary<'jschallenge' | 'managed' | 'interactive'> }), { nil: undefined });

describe('prefilter: same decisions with and without the index', () => {
  it('on random rulesets and requests (zone, account and execute rulesets)', () => {
    fc.assert(
      fc.property(
        fc.array(ruleArb, { minLength: 1, maxLength: 24 }),
        fc.array(ruleArb, { maxLength: 6 }),
        fc.array(ruleArb, { maxLength: 6 }),
        fc.array(requestArb, { minLength: 1, maxLength: 4 }),
        clearanceArb,
        (zoneShapes, accountShapes, customShapes, requests, clearance) => {
          const zone = toRules(zoneShapes);
          zone.splice(Math.floor(zone.length / 2), 0, { id: 'exec', expression: 'http.host in {"a.example" "b.example"} or ssl', action: 'execute', action_parameters: { id: 'custom' } });
          const options = { account: [{ id: 'acct', rules: toRules(accountShapes) }], rulesets: { custom: { id: 'custom', rules: toRules(customShapes).map((r, i) => ({ ...(r as object), id: `c${i}` })) } } };
          let plain: Ruleset;
          try {
            plain = new Ruleset(scheme, zone as never, { ...options, index: false } as never);
          } catch {
            return; // e.g. a skip rule the phase refuses
          }
          const indexed = new Ruleset(scheme, zone as never, { ...options, index: true } as never);
          for (const request of requests) {
            const a = plain.evaluate(request as never, { clearance, now: 1000 });
            const b = indexed.evaluate(request as never, { clearance, now: 1000 });
            expect(b).toEqual(a);
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('with nilNotEqual (ne on a missing field is true; eq stays false)', () => {
    const rules = [
      { id: 'x', expression: 'http.host eq "a"', action: 'log' },
      { id: 'y', expression: 'http.host ne "a"', action: 'log' },
      { id: 'z', expression: 'http.host in {"b"} or http.host eq "c"', action: 'block' },
    ];
    const plain = new Ruleset(nilScheme, rules, { index: false });
    const indexed = new Ruleset(nilScheme, rules, { index: true });
    for (const request of [{}, { 'http.host': 'a' }, { 'http.host': 'b' }, { 'http.host': 'c' }, { ssl: true }]) {
      expect(indexed.evaluate(request)).toEqual(plain.evaluate(request));
    }
  });

  it('traces list every rule, as without the index', () => {
    const rules = Array.from({ length: 80 }, (_, i) => ({ id: `r${i}`, expression: `http.host eq "h${i}"`, action: 'log' }));
    const indexed = new Ruleset(scheme, rules);
    const plain = new Ruleset(scheme, rules, { index: false });
    const request = { 'http.host': 'h7' };
    expect(indexed.evaluate(request, { trace: true })).toEqual(plain.evaluate(request, { trace: true }));
    expect(indexed.evaluate(request).events).toEqual([{ ruleId: 'r7', action: 'log' }]);
  });
});
