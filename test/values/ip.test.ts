import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { mulberry32 as rng } from '../../src/cli/random.js';
import {
  compareIp,
  formatIpAddress,
  ipEquals,
  ipv4Address,
  ipv6Address,
  type IpAddress,
  maskIp,
  parseIpAddress,
  parseIpLiteral,
  toIpAddress,
} from '../../src/values/ip.js';

/** The address as a BigInt (naive reference representation). */
function big(ip: IpAddress): bigint {
  if (ip.family === 4) return BigInt(ip.value);
  return (BigInt(ip.w0) << 96n) | (BigInt(ip.w1) << 64n) | (BigInt(ip.w2) << 32n) | BigInt(ip.w3);
}

function v4(text: string): IpAddress {
  const ip = parseIpAddress(text);
  if (ip === undefined) throw new Error(`bad test address ${text}`);
  return ip;
}
const v6 = v4;

describe('parseIpAddress: accepted forms', () => {
  const cases: [string, IpAddress][] = [
    ['0.0.0.0', ipv4Address(0)],
    ['255.255.255.255', ipv4Address(0xffffffff)],
    ['192.0.2.1', ipv4Address(0xc0000201)],
    ['203.0.113.7', ipv4Address(0xcb007107)],
    ['10.0.0.0', ipv4Address(0x0a000000)],
    ['1.2.3.4', ipv4Address(0x01020304)],
    ['::', ipv6Address(0, 0, 0, 0)],
    ['::1', ipv6Address(0, 0, 0, 1)],
    ['1::', ipv6Address(0x00010000, 0, 0, 0)],
    ['2001:db8::', ipv6Address(0x20010db8, 0, 0, 0)],
    ['2001:DB8::1', ipv6Address(0x20010db8, 0, 0, 1)],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', ipv6Address(0x20010db8, 0, 0, 1)],
    ['1:2:3:4:5:6:7:8', ipv6Address(0x00010002, 0x00030004, 0x00050006, 0x00070008)],
    ['1:2:3:4:5:6:7::', ipv6Address(0x00010002, 0x00030004, 0x00050006, 0x00070000)],
    ['::2:3:4:5:6:7:8', ipv6Address(0x00000002, 0x00030004, 0x00050006, 0x00070008)],
    ['1::8', ipv6Address(0x00010000, 0, 0, 8)],
    ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', ipv6Address(0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff)],
    ['FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF', ipv6Address(0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff)],
    ['::ffff:192.0.2.1', ipv6Address(0, 0, 0xffff, 0xc0000201)],
    ['::FFFF:192.0.2.1', ipv6Address(0, 0, 0xffff, 0xc0000201)],
    ['64:ff9b::192.0.2.33', ipv6Address(0x0064ff9b, 0, 0, 0xc0000221)],
    ['1:2:3:4:5:6:1.2.3.4', ipv6Address(0x00010002, 0x00030004, 0x00050006, 0x01020304)],
    ['::1.2.3.4', ipv6Address(0, 0, 0, 0x01020304)],
    ['::0.0.0.0', ipv6Address(0, 0, 0, 0)],
    ['fe80::1:2', ipv6Address(0xfe800000, 0, 0, 0x00010002)],
  ];
  it.each(cases)('%s', (text, expected) => {
    expect(parseIpAddress(text)).toEqual(expected);
  });
});

describe('parseIpAddress: rejected forms', () => {
  const cases = [
    '',
    '1',
    '1.2.3',
    '1.2.3.4.5',
    '1.2.3.',
    '.1.2.3',
    '1..2.3',
    '01.2.3.4',
    '1.2.3.04',
    '1.1.1.01', // lenient in engine sets; strict here everywhere (spec §2.9 normative)
    '00.0.0.0',
    '256.0.0.0',
    '1.2.3.256',
    '1.2.3.1000',
    '1.2.3.-1',
    '0x1.2.3.4',
    '0x01020304',
    '16909060',
    ' 1.2.3.4',
    '1.2.3.4 ',
    '1.2.3.4/24',
    '1.2.3.4:80',
    '[::1]',
    '[::1]:80',
    '::1%eth0',
    'fe80::1%1',
    ':',
    ':::',
    '1:::2',
    '1::2::3',
    ':1::',
    ':1',
    '1:',
    '1:2',
    '1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7:8::',
    '::1:2:3:4:5:6:7:8',
    '1:2:3:4::5:6:7:8',
    '12345::',
    '::12345',
    'g::',
    '::ffff:1.2.3',
    '::ffff:01.2.3.4',
    '::ffff:1.2.3.4.5',
    '::ffff:256.1.1.1',
    '1.2.3.4::',
    '1.2.3.4::1',
    '::1.2.3.4:5',
    '1:2:3:4:5:6:7:1.2.3.4',
    '1:2:3:4:5:6::1.2.3.4',
    '::1a.2.3.4',
    '::/0',
    'localhost',
    '１.2.3.4', // full-width digit
  ];
  it.each(cases)('%j', (text) => {
    expect(parseIpAddress(text)).toBeUndefined();
  });
});

