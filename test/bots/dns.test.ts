/**
 * Forward-confirmed reverse DNS against a real DNS server on loopback (dns2), through a real
 * `dns.promises.Resolver`: genuine crawlers verified, spoofed ones refused, every DNS failure
 * leaving the request unverified, and the cache proven by counting queries at the server.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createBotVerifier, loadIpList, type BotVerifier } from '../../src/bots/index.js';
import { TestDnsServer } from '../support/dns.js';

const GOOGLEBOT_UA = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';
const GOOGLEBOT_SMARTPHONE_UA =
  'Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.126 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';
const BINGBOT_UA = 'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)';
const APPLEBOT_UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)';

let server: TestDnsServer;

beforeAll(async () => {
  server = await TestDnsServer.start();
  server
    // Googlebot, IPv4 and IPv6, names as Google documents them.
    .ptr('66.249.66.1', 'crawl-66-249-66-1.googlebot.com')
    .a('crawl-66-249-66-1.googlebot.com', '66.249.66.1')
    .ptr('2001:4860:4801:10::1', 'crawl-2001-4860-4801-10--1.googlebot.com.')
    .aaaa('crawl-2001-4860-4801-10--1.googlebot.com', '2001:4860:4801:10::1')
    // Upper case and a trailing dot in the PTR answer.
    .ptr('66.249.66.2', 'CRAWL-66-249-66-2.GoogleBot.COM.')
    .a('crawl-66-249-66-2.googlebot.com', '66.249.66.2')
    // Bingbot and Applebot.
    .ptr('157.55.39.1', 'msnbot-157-55-39-1.search.msn.com')
    .a('msnbot-157-55-39-1.search.msn.com', '157.55.39.1')
    .ptr('17.241.219.1', '17-241-219-1.applebot.apple.com')
    .a('17-241-219-1.applebot.apple.com', '17.241.219.1')
    // An attacker's address: its PTR names a Google host, whose A records are Google's.
    .ptr('203.0.113.66', 'crawl-66-249-66-1.googlebot.com')
    // An attacker's zone pointing to a look-alike domain.
    .ptr('203.0.113.67', 'crawl.evilgooglebot.com')
    .a('crawl.evilgooglebot.com', '203.0.113.67')
    .ptr('203.0.113.68', 'googlebot.com.evil.example')
    .a('googlebot.com.evil.example', '203.0.113.68')
    // A residential address with an ISP name.
    .ptr('198.51.100.7', 'host-7.dsl.example.net')
    .a('host-7.dsl.example.net', '198.51.100.7')
    // PTR under Google's suffix, but the name does not resolve (NXDOMAIN forward).
    .ptr('203.0.113.70', 'crawl-gone.googlebot.com')
    // Failures.
    .fail('203.0.113.80', 'servfail')
    .fail('203.0.113.81', 'timeout')
    .fail('203.0.113.82', 'refused')
    .ptr('203.0.113.83', 'crawl-slow.googlebot.com')
    .fail('crawl-slow.googlebot.com', 'timeout')
    .ptr('203.0.113.84', 'crawl-broken.googlebot.com')
    .fail('crawl-broken.googlebot.com', 'servfail')
    // Many PTR names (the answer needs TCP): mostly noise, one genuine.
    .ptr('66.249.66.9', ...Array.from({ length: 150 }, (_, i) => `noise-${i}.example.org`), 'crawl-66-249-66-9.googlebot.com')
    .a('crawl-66-249-66-9.googlebot.com', '66.249.66.9')
    // Many PTR names under the suffix, none confirming: forward lookups are capped.
    .ptr('203.0.113.90', ...Array.from({ length: 40 }, (_, i) => `fake-${i}.googlebot.com`))
    // IPv6 spoof: PTR under the suffix, AAAA elsewhere.
    .ptr('2001:db8::66', 'crawl-v6.googlebot.com')
    .aaaa('crawl-v6.googlebot.com', '2001:4860:4801:10::99');
});

afterAll(async () => {
  await server.close();
});

beforeEach(() => server.resetLog());

function verifier(options: Parameters<typeof createBotVerifier>[0] = {}): BotVerifier {
  return createBotVerifier({ resolver: server.resolver(500), timeoutMs: 1500, ...options });
}

describe('forward-confirmed reverse DNS', () => {
  it('verifies a genuine Googlebot (IPv4)', async () => {
    const result = await verifier().verify({ ip: '66.249.66.1', userAgent: GOOGLEBOT_UA });
    expect(result).toMatchObject({ verified: true, name: 'Googlebot', category: 'Search Engine Crawler', method: 'reverse-dns', reason: 'verified', claimed: ['Googlebot'] });
    const check = result.checks.find((c) => c.method === 'reverse-dns')!;
    expect(check.outcome).toBe('pass');
    expect(check.lookups).toEqual([
      { type: 'PTR', name: '66.249.66.1', cached: false, answer: ['crawl-66-249-66-1.googlebot.com'] },
      { type: 'A', name: 'crawl-66-249-66-1.googlebot.com', cached: false, answer: ['66.249.66.1'] },
    ]);
    expect(server.count('PTR', '66.249.66.1')).toBe(1);
    expect(server.count('A', 'crawl-66-249-66-1.googlebot.com')).toBe(1);
  });

  it('verifies the smartphone Googlebot, whose user agent is a browser one plus the token', async () => {
    expect(await verifier().verify({ ip: '66.249.66.1', userAgent: GOOGLEBOT_SMARTPHONE_UA })).toMatchObject({ verified: true, name: 'Googlebot' });
  });

  it('verifies over IPv6 (ip6.arpa PTR, AAAA forward)', async () => {
    const result = await verifier().verify({ ip: '2001:4860:4801:10::1', userAgent: GOOGLEBOT_UA });
    expect(result).toMatchObject({ verified: true, method: 'reverse-dns' });
    expect(server.count('AAAA', 'crawl-2001-4860-4801-10--1.googlebot.com')).toBe(1);
    expect(server.count('A')).toBe(0);
  });

  it('reads an IPv6 address in any text form, and an IPv4-mapped address as IPv4', async () => {
    expect(await verifier().verify({ ip: '2001:4860:4801:0010:0000:0000:0000:0001', userAgent: GOOGLEBOT_UA })).toMatchObject({ verified: true });
    expect(await verifier().verify({ ip: '::ffff:66.249.66.1', userAgent: GOOGLEBOT_UA })).toMatchObject({ verified: true });
  });

  it('matches suffixes ignoring case and a trailing dot', async () => {
    expect(await verifier().verify({ ip: '66.249.66.2', userAgent: GOOGLEBOT_UA })).toMatchObject({ verified: true, name: 'Googlebot' });
  });

  it('verifies Bingbot and Applebot by their own suffixes', async () => {
    const bots = verifier();
    expect(await bots.verify({ ip: '157.55.39.1', userAgent: BINGBOT_UA })).toMatchObject({ verified: true, name: 'Bingbot', category: 'Search Engine Crawler' });
    expect(await bots.verify({ ip: '17.241.219.1', userAgent: APPLEBOT_UA })).toMatchObject({ verified: true, name: 'Applebot' });
  });

  it("refuses one bot's address under another bot's user agent", async () => {
    const result = await verifier().verify({ ip: '157.55.39.1', userAgent: GOOGLEBOT_UA });
    expect(result).toMatchObject({ verified: false, reason: 'not-validated', claimed: ['Googlebot'] });
    expect(result.checks.find((c) => c.method === 'reverse-dns')!.detail).toContain('none ends with googlebot.com or google.com');
  });

  it('refuses a spoofed Googlebot from an unrelated address', async () => {
    const result = await verifier().verify({ ip: '198.51.100.7', userAgent: GOOGLEBOT_UA });
    expect(result).toMatchObject({ verified: false, reason: 'not-validated' });
    expect(result.name).toBeUndefined();
    expect(result.category).toBeUndefined();
    // No forward lookup: the PTR name is not under any suffix.
    expect(server.count('A')).toBe(0);
  });

  it('refuses a PTR under the right suffix whose forward lookup does not hold the address', async () => {
    const result = await verifier().verify({ ip: '203.0.113.66', userAgent: GOOGLEBOT_UA });
    expect(result).toMatchObject({ verified: false, reason: 'not-validated' });
    expect(result.checks.find((c) => c.method === 'reverse-dns')!.detail).toContain('does not include 203.0.113.66');
    expect(server.count('A', 'crawl-66-249-66-1.googlebot.com')).toBe(1);
  });

  it('refuses an IPv6 PTR whose AAAA records are elsewhere', async () => {
    expect(await verifier().verify({ ip: '2001:db8::66', userAgent: GOOGLEBOT_UA })).toMatchObject({ verified: false, reason: 'not-validated' });
  });

  it('refuses a PTR under the suffix whose name does not exist', async () => {
    expect(await verifier().verify({ ip: '203.0.113.70', userAgent: GOOGLEBOT_UA })).toMatchObject({ verified: false, reason: 'not-validated' });
  });

  it('matches suffixes at a dot boundary only (evilgooglebot.com is not googlebot.com)', async () => {
    const bots = verifier();
    expect(await bots.verify({ ip: '203.0.113.67', userAgent: GOOGLEBOT_UA })).toMatchObject({ verified: false, reason: 'not-validated' });
    expect(await bots.verify({ ip: '203.0.113.68', userAgent: GOOGLEBOT_UA })).toMatchObject({ verified: false, reason: 'not-validated' });
    expect(server.count('A')).toBe(0);
  });

  it('finds the genuine name among many PTR names (the answer comes over TCP)', async () => {
    const result = await verifier().verify({ ip: '66.249.66.9', userAgent: GOOGLEBOT_UA });
    expect(result).toMatchObject({ verified: true });
    expect(server.queries.some((q) => q.type === 'PTR' && q.transport === 'tcp')).toBe(true);
  });

  it('forward-confirms at most maxForwardLookups names of a PTR answer', async () => {
    const result = await verifier({ maxForwardLookups: 3 }).verify({ ip: '203.0.113.90', userAgent: GOOGLEBOT_UA });
    expect(result).toMatchObject({ verified: false, reason: 'not-validated' });
    expect(server.count('A')).toBe(3);
  });
});

describe('DNS failures leave the request unverified', () => {
  it('NXDOMAIN for the PTR: not validated', async () => {
    const result = await verifier().verify({ ip: '192.0.2.200', userAgent: GOOGLEBOT_UA });
    expect(result).toMatchObject({ verified: false, reason: 'not-validated' });
    expect(result.checks.find((c) => c.method === 'reverse-dns')!.lookups![0]).toMatchObject({ type: 'PTR', failure: 'nxdomain' });
  });

  it('SERVFAIL and REFUSED: lookup-failed', async () => {
    const bots = verifier();
    const servfail = await bots.verify({ ip: '203.0.113.80', userAgent: GOOGLEBOT_UA });
    expect(servfail).toMatchObject({ verified: false, reason: 'lookup-failed' });
    expect(servfail.checks.find((c) => c.method === 'reverse-dns')!.lookups![0]).toMatchObject({ failure: 'servfail' });
    const refused = await bots.verify({ ip: '203.0.113.82', userAgent: GOOGLEBOT_UA });
    expect(refused).toMatchObject({ verified: false, reason: 'lookup-failed' });
  });

  it('SERVFAIL on the forward lookup: lookup-failed', async () => {
    expect(await verifier().verify({ ip: '203.0.113.84', userAgent: GOOGLEBOT_UA })).toMatchObject({ verified: false, reason: 'lookup-failed' });
  });

  it("a silent server: the resolver's timeout", async () => {
    const bots = createBotVerifier({ resolver: server.resolver(150), timeoutMs: 5000 });
    const result = await bots.verify({ ip: '203.0.113.81', userAgent: GOOGLEBOT_UA });
    expect(result).toMatchObject({ verified: false, reason: 'lookup-failed' });
    expect(result.checks.find((c) => c.method === 'reverse-dns')!.lookups![0]).toMatchObject({ failure: 'timeout' });
  });

  it("a silent server: the verifier's timeout comes first", async () => {
    const bots = createBotVerifier({ resolver: server.resolver(5000), timeoutMs: 150 });
    const start = performance.now();
    const result = await bots.verify({ ip: '203.0.113.81', userAgent: GOOGLEBOT_UA });
    expect(performance.now() - start).toBeLessThan(2000);
    expect(result).toMatchObject({ verified: false, reason: 'lookup-failed' });
  });

  it('a forward lookup that times out: lookup-failed', async () => {
    const bots = createBotVerifier({ resolver: server.resolver(150), timeoutMs: 3000 });
    expect(await bots.verify({ ip: '203.0.113.83', userAgent: GOOGLEBOT_UA })).toMatchObject({ verified: false, reason: 'lookup-failed' });
  });

  it('a resolver that never settles: the verifier times out, and the slot is freed', async () => {
    const hung = { reverse: () => new Promise<string[]>(() => {}), resolve4: () => new Promise<string[]>(() => {}), resolve6: () => new Promise<string[]>(() => {}) };
    const bots = createBotVerifier({ resolver: hung, timeoutMs: 50, maxConcurrentLookups: 1, maxQueuedLookups: 0 });
    expect(await bots.verify({ ip: '66.249.66.1', userAgent: GOOGLEBOT_UA })).toMatchObject({ verified: false, reason: 'lookup-failed' });
    await new Promise((r) => setTimeout(r, 80));
    // The first lookup gave up its slot: the next one is tried (and times out), not refused as busy.
    const next = await bots.verify({ ip: '66.249.66.2', userAgent: GOOGLEBOT_UA });
    expect(next.checks.find((c) => c.method === 'reverse-dns')!.lookups![0]!.failure).toBe('timeout');
  });

  it('no DNS server listening at all: lookup-failed', async () => {
    const closed = await TestDnsServer.start();
    const resolver = closed.resolver(200);
    await closed.close();
    const result = await createBotVerifier({ resolver }).verify({ ip: '66.249.66.1', userAgent: GOOGLEBOT_UA });
    expect(result).toMatchObject({ verified: false, reason: 'lookup-failed' });
  });
});

describe('caching', () => {
  it('answers a second verification from the cache, without any query', async () => {
    const bots = verifier();
    await bots.verify({ ip: '66.249.66.1', userAgent: GOOGLEBOT_UA });
    expect(server.queries).toHaveLength(2);
    const again = await bots.verify({ ip: '66.249.66.1', userAgent: GOOGLEBOT_UA });
    expect(again).toMatchObject({ verified: true });
    expect(again.checks.find((c) => c.method === 'reverse-dns')!.lookups!.every((l) => l.cached)).toBe(true);
    expect(server.queries).toHaveLength(2);
  });

  it('caches failures too (negative caching)', async () => {
    const bots = verifier();
    await bots.verify({ ip: '198.51.100.7', userAgent: GOOGLEBOT_UA });
    await bots.verify({ ip: '192.0.2.200', userAgent: GOOGLEBOT_UA });
    await bots.verify({ ip: '203.0.113.80', userAgent: GOOGLEBOT_UA });
    const before = server.queries.length;
    for (let i = 0; i < 5; i++) {
      expect((await bots.verify({ ip: '198.51.100.7', userAgent: GOOGLEBOT_UA })).verified).toBe(false);
      expect((await bots.verify({ ip: '192.0.2.200', userAgent: GOOGLEBOT_UA })).verified).toBe(false);
      expect((await bots.verify({ ip: '203.0.113.80', userAgent: GOOGLEBOT_UA })).verified).toBe(false);
    }
    expect(server.queries.length).toBe(before);
  });

  it('shares one query between concurrent verifications of one address', async () => {
    const bots = verifier();
    const results = await Promise.all(Array.from({ length: 20 }, () => bots.verify({ ip: '66.249.66.1', userAgent: GOOGLEBOT_UA })));
    expect(results.every((r) => r.verified)).toBe(true);
    expect(server.count('PTR')).toBe(1);
    expect(server.count('A')).toBe(1);
  });

  it('asks again once an answer expires (positive and negative TTLs)', async () => {
    let clock = 1_000_000;
    const bots = verifier({ now: () => clock, cacheTtlSeconds: 60, negativeCacheTtlSeconds: 10 });
    await bots.verify({ ip: '66.249.66.1', userAgent: GOOGLEBOT_UA });
    await bots.verify({ ip: '198.51.100.7', userAgent: GOOGLEBOT_UA });
    await bots.verify({ ip: '192.0.2.200', userAgent: GOOGLEBOT_UA });
    expect(server.count('PTR')).toBe(3);
    clock += 11_000;
    await bots.verify({ ip: '66.249.66.1', userAgent: GOOGLEBOT_UA });
    await bots.verify({ ip: '192.0.2.200', userAgent: GOOGLEBOT_UA });
    // The NXDOMAIN expired after 10 s; Googlebot's answers last 60 s.
    expect(server.count('PTR', '66.249.66.1')).toBe(1);
    expect(server.count('PTR', '192.0.2.200')).toBe(2);
    clock += 60_000;
    await bots.verify({ ip: '66.249.66.1', userAgent: GOOGLEBOT_UA });
    expect(server.count('PTR', '66.249.66.1')).toBe(2);
  });

  it('keeps at most maxCacheEntries answers', async () => {
    const bots = verifier({ maxCacheEntries: 2 });
    await bots.verify({ ip: '66.249.66.1', userAgent: GOOGLEBOT_UA }); // PTR + A
    await bots.verify({ ip: '198.51.100.7', userAgent: GOOGLEBOT_UA }); // PTR: evicts the first PTR
    await bots.verify({ ip: '66.249.66.1', userAgent: GOOGLEBOT_UA });
    expect(server.count('PTR', '66.249.66.1')).toBe(2);
  });

  it('clearCache forgets every answer', async () => {
    const bots = verifier();
    await bots.verify({ ip: '66.249.66.1', userAgent: GOOGLEBOT_UA });
    bots.clearCache();
    await bots.verify({ ip: '66.249.66.1', userAgent: GOOGLEBOT_UA });
    expect(server.count('PTR')).toBe(2);
  });

  it('asks no DNS for requests that claim no bot, or are settled by a list', async () => {
    const bots = verifier({ ipLists: { googlebot: loadIpList('66.249.64.0/19') } });
    expect(await bots.verify({ ip: '66.249.66.1', userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Firefox/127.0' })).toMatchObject({ verified: false, reason: 'unknown-user-agent' });
    expect(await bots.verify({ ip: '66.249.66.1', userAgent: GOOGLEBOT_UA })).toMatchObject({ verified: true, method: 'ip-list' });
    expect(server.queries).toHaveLength(0);
  });
});

describe('concurrency', () => {
  it('keeps at most maxConcurrentLookups in flight', async () => {
    let active = 0;
    let peak = 0;
    const real = server.resolver(500);
    const counting = {
      reverse: async (ip: string) => {
        active++;
        peak = Math.max(peak, active);
        try {
          await new Promise((r) => setTimeout(r, 5));
          return await real.reverse(ip);
        } finally {
          active--;
        }
      },
      resolve4: (name: string) => real.resolve4(name),
      resolve6: (name: string) => real.resolve6(name),
    };
    const bots = createBotVerifier({ resolver: counting, maxConcurrentLookups: 3 });
    const ips = Array.from({ length: 30 }, (_, i) => `192.0.2.${i + 1}`);
    const results = await Promise.all(ips.map((ip) => bots.verify({ ip, userAgent: GOOGLEBOT_UA })));
    expect(results.every((r) => !r.verified)).toBe(true);
    expect(peak).toBe(3);
    expect(server.count('PTR')).toBe(30);
  });

  it('refuses lookups beyond the queue at once (busy), never verifying', async () => {
    const slow = { reverse: () => new Promise<string[]>((r) => setTimeout(() => r([]), 50)), resolve4: async () => [], resolve6: async () => [] };
    const bots = createBotVerifier({ resolver: slow, maxConcurrentLookups: 1, maxQueuedLookups: 1 });
    const results = await Promise.all(['192.0.2.1', '192.0.2.2', '192.0.2.3'].map((ip) => bots.verify({ ip, userAgent: GOOGLEBOT_UA })));
    expect(results.map((r) => r.verified)).toEqual([false, false, false]);
    expect(results[2]!.checks.find((c) => c.method === 'reverse-dns')!.lookups![0]!.failure).toBe('busy');
    expect(results[2]!.reason).toBe('lookup-failed');
  });
});
