/**
 * The directory format, the IP-list loaders, the ASN and IP-list methods, the Verified Bots
 * Policy's refusals, and the field helpers.
 */
import { describe, expect, it } from 'vitest';
import {
  BOT_CATEGORIES,
  BOT_FIELDS,
  BotDirectory,
  BotDirectoryError,
  botFacts,
  botFields,
  bundledBotDirectory,
  createBotVerifier,
  GENERIC_USER_AGENTS,
  loadBotDirectory,
  loadIpList,
  validateBotDirectory,
} from '../../src/bots/index.js';
import { cloudflareScheme, WirefilterError } from '../../src/index.js';

const noDns = { reverse: async () => [], resolve4: async () => [], resolve6: async () => [] };

function entry(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: 'ExampleBot', category: 'Monitoring & Analytics', userAgents: ['ExampleBot'], methods: [{ type: 'asn', asns: [64500] }], ...overrides };
}

function codes(input: unknown): string[] {
  return validateBotDirectory(input).map((p) => p.code);
}

describe('the bundled directory', () => {
  it('is valid, and every entry has a source', () => {
    const directory = bundledBotDirectory();
    expect(directory.bots.length).toBeGreaterThan(10);
    for (const bot of directory.bots) expect(bot.sources?.length, bot.name).toBeGreaterThan(0);
    expect(validateBotDirectory(directory.toJSON())).toEqual([]);
  });

  it('documents the operators the issue names', () => {
    const suffixes = bundledBotDirectory().bots.flatMap((b) => b.methods.flatMap((m) => (m.type === 'reverse-dns' ? m.suffixes : [])));
    for (const s of ['googlebot.com', 'google.com', 'search.msn.com', 'applebot.apple.com', 'yandex.ru', 'baidu.com', 'duckduckgo.com']) expect(suffixes).toContain(s);
    expect(suffixes).not.toContain('googleusercontent.com');
  });

  it('needs a resolver (its entries use reverse DNS)', () => {
    expect(() => createBotVerifier()).toThrow(expect.objectContaining({ code: 'invalid-option' }));
  });
});