describe('parseIpAddress agrees with ipaddr.js on random IPv6 text forms', () => {
  it('full, compressed, leading-zero, upper-case and mixed forms', () => {
    const rand = rng(1);
    for (let n = 0; n < 3000; n++) {
      // Groups biased towards zero so `::` runs of every length occur.
      const g = Array.from({ length: 8 }, () => (rand() % 3 === 0 ? rand() & 0xffff : 0));
      const hex = g.map((x) => {
        const h = x.toString(16);
        return rand() % 4 === 0 ? h.padStart(4, '0') : h;
      });
      let text: string;
      const style = rand() % 4;
      if (style === 0) {
        text = hex.join(':');
      } else {
        // Compress a random run of zero groups (length ≥ 1) if there is one.
        const zeros = g.map((x, i) => (x === 0 ? i : -1)).filter((i) => i >= 0);
        if (zeros.length === 0) {
          text = hex.join(':');
        } else {
          const start = zeros[rand() % zeros.length];
          let end = start;
          while (end + 1 < 8 && g[end + 1] === 0 && rand() % 3 !== 0) end++;
          text = `${hex.slice(0, start).join(':')}::${hex.slice(end + 1).join(':')}`;
        }
      }
      if (style === 2) text = text.toUpperCase();
      const ours = parseIpAddress(text);
      expect(ours, text).toBeDefined();
      const ref = ipaddr.IPv6.parse(text).toByteArray();
      const refBig = ref.reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);
      expect(big(ours!), text).toBe(refBig);
      // Formatting agrees with ipaddr.js's RFC 5952 output (mapped addresses aside).
      if (!(g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff)) {
        expect(formatIpAddress(ours!)).toBe(ipaddr.IPv6.parse(text).toRFC5952String());
      }
      // Round trip.
      expect(parseIpAddress(formatIpAddress(ours!))).toEqual(ours);
    }
  });

  it('random IPv4 dotted quads round-trip and agree with ipaddr.js', () => {
    const rand = rng(2);
    for (let n = 0; n < 3000; n++) {
      const value = rand();
      const text = formatIpAddress(ipv4Address(value));
      const ip = parseIpAddress(text);
      expect(ip).toEqual(ipv4Address(value));
      expect(ipaddr.IPv4.parse(text).toByteArray()).toEqual([value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255]);
    }
  });
});

describe('formatIpAddress', () => {
  const cases: [string, string][] = [
    ['0.0.0.0', '0.0.0.0'],
    ['255.255.255.255', '255.255.255.255'],
    ['::', '::'],
    ['::1', '::1'],
    ['1::', '1::'],
    ['2001:DB8::A', '2001:db8::a'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    // RFC 5952 §4.2.2: a single zero group is not compressed.
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    // §4.2.3: the longest run wins; on ties the first.
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0'],
    // §5: IPv4-mapped addresses in mixed notation.
    ['::ffff:c000:201', '::ffff:192.0.2.1'],
    ['::ffff:0.0.0.0', '::ffff:0.0.0.0'],
    ['64:ff9b::192.0.2.33', '64:ff9b::c000:221'],
    ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
  ];
  it.each(cases)('%s → %s', (text, expected) => {
    expect(formatIpAddress(v6(text))).toBe(expected);
  });
});

describe('compareIp and ipEquals', () => {
  it('orders within a family', () => {
    expect(compareIp(v4('10.0.0.1'), v4('10.0.0.2'))).toBeLessThan(0);
    expect(compareIp(v4('10.0.0.2'), v4('10.0.0.1'))).toBeGreaterThan(0);
    expect(compareIp(v4('10.0.0.1'), v4('10.0.0.1'))).toBe(0);
    expect(compareIp(v4('0.0.0.0'), v4('255.255.255.255'))).toBeLessThan(0);
    expect(compareIp(v4('128.0.0.0'), v4('127.255.255.255'))).toBeGreaterThan(0);
    expect(compareIp(v6('::1'), v6('::2'))).toBeLessThan(0);
    expect(compareIp(v6('1::'), v6('::ffff:ffff:ffff:ffff'))).toBeGreaterThan(0);
    expect(compareIp(v6('8000::'), v6('7fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'))).toBeGreaterThan(0);
    expect(compareIp(v6('2001:db8::1'), v6('2001:DB8:0::1'))).toBe(0);
  });

  it('IPv4 and IPv6 are incomparable and never equal (spec §6.1, §12 rows 26–27)', () => {
    const src = v4('203.0.113.7');
    const other = v6('2001:db8::1');
    expect(compareIp(src, other)).toBeUndefined();
    expect(compareIp(other, src)).toBeUndefined();
    // Row 26: `ip.src ne 2001:db8::1` is true.
    expect(!ipEquals(src, other)).toBe(true);
    // Row 27: `ip.src lt 2001:db8::1` is false (no ordering across families).
    const cmp = compareIp(src, other);
    expect(cmp !== undefined && cmp < 0).toBe(false);
  });

  it('an IPv4-mapped IPv6 address is not its IPv4 address', () => {
    expect(ipEquals(v6('::ffff:1.2.3.4'), v4('1.2.3.4'))).toBe(false);
    expect(ipEquals(v4('1.2.3.4'), v6('::ffff:1.2.3.4'))).toBe(false);
    expect(ipEquals(v6('::ffff:1.2.3.4'), v6('::ffff:102:304'))).toBe(true);
    expect(ipEquals(v6('::1.2.3.4'), v4('1.2.3.4'))).toBe(false);
    expect(ipEquals(v4('0.0.0.0'), v6('::'))).toBe(false);
  });

  it('agrees with a BigInt comparison on random pairs', () => {
    const rand = rng(3);
    for (let n = 0; n < 5000; n++) {
      // Share leading words often, so every word position decides sometimes.
      const a = [rand(), rand(), rand(), rand()];
      const b = a.map((w, i) => (rand() % (i + 2) === 0 ? rand() : w));
      const x = ipv6Address(a[0], a[1], a[2], a[3]);
      const y = ipv6Address(b[0], b[1], b[2], b[3]);
      const expected = big(x) < big(y) ? -1 : big(x) > big(y) ? 1 : 0;
      expect(Math.sign(compareIp(x, y)!)).toBe(expected);
      expect(ipEquals(x, y)).toBe(expected === 0);
      const p = ipv4Address(a[0]);
      const q = ipv4Address(rand() % 2 ? a[0] : b[1]);
      expect(Math.sign(compareIp(p, q)!)).toBe(Math.sign(p.value - q.value));
      expect(ipEquals(p, q)).toBe(p.value === q.value);
    }
  });
});

describe('maskIp (cidr / cidr6)', () => {
  const cases: [string, number, string][] = [
    // functions.md §3 examples.
    ['113.10.0.2', 24, '113.10.0.0'],
    ['2001:0:130F::9C0:876A:130B', 24, '2001::'],
    ['2001:db8:1:2::5', 48, '2001:db8:1::'],
    ['203.0.113.7', 24, '203.0.113.0'],
    // Boundaries.
    ['255.255.255.255', 0, '0.0.0.0'],
    ['255.255.255.255', 1, '128.0.0.0'],
    ['255.255.255.255', 31, '255.255.255.254'],
    ['255.255.255.255', 32, '255.255.255.255'],
    ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 0, '::'],
    ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 1, '8000::'],
    ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 33, 'ffff:ffff:8000::'],
    ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 64, 'ffff:ffff:ffff:ffff::'],
    ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 127, 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe'],
    ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 128, 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
    // Clamping outside 0…width.
    ['1.2.3.4', 40, '1.2.3.4'],
    ['1.2.3.4', -1, '0.0.0.0'],
    ['::1', 200, '::1'],
  ];
  it.each(cases)('%s / %i → %s', (text, bits, expected) => {
    expect(formatIpAddress(maskIp(v6(text), bits))).toBe(expected);
  });

  it('returns the same object when no bit changes', () => {
    const ip = v4('10.0.0.0');
    expect(maskIp(ip, 8)).toBe(ip);
  });

  it('agrees with a BigInt mask on random data', () => {
    const rand = rng(4);
    for (let n = 0; n < 3000; n++) {
      const ip6 = ipv6Address(rand(), rand(), rand(), rand());
      const b6 = rand() % 129;
      const mask6 = b6 === 0 ? 0n : ((1n << BigInt(b6)) - 1n) << BigInt(128 - b6);
      expect(big(maskIp(ip6, b6))).toBe(big(ip6) & mask6);
      const ip4 = ipv4Address(rand());
      const b4 = rand() % 33;
      const mask4 = b4 === 0 ? 0n : ((1n << BigInt(b4)) - 1n) << BigInt(32 - b4);
      expect(big(maskIp(ip4, b4))).toBe(big(ip4) & mask4);
    }
  });
});