describe('directory validation', () => {
  it('accepts a minimal directory and returns a frozen copy', () => {
    const input = { bots: [entry()] };
    const directory = loadBotDirectory(input);
    expect(directory).toBeInstanceOf(BotDirectory);
    expect(Object.isFrozen(directory.bots[0])).toBe(true);
    (input.bots[0] as Record<string, unknown>).name = 'changed';
    expect(directory.bots[0]!.name).toBe('ExampleBot');
    expect(loadBotDirectory(directory)).toBe(directory);
  });

  it('reports every problem with a JSON path and a stable code', () => {
    const problems = validateBotDirectory({
      bots: [
        entry({ name: 'A', category: 'search engine crawler', userAgents: ['Bot'], methods: [{ type: 'reverse-dns', suffixes: ['com', 'ok.example', 'bad_label!.example'] }] }),
        entry({ name: 'B', userAgents: ['python-requests', 'Mozilla/5.0', 'Safari', 'Go-http-client/1.1'], methods: [{ type: 'ip-list', addresses: ['192.0.2.0/24', '192.0.2.1/24', 'nope'] }] }),
        entry({ name: 'A', userAgnets: ['x'], methods: [{ type: 'asn', asns: [0, 1.5, '15169', 4294967296] }] }),
        entry({ name: 'C', methods: [{ type: 'reverse_dns', suffixes: ['x.example'] }, { type: 'ip-list' }, { type: 'ip-list', list: 'l', addresses: [] }] }),
      ],
    });
    const byPath = Object.fromEntries(problems.map((p) => [p.path, p.code]));
    expect(byPath).toMatchObject({
      'bots[0].category': 'invalid-category',
      'bots[0].userAgents[0]': 'user-agent-too-short',
      'bots[0].methods[0].suffixes[0]': 'invalid-suffix',
      'bots[0].methods[0].suffixes[2]': 'invalid-suffix',
      'bots[1].userAgents[0]': 'generic-user-agent',
      'bots[1].userAgents[1]': 'generic-user-agent',
      'bots[1].userAgents[2]': 'generic-user-agent',
      'bots[1].userAgents[3]': 'generic-user-agent',
      'bots[1].methods[0].addresses[1]': 'invalid-address',
      'bots[1].methods[0].addresses[2]': 'invalid-address',
      'bots[2].name': 'duplicate-name',
      'bots[2].userAgnets': 'unknown-key',
      'bots[2].methods[0].asns[0]': 'invalid-asn',
      'bots[2].methods[0].asns[1]': 'invalid-asn',
      'bots[2].methods[0].asns[2]': 'invalid-asn',
      'bots[2].methods[0].asns[3]': 'invalid-asn',
      'bots[3].methods[0].type': 'invalid-method',
      'bots[3].methods[1]': 'invalid-method',
      'bots[3].methods[2]': 'invalid-method',
    });
    expect(problems.find((p) => p.path === 'bots[0].category')!.message).toContain('did you mean "Search Engine Crawler"');
    expect(problems.find((p) => p.path === 'bots[2].userAgnets')!.message).toContain('did you mean "userAgents"');
    expect(problems.find((p) => p.path === 'bots[3].methods[0].type')!.message).toContain('did you mean "reverse-dns"');
    expect(problems.find((p) => p.path === 'bots[2].name')!.bot).toBe('A');
  });

  it('refuses the same user agent in two entries (the policy)', () => {
    expect(codes({ bots: [entry({ name: 'A', userAgents: ['SharedBot'] }), entry({ name: 'B', userAgents: ['sharedbot'] })] })).toEqual(['duplicate-user-agent']);
  });

  it('refuses every generic user agent of the policy, and patterns under five characters', () => {
    for (const generic of GENERIC_USER_AGENTS) {
      const problems = codes({ bots: [entry({ userAgents: [generic] })] });
      expect(problems.length, generic).toBe(1);
      expect(['generic-user-agent', 'user-agent-too-short'], generic).toContain(problems[0]);
    }
    for (const generic of ['python-requests/2.31.0', 'okhttp/4.9.3', 'node-fetch/1.0', 'Dart/3.1', 'GuzzleHttp/7', 'uTorrent/3.6', 'Chrome/126.0', 'AppleWebKit/537.36', '(KHTML, like Gecko)', 'Firefox/127.0', 'got (https://github.com/sindresorhus/got)']) {
      expect(codes({ bots: [entry({ userAgents: [generic] })] }), generic).toEqual(['generic-user-agent']);
    }
    for (const short of ['Bot', 'abcd', '    abcd  ', '']) expect(codes({ bots: [entry({ userAgents: [short] })] }), short).toEqual(['user-agent-too-short']);
    // Specific patterns that mention a generic token are fine.
    for (const ok of ['Googlebot', 'Mozilla/5.0 (compatible; Googlebot', 'NodePingBot', 'okhttp-ExampleCorp-Monitor']) expect(codes({ bots: [entry({ userAgents: [ok] })] }), ok).toEqual([]);
  });

  it('refuses control characters and non-ASCII in patterns', () => {
    expect(codes({ bots: [entry({ userAgents: ['Example\nBot'] })] })).toEqual(['invalid-user-agent']);
    expect(codes({ bots: [entry({ userAgents: ['ExampleBöt'] })] })).toEqual(['invalid-user-agent']);
    expect(codes({ bots: [entry({ userAgents: ['x'.repeat(300)] })] })).toEqual(['invalid-user-agent']);
  });

  it('knows the categories of cf.verified_bot_category', () => {
    for (const category of BOT_CATEGORIES) expect(codes({ bots: [entry({ category })] })).toEqual([]);
    expect(codes({ bots: [entry({ category: 'Evil' })] })).toEqual(['invalid-category']);
  });

  it('throws a BotDirectoryError (a WirefilterError, code invalid-bot-directory) listing the problems', () => {
    let thrown: unknown;
    try {
      loadBotDirectory({ bots: [entry({ userAgents: ['node'] })] });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(WirefilterError);
    expect(thrown).toBeInstanceOf(BotDirectoryError);
    const error = thrown as BotDirectoryError;
    expect(error.code).toBe('invalid-bot-directory');
    expect(error.problems.map((p) => p.code)).toEqual(['user-agent-too-short']);
    expect(error.message).toContain('bots[0].userAgents[0]');
  });

  it('never crashes on any JavaScript value, at any place', () => {
    const values: unknown[] = [undefined, null, true, 0, -1, NaN, Infinity, 1n, '', 'x', Symbol('s'), () => 1, [], [1], {}, { a: 1 }, new Map(), new Date(0), /x/, new Uint8Array(2), Object.create(null)];
    const places: ((v: unknown) => unknown)[] = [
      (v) => v,
      (v) => ({ bots: v }),
      (v) => ({ bots: [v] }),
      (v) => ({ bots: [entry({ name: v as string })] }),
      (v) => ({ bots: [entry({ category: v as string })] }),
      (v) => ({ bots: [entry({ userAgents: v as string[] })] }),
      (v) => ({ bots: [entry({ userAgents: [v as string] })] }),
      (v) => ({ bots: [entry({ methods: v as [] })] }),
      (v) => ({ bots: [entry({ methods: [v as never] })] }),
      (v) => ({ bots: [entry({ methods: [{ type: v } as never] })] }),
      (v) => ({ bots: [entry({ methods: [{ type: 'reverse-dns', suffixes: v } as never] })] }),
      (v) => ({ bots: [entry({ methods: [{ type: 'reverse-dns', suffixes: [v] } as never] })] }),
      (v) => ({ bots: [entry({ methods: [{ type: 'asn', asns: [v] } as never] })] }),
      (v) => ({ bots: [entry({ methods: [{ type: 'ip-list', addresses: [v] } as never] })] }),
      (v) => ({ bots: [entry({ methods: [{ type: 'ip-list', list: v } as never] })] }),
      (v) => ({ bots: [entry({ sources: v as string[] })] }),
    ];
    for (const place of places) {
      for (const value of values) {
        const input = place(value);
        expect(() => validateBotDirectory(input)).not.toThrow();
        try {
          loadBotDirectory(input);
        } catch (error) {
          expect(error).toBeInstanceOf(WirefilterError);
          expect((error as WirefilterError).code).toBe('invalid-bot-directory');
        }
      }
    }
  });

  it('never reads inherited keys, and ignores __proto__', () => {
    const inherited = Object.create({ name: 'Inherited' }) as Record<string, unknown>;
    Object.assign(inherited, { category: 'Other', userAgents: ['InheritedBot'], methods: [{ type: 'asn', asns: [1] }] });
    expect(codes({ bots: [inherited] })).toContain('missing-key');
    expect(codes(JSON.parse('{"bots": [], "__proto__": {"polluted": 1}}'))).toEqual(['unknown-key']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('bounds the problems it keeps', () => {
    const bots = Array.from({ length: 500 }, (_, i) => entry({ name: `B${i}`, userAgents: ['x'] }));
    const problems = validateBotDirectory({ bots });
    expect(problems.length).toBe(101);
    expect(problems.at(-1)!.code).toBe('too-many-problems');
  });
});

describe('IP lists', () => {
  it('reads plain text with comments, CIDR blocks, ranges and both families', () => {
    const list = loadIpList('# Uptime checkers\n192.0.2.0/24\n  198.51.100.7   # one host\n\n2001:db8::/32\r\n203.0.113.1..203.0.113.9\n');
    expect(list.size).toBe(4);
    for (const ip of ['192.0.2.1', '192.0.2.255', '198.51.100.7', '2001:db8::1', '2001:DB8:0:0::ffff', '203.0.113.5']) expect(list.has(ip), ip).toBe(true);
    for (const ip of ['192.0.3.0', '198.51.100.8', '2001:db9::1', '203.0.113.10', '::ffff:192.0.2.1', 'nope']) expect(list.has(ip), ip).toBe(false);
  });

  it("reads the JSON shape of Google's, Bing's and OpenAI's lists", () => {
    const text = JSON.stringify({ creationTime: '2026-01-01T00:00:00', prefixes: [{ ipv6Prefix: '2001:4860:4801:10::/64' }, { ipv4Prefix: '66.249.64.0/27' }] });
    const list = loadIpList(text);
    expect(list.has('66.249.64.31')).toBe(true);
    expect(list.has('66.249.64.32')).toBe(false);
    expect(list.has('2001:4860:4801:10::abcd')).toBe(true);
    expect(loadIpList(JSON.parse(text)).size).toBe(2);
  });

  it("reads AWS's shape, plain arrays and objects with cidr/prefix/ip keys", () => {
    expect(loadIpList({ prefixes: [{ ip_prefix: '3.5.140.0/22' }], ipv6_prefixes: [{ ipv6_prefix: '2600:1f14::/35' }] }).size).toBe(2);
    expect(loadIpList('["192.0.2.1", "192.0.2.2"]').has('192.0.2.2')).toBe(true);
    expect(loadIpList([{ cidr: '192.0.2.0/24' }, { ip: '198.51.100.1' }, { address: '2001:db8::1' }, { prefix: '10.0.0.0/8' }]).size).toBe(4);
  });

  it('reads CSV by its prefix column (RFC 8805 geofeeds, headers)', () => {
    const geofeed = '# geofeed\n192.0.2.0/24,US,US-CA,San Francisco,\n2001:db8::/32,NL,,,\n';
    expect(loadIpList(geofeed).has('2001:db8::5')).toBe(true);
    const headed = 'region,"cidr",note\neu,"192.0.2.0/25",a\nus,198.51.100.0/24,"b, c"\n';
    const list = loadIpList(headed);
    expect(list.has('192.0.2.127')).toBe(true);
    expect(list.has('198.51.100.1')).toBe(true);
  });

  it('names each bad entry by line or JSON path (invalid-ip-list)', () => {
    const bad = (input: unknown, options = {}): WirefilterError => {
      try {
        loadIpList(input, options);
      } catch (error) {
        expect(error).toBeInstanceOf(WirefilterError);
        return error as WirefilterError;
      }
      throw new Error('expected an error');
    };
    let error = bad('192.0.2.0/24\n192.0.2.1/24\nexample.com\n', { name: 'list.txt' });
    expect(error.code).toBe('invalid-ip-list');
    expect(error.message).toContain('"list.txt"');
    expect(error.message).toContain('line 2');
    expect(error.message).toContain('host part of address was not zero');
    expect(error.message).toContain('line 3');
    error = bad({ prefixes: [{ ipv4Prefix: 5 }, { nope: 1 }, 'x'] });
    expect(error.message).toContain('prefixes[0].ipv4Prefix');
    expect(error.message).toContain('prefixes[1]');
    expect(error.message).toContain('prefixes[2]');
    expect(bad('{"prefixes": [').message).toContain('not valid JSON');
    expect(bad({ other: [] }).message).toContain('prefixes');
    expect(bad('1.2.3.4\n5.6.7.8', { maxEntries: 1 }).message).toContain('maxEntries');
    // A long list of garbage stops after 20 problems.
    error = bad('x\n'.repeat(100_000));
    expect(error.message.split('\n').length).toBeLessThan(30);
  });

  it('gives invalid-argument for every wrong JavaScript type, never a crash', () => {
    for (const value of [undefined, null, true, 0, 1n, Symbol('s'), () => 1, new Uint8Array(3)]) {
      expect(() => loadIpList(value), String(typeof value)).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
    }
    for (const value of [{}, [], [null], [1], [[]], { prefixes: 'x' }, { prefixes: [null] }, new Date(0), new Map()]) {
      try {
        loadIpList(value);
      } catch (error) {
        expect(error).toBeInstanceOf(WirefilterError);
        expect(['invalid-ip-list', 'invalid-argument']).toContain((error as WirefilterError).code);
      }
    }
    for (const options of [null, 1, { format: 'xml' }, { format: 1 }, { maxEntries: -1 }, { maxEntries: 1.5 }, { maxEntries: '5' }, { name: 5 }]) {
      expect(() => loadIpList('192.0.2.1', options as never)).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
    }
    expect(() => loadIpList({ prefixes: [] }, { format: 'text' })).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
    const list = loadIpList('192.0.2.1');
    for (const value of [undefined, null, 1, {}, ['192.0.2.1']]) expect(list.has(value as string)).toBe(false);
  });
});

describe('the ip-list and asn methods', () => {
  const directory = {
    bots: [
      { name: 'UptimeRobot', category: 'Monitoring & Analytics', userAgents: ['UptimeRobot'], methods: [{ type: 'ip-list', list: 'uptimerobot' }] },
      { name: 'Inline', category: 'Webhooks', userAgents: ['InlineHook'], methods: [{ type: 'ip-list', addresses: ['192.0.2.0/28', '2001:db8::/48'] }] },
      { name: 'Meta link preview', category: 'Page Preview', userAgents: ['facebookexternalhit'], methods: [{ type: 'asn', asns: [32934] }] },
    ],
  };
  const bots = createBotVerifier({ directory, ipLists: { uptimerobot: loadIpList('# UptimeRobot\n216.144.250.150\n69.162.124.224/28\n2607:ff68:107::/48\n') } });

  it('verifies an address in the named list, and refuses one outside', async () => {
    expect(await bots.verify({ ip: '69.162.124.230', userAgent: 'Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)' })).toMatchObject({
      verified: true,
      name: 'UptimeRobot',
      category: 'Monitoring & Analytics',
      method: 'ip-list',
    });
    expect(await bots.verify({ ip: '2607:ff68:107::9', userAgent: 'UptimeRobot/2.0' })).toMatchObject({ verified: true });
    const spoofed = await bots.verify({ ip: '198.51.100.1', userAgent: 'UptimeRobot/2.0' });
    expect(spoofed).toMatchObject({ verified: false, reason: 'not-validated', claimed: ['UptimeRobot'] });
    expect(spoofed.checks[0]!.detail).toBe('198.51.100.1 is not in the IP list "uptimerobot"');
  });

  it('verifies inline addresses', async () => {
    expect(await bots.verify({ ip: '192.0.2.15', userAgent: 'InlineHook/1' })).toMatchObject({ verified: true, method: 'ip-list' });
    expect(await bots.verify({ ip: '192.0.2.16', userAgent: 'InlineHook/1' })).toMatchObject({ verified: false });
  });

  it("verifies by the client's ASN, and is unavailable without one", async () => {
    const ua = 'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)';
    expect(await bots.verify({ ip: '31.13.64.1', userAgent: ua, asn: 32934 })).toMatchObject({ verified: true, method: 'asn', category: 'Page Preview' });
    expect(await bots.verify({ ip: '31.13.64.1', userAgent: ua, asn: 15169 })).toMatchObject({ verified: false, reason: 'not-validated' });
    expect(await bots.verify({ ip: '31.13.64.1', userAgent: ua })).toMatchObject({ verified: false, reason: 'unavailable' });
    expect(await bots.verify({ ip: '31.13.64.1', userAgent: ua, asn: null })).toMatchObject({ verified: false, reason: 'unavailable' });
  });

  it('is unavailable when the named list was not given', async () => {
    const without = createBotVerifier({ directory });
    expect(await without.verify({ ip: '69.162.124.230', userAgent: 'UptimeRobot/2.0' })).toMatchObject({ verified: false, reason: 'unavailable' });
  });

  it('refuses lists no entry names, and other wrong options (invalid-option)', () => {
    const list = loadIpList('192.0.2.1');
    expect(() => createBotVerifier({ directory, ipLists: { uptimerobt: list } })).toThrow(/did you mean "uptimerobot"/);
    for (const options of [
      { directory, ipLists: { uptimerobot: '192.0.2.1' } },
      { directory, ipLists: [] },
      { directory, resolver: {} },
      { directory, resolver: { reverse: () => [], resolve4: () => [] } },
      { directory, timeoutMs: 0 },
      { directory, timeoutMs: '100' },
      { directory, cacheTtlSeconds: -1 },
      { directory, maxConcurrentLookups: 0 },
      { directory, maxConcurrentLookups: 1.5 },
      { directory, maxForwardLookups: 100 },
      { directory, now: 5 },
      { directory, cacheTTLSeconds: 5 },
      { directory, resolvr: noDns },
      null,
      [],
      'x',
    ]) {
      expect(() => createBotVerifier(options as never), JSON.stringify(options)).toThrow(expect.objectContaining({ code: 'invalid-option' }));
    }
    expect(() => createBotVerifier({ resolvr: noDns } as never)).toThrow(/did you mean `resolver`/);
    expect(() => createBotVerifier({ directory: { bots: 5 } })).toThrow(expect.objectContaining({ code: 'invalid-bot-directory' }));
  });
});

describe('verify() input', () => {
  const bots = createBotVerifier({ resolver: noDns });

  it('treats absent values as unverified, and says why', async () => {
    expect(await bots.verify({ ip: undefined, userAgent: 'Googlebot' })).toMatchObject({ verified: false, reason: 'no-client-ip' });
    expect(await bots.verify({ ip: null, userAgent: 'Googlebot' })).toMatchObject({ verified: false, reason: 'no-client-ip' });
    expect(await bots.verify({ ip: '', userAgent: 'Googlebot' })).toMatchObject({ verified: false, reason: 'no-client-ip' });
    expect(await bots.verify({ ip: '66.249.66.1', userAgent: null })).toMatchObject({ verified: false, reason: 'no-user-agent' });
    expect(await bots.verify({ ip: '66.249.66.1', userAgent: '' })).toMatchObject({ verified: false, reason: 'no-user-agent' });
    for (const ip of ['66.249.66.1 ', '066.249.66.1', '66.249.66.1/32', '[::1]', 'fe80::1%eth0', 'localhost']) {
      expect(await bots.verify({ ip, userAgent: 'Googlebot' }), ip).toMatchObject({ verified: false, reason: 'invalid-ip' });
    }
  });

  it('throws invalid-argument for every wrong JavaScript type, never a crash', async () => {
    const values: unknown[] = [true, 0, 1n, Symbol('s'), () => 1, [], {}, new Date(0), new Uint8Array(1), new String('66.249.66.1')];
    for (const value of values) {
      for (const request of [{ ip: value, userAgent: 'Googlebot' }, { ip: '66.249.66.1', userAgent: value }]) {
        await expect(bots.verify(request as never)).rejects.toMatchObject({ code: 'invalid-argument' });
      }
    }
    for (const asn of [-1, 1.5, NaN, Infinity, 2 ** 32, '15169', 15169n, {}, true]) {
      await expect(bots.verify({ ip: '66.249.66.1', userAgent: 'Googlebot', asn } as never)).rejects.toMatchObject({ code: 'invalid-argument' });
    }
    for (const request of [undefined, null, 'x', 5, [], () => 1]) {
      await expect(bots.verify(request as never)).rejects.toMatchObject({ code: 'invalid-argument' });
    }
    await expect(bots.verify({ ip: '66.249.66.1', ua: 'Googlebot' } as never)).rejects.toThrow(/unknown key "ua"/);
    await expect(bots.verify({ ip: '66.249.66.1', userAgent: 'x', useragent: 'x' } as never)).rejects.toThrow(/did you mean `userAgent`/);
  });

  it('does not verify, nor scan, user agents longer than maxUserAgentLength', async () => {
    const small = createBotVerifier({ resolver: noDns, maxUserAgentLength: 100 });
    expect(await small.verify({ ip: '66.249.66.1', userAgent: `Googlebot${' '.repeat(100)}` })).toMatchObject({ verified: false, reason: 'user-agent-too-long' });
  });
});

describe('fields', () => {
  it('fills cf.client.bot, cf.bot_management.verified_bot and cf.verified_bot_category', async () => {
    expect(BOT_FIELDS).toEqual(['cf.client.bot', 'cf.bot_management.verified_bot', 'cf.verified_bot_category']);
    const scheme = cloudflareScheme();
    for (const field of BOT_FIELDS) expect(scheme.validate(field === 'cf.verified_bot_category' ? `${field} eq ""` : field), field).toEqual([]);
    const verified = { verified: true, category: 'Search Engine Crawler' };
    expect(botFields(verified)).toEqual({ 'cf.client.bot': true, 'cf.bot_management.verified_bot': true, 'cf.verified_bot_category': 'Search Engine Crawler' });
    expect(botFacts(verified)).toEqual({ verifiedBot: true, verifiedBotCategory: 'Search Engine Crawler' });
    const none = { 'cf.client.bot': false, 'cf.bot_management.verified_bot': false, 'cf.verified_bot_category': '' };
    expect(botFields({ verified: false, category: 'Search Engine Crawler' })).toEqual(none);
    expect(botFields(undefined)).toEqual(none);
    expect(botFields(null)).toEqual(none);
    // Only a literal true verifies.
    expect(botFields({ verified: 'true', category: 'x' } as never)).toEqual(none);
    expect(botFields({ verified: 1 } as never)).toEqual(none);
    for (const value of ['x', 5, true, 1n]) expect(() => botFields(value as never)).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
    const filter = scheme.compile('(http.user_agent contains "Googlebot" and not cf.client.bot) or cf.verified_bot_category eq "AI Crawler"');
    expect(filter.execute({ 'http.user_agent': 'Googlebot/2.1', ...botFields(verified) })).toBe(false);
    expect(filter.execute({ 'http.user_agent': 'Googlebot/2.1', ...botFields({ verified: false }) })).toBe(true);
  });
});