describe('parseIpLiteral', () => {
  type Ok = [text: string, context: 'single' | 'set', kind: 'address' | 'cidr' | 'range'];
  const accepted: Ok[] = [
    ['192.0.2.1', 'single', 'address'],
    ['2001:db8::1', 'single', 'address'],
    ['::ffff:192.0.2.1', 'single', 'address'],
    ['192.0.2.1', 'set', 'address'],
    ['198.51.100.0/24', 'set', 'cidr'],
    ['2001:db8::/32', 'set', 'cidr'],
    ['0.0.0.0/0', 'set', 'cidr'],
    ['::/0', 'set', 'cidr'],
    ['1.2.3.4/32', 'set', 'cidr'],
    ['1.2.3.4/032', 'set', 'cidr'], // decimal, leading zeros allowed (Rust's u8 parse)
    ['::1/128', 'set', 'cidr'],
    ['2001:DB8::/32', 'set', 'cidr'],
    ['203.0.113.5..203.0.113.9', 'set', 'range'],
    ['203.0.113.5..203.0.113.5', 'set', 'range'],
    ['0.0.0.0..255.255.255.255', 'set', 'range'],
    ['2001:db8::1..2001:db8::ff', 'set', 'range'],
    ['::..ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'set', 'range'],
  ];
  it.each(accepted)('accepts %s (%s) as %s', (text, context, kind) => {
    const r = parseIpLiteral(text, context);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.item.kind).toBe(kind);
  });

  it('returns the parsed parts', () => {
    expect(parseIpLiteral('198.51.100.0/24', 'set')).toEqual({
      ok: true,
      item: { kind: 'cidr', address: ipv4Address(0xc6336400), prefix: 24 },
    });
    expect(parseIpLiteral('203.0.113.0..203.0.113.10', 'set')).toEqual({
      ok: true,
      item: { kind: 'range', first: ipv4Address(0xcb007100), last: ipv4Address(0xcb00710a) },
    });
    expect(parseIpLiteral('::1', 'single')).toEqual({ ok: true, item: { kind: 'address', address: ipv6Address(0, 0, 0, 1) } });
  });

  type Err = [text: string, context: 'single' | 'set', code: string, message: string, offset: number, length: number];
  const rejected: Err[] = [
    // Bad addresses, located on the bad part.
    ['1.2.3', 'single', 'invalid-ip', "couldn't parse address", 0, 5],
    ['01.2.3.4', 'single', 'invalid-ip', "couldn't parse address", 0, 8],
    ['1.1.1.01', 'set', 'invalid-ip', "couldn't parse address", 0, 8],
    ['::1%eth0', 'single', 'invalid-ip', "couldn't parse address", 0, 8],
    ['', 'single', 'invalid-ip', "couldn't parse address", 0, 0],
    ['1.2.3.4..1.2.3', 'set', 'invalid-ip', "couldn't parse address", 9, 5],
    ['1.2.3..1.2.3.4', 'set', 'invalid-ip', "couldn't parse address", 0, 5],
    ['1.2.3.4...1.2.3.5', 'set', 'invalid-ip', "couldn't parse address", 9, 8],
    ['1.2.3.4..', 'set', 'invalid-ip', "couldn't parse address", 9, 0],
    ['10.0.0.0/8..10.0.0.9', 'set', 'invalid-ip', "couldn't parse address", 0, 10],
    ['1.2.3/24', 'set', 'invalid-ip', "couldn't parse address in network", 0, 5],
    // §12 row 24 and friends: CIDRs and ranges only inside sets.
    ['203.0.113.0/24', 'single', 'invalid-cidr', 'CIDR blocks are only allowed inside sets', 0, 14],
    ['2001:db8::/32', 'single', 'invalid-cidr', "couldn't parse address in network", 0, 13],
    ['203.0.113.0..203.0.113.10', 'single', 'invalid-range', 'IP ranges are only allowed inside sets', 0, 25],
    // §12 row 23: host bits set.
    ['203.0.113.1/24', 'set', 'invalid-cidr', 'host part of address was not zero', 0, 14],
    ['2001:db8::1/32', 'set', 'invalid-cidr', 'host part of address was not zero', 0, 14],
    ['0.0.0.1/0', 'set', 'invalid-cidr', 'host part of address was not zero', 0, 9],
    // Prefix length problems, located on the length.
    ['10.0.0.0/33', 'set', 'invalid-cidr', 'network length too long', 9, 2],
    ['::/129', 'set', 'invalid-cidr', 'network length too long', 3, 3],
    ['::/255', 'set', 'invalid-cidr', 'network length too long', 3, 3],
    // §11 example: lengths above 255 overflow the engine's u8 first.
    ['2405:8100::/2000', 'set', 'invalid-cidr', 'number too large to fit in target type', 12, 4],
    ['10.0.0.0/256', 'set', 'invalid-cidr', 'number too large to fit in target type', 9, 3],
    ['10.0.0.0/', 'set', 'invalid-cidr', 'cannot parse integer from empty string', 9, 0],
    ['10.0.0.0/a', 'set', 'invalid-cidr', 'invalid digit found in string', 9, 1],
    ['10.0.0.0/8/8', 'set', 'invalid-cidr', 'invalid digit found in string', 9, 3],
    ['10.0.0.0/0x8', 'set', 'invalid-cidr', 'invalid digit found in string', 9, 3],
    // Range bounds.
    ['203.0.113.9..203.0.113.5', 'set', 'invalid-range', 'incompatible range bounds', 0, 24],
    ['1.2.3.4..::1', 'set', 'invalid-range', 'incompatible range bounds', 0, 12],
    ['::1..1.2.3.4', 'set', 'invalid-range', 'incompatible range bounds', 0, 12],
    ['::ffff:1.2.3.4..1.2.3.5', 'set', 'invalid-range', 'incompatible range bounds', 0, 23],
    ['::2..::1', 'set', 'invalid-range', 'incompatible range bounds', 0, 8],
  ];
  it.each(rejected)('rejects %j (%s): %s', (text, context, code, message, offset, length) => {
    const r = parseIpLiteral(text, context);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.code).toBe(code);
      expect(r.message).toContain(message);
      expect({ offset: r.offset, length: r.length }).toEqual({ offset, length });
    }
  });

  it('checks host bits exactly at every prefix length (random)', () => {
    const rand = rng(5);
    for (let n = 0; n < 2000; n++) {
      const ip6 = ipv6Address(rand(), rand(), rand(), rand());
      const p = rand() % 129;
      const text = `${formatIpAddress(ip6)}/${p}`;
      const r = parseIpLiteral(text, 'set');
      const hostZero = big(maskIp(ip6, p)) === big(ip6);
      expect(r.ok, text).toBe(hostZero);
      const masked = `${formatIpAddress(maskIp(ip6, p))}/${p}`;
      expect(parseIpLiteral(masked, 'set').ok, masked).toBe(true);
    }
  });
});

describe('toIpAddress', () => {
  it('parses strings strictly', () => {
    expect(toIpAddress('192.0.2.1')).toEqual(ipv4Address(0xc0000201));
    expect(toIpAddress('2001:db8::1')).toEqual(ipv6Address(0x20010db8, 0, 0, 1));
    expect(toIpAddress('01.2.3.4')).toBeUndefined();
    expect(toIpAddress('10.0.0.0/8')).toBeUndefined();
    expect(toIpAddress(' 1.2.3.4')).toBeUndefined();
  });

  // Regression: an object shaped like an internal address (also through its prototype) was
  // taken as one; only strings may become IP values.
  it('refuses objects shaped like internal address values', () => {
    expect(toIpAddress(ipv4Address(1))).toBeUndefined();
    expect(toIpAddress(ipv6Address(1, 2, 3, 4))).toBeUndefined();
    expect(toIpAddress({ family: 4, value: 0xffffffff })).toBeUndefined();
    expect(toIpAddress(Object.create({ family: 4, value: 1 }))).toBeUndefined();
  });

  const invalid: unknown[] = [
    undefined,
    null,
    0x01020304,
    1n,
    true,
    [1, 2, 3, 4],
    new Uint8Array([1, 2, 3, 4]),
    {},
    { family: 4 },
    { family: 4, value: -1 },
    { family: 4, value: 2 ** 32 },
    { family: 4, value: 1.5 },
    { family: 4, value: '1' },
    { family: '4', value: 1 },
    { family: 6, w0: 0, w1: 0, w2: 0 },
    { family: 6, w0: 0, w1: 0, w2: 0, w3: -1 },
    { family: 5, value: 1 },
    ipaddr.parse('1.2.3.4'),
  ];
  it.each(invalid.map((v) => [v]))('rejects %o', (value) => {
    expect(toIpAddress(value)).toBeUndefined();
  });
});
