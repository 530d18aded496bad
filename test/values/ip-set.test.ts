import { describe, expect, it } from 'vitest';
import { mulberry32 as rng } from '../../src/cli/random.js';
import {
  formatIpAddress,
  ipv4Address,
  ipv6Address,
  type IpAddress,
  type IpSetItem,
  maskIp,
  parseIpAddress,
  parseIpLiteral,
} from '../../src/values/ip.js';
import { IpRangeSet } from '../../src/values/ip-set.js';

function ip(text: string): IpAddress {
  const a = parseIpAddress(text);
  if (a === undefined) throw new Error(`bad test address ${text}`);
  return a;
}

/** Parses a set literal body the way the expression parser will: items separated by spaces. */
function set(body: string): IpRangeSet {
  const items = body
    .split(' ')
    .filter((t) => t !== '')
    .map((t) => {
      const r = parseIpLiteral(t, 'set');
      if (!r.ok) throw new Error(`bad test item ${t}: ${r.message}`);
      return r.item;
    });
  return new IpRangeSet(items);
}

function big(a: IpAddress): bigint {
  if (a.family === 4) return BigInt(a.value);
  return (BigInt(a.w0) << 96n) | (BigInt(a.w1) << 64n) | (BigInt(a.w2) << 32n) | BigInt(a.w3);
}

function fromBig(family: 4 | 6, v: bigint): IpAddress {
  if (family === 4) return ipv4Address(Number(v));
  const m = 0xffffffffn;
  return ipv6Address(Number((v >> 96n) & m), Number((v >> 64n) & m), Number((v >> 32n) & m), Number(v & m));
}

/** Inclusive bounds of an item as BigInts: the naive reference model. */
function bounds(item: IpSetItem): { family: 4 | 6; lo: bigint; hi: bigint } {
  if (item.kind === 'address') return { family: item.address.family, lo: big(item.address), hi: big(item.address) };
  if (item.kind === 'range') return { family: item.first.family, lo: big(item.first), hi: big(item.last) };
  const width = item.address.family === 4 ? 32 : 128;
  const lo = big(item.address);
  return { family: item.address.family, lo, hi: lo | ((1n << BigInt(width - item.prefix)) - 1n) };
}

function naiveHas(items: IpSetItem[], x: IpAddress): boolean {
  const v = big(x);
  return items.some((item) => {
    const b = bounds(item);
    return b.family === x.family && b.lo <= v && v <= b.hi;
  });
}

describe('IpRangeSet: spec examples (§12 rows 21, 22, 25)', () => {
  const src = ip('203.0.113.7');
  it('row 21: ip.src in {203.0.113.0/24 198.51.100.1} is true', () => {
    expect(set('203.0.113.0/24 198.51.100.1').has(src)).toBe(true);
  });
  it('row 22: ip.src in {203.0.113.0..203.0.113.10} is true', () => {
    expect(set('203.0.113.0..203.0.113.10').has(src)).toBe(true);
  });
  it('row 25: ip.src in {2001:db8::/32} is false (family mismatch)', () => {
    expect(set('2001:db8::/32').has(src)).toBe(false);
  });
  it('§3.4 example set', () => {
    const s = set('192.0.2.1 198.51.100.0/24 203.0.113.5..203.0.113.9 2001:db8::/32');
    const cases: [string, boolean][] = [
      ['192.0.2.1', true],
      ['192.0.2.2', false],
      ['198.51.100.0', true],
      ['198.51.100.255', true],
      ['198.51.101.0', false],
      ['203.0.113.4', false],
      ['203.0.113.5', true],
      ['203.0.113.9', true],
      ['203.0.113.10', false],
      ['2001:db8::', true],
      ['2001:db8:ffff:ffff:ffff:ffff:ffff:ffff', true],
      ['2001:db9::', false],
      ['2001:db7:ffff:ffff:ffff:ffff:ffff:ffff', false],
      ['::ffff:192.0.2.1', false],
    ];
    for (const [text, expected] of cases) expect(s.has(ip(text)), text).toBe(expected);
  });
});

describe('IpRangeSet: families and boundaries', () => {
  it('an empty set matches nothing', () => {
    const s = new IpRangeSet([]);
    expect(s.isEmpty).toBe(true);
    expect(s.size).toBe(0);
    for (const t of ['0.0.0.0', '255.255.255.255', '::', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff']) {
      expect(s.has(ip(t))).toBe(false);
    }
  });

  it('0.0.0.0/0 matches every IPv4 address and no IPv6 address', () => {
    const s = set('0.0.0.0/0');
    for (const t of ['0.0.0.0', '255.255.255.255', '10.1.2.3']) expect(s.has(ip(t))).toBe(true);
    for (const t of ['::', '::ffff:10.1.2.3', '::a01:203', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff']) {
      expect(s.has(ip(t))).toBe(false);
    }
  });

  it('::/0 matches every IPv6 address and no IPv4 address', () => {
    const s = set('::/0');
    for (const t of ['::', '::ffff:1.2.3.4', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff']) expect(s.has(ip(t))).toBe(true);
    for (const t of ['0.0.0.0', '1.2.3.4', '255.255.255.255']) expect(s.has(ip(t))).toBe(false);
  });

  it('IPv4-mapped IPv6 addresses do not match IPv4 items, and vice versa', () => {
    expect(set('1.2.3.0/24').has(ip('::ffff:1.2.3.4'))).toBe(false);
    expect(set('::ffff:1.2.3.0/120').has(ip('1.2.3.4'))).toBe(false);
    expect(set('::ffff:1.2.3.0/120').has(ip('::ffff:1.2.3.4'))).toBe(true);
  });

  it('handles the extreme addresses and /32, /128 single-address blocks', () => {
    const s = set('0.0.0.0 255.255.255.255/32 :: ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128');
    expect(s.has(ip('0.0.0.0'))).toBe(true);
    expect(s.has(ip('0.0.0.1'))).toBe(false);
    expect(s.has(ip('255.255.255.255'))).toBe(true);
    expect(s.has(ip('255.255.255.254'))).toBe(false);
    expect(s.has(ip('::'))).toBe(true);
    expect(s.has(ip('::1'))).toBe(false);
    expect(s.has(ip('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'))).toBe(true);
    expect(s.has(ip('ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe'))).toBe(false);
    expect(s.ipv4RangeCount).toBe(2);
    expect(s.ipv6RangeCount).toBe(2);
  });

  it('full ranges of a family', () => {
    const s = set('0.0.0.0..255.255.255.255 ::..ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff');
    expect(s.size).toBe(2);
    expect(s.has(ip('128.0.0.0'))).toBe(true);
    expect(s.has(ip('8000::'))).toBe(true);
  });
});

describe('IpRangeSet: merging', () => {
  const cases: [body: string, merged: string[]][] = [
    ['10.0.0.1 10.0.0.1 10.0.0.1', ['10.0.0.1-10.0.0.1']],
    ['10.0.0.0/8 10.1.0.0/16 10.255.255.255', ['10.0.0.0-10.255.255.255']],
    // Adjacent blocks fuse.
    ['10.0.0.0/25 10.0.0.128/25', ['10.0.0.0-10.0.0.255']],
    ['10.0.0.1 10.0.0.2 10.0.0.3', ['10.0.0.1-10.0.0.3']],
    ['10.0.0.1 10.0.0.3', ['10.0.0.1-10.0.0.1', '10.0.0.3-10.0.0.3']],
    ['10.0.0.5..10.0.0.9 10.0.0.1..10.0.0.6 10.0.0.20..10.0.0.30 10.0.0.10', ['10.0.0.1-10.0.0.10', '10.0.0.20-10.0.0.30']],
    ['255.255.255.0/24 255.255.255.255', ['255.255.255.0-255.255.255.255']],
    ['::1 ::2 ::4', ['::1-::2', '::4-::4']],
    // Carries across words when checking adjacency.
    ['::ffff:ffff ::1:0:0', ['::ffff:ffff-::1:0:0']],
    ['::ffff:ffff 0:0:0:1::', ['::ffff:ffff-::ffff:ffff', '0:0:0:1::-0:0:0:1::']],
    ['0:0:0:0:ffff:ffff:ffff:ffff ::1:0:0:0:0', ['::ffff:ffff:ffff:ffff-0:0:0:1::']],
    ['0:ffff:ffff:ffff:ffff:ffff:ffff:ffff 1::', ['0:ffff:ffff:ffff:ffff:ffff:ffff:ffff-1::']],
    ['::ffff:ffff:0:0 ::1:ffff:ffff:0:1', ['::ffff:ffff:0:0-::ffff:ffff:0:0', '::1:ffff:ffff:0:1-::1:ffff:ffff:0:1']],
    ['2001:db8::/33 2001:db8:8000::/33', ['2001:db8::-2001:db8:ffff:ffff:ffff:ffff:ffff:ffff']],
    ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ::/0', ['::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff']],
    ['1.2.3.4 ::1 1.2.3.5 ::2', ['1.2.3.4-1.2.3.5', '::1-::2']],
  ];
  it.each(cases)('{%s}', (body, merged) => {
    const s = set(body);
    const got = [...s.ranges()].map((r) => `${formatIpAddress(r.first)}-${formatIpAddress(r.last)}`);
    expect(got).toEqual(merged);
    expect(s.itemCount).toBe(body.split(' ').length);
  });

  it('fuses exactly the ranges that touch, whatever the carries (random words)', () => {
    const rand = rng(6);
    const words = [0, 1, 0xfffffffe, 0xffffffff];
    const pick = () => (rand() % 5 === 0 ? rand() : words[rand() % words.length]);
    const max = (1n << 128n) - 1n;
    for (let n = 0; n < 3000; n++) {
      const c = big(ipv6Address(pick(), pick(), pick(), pick()));
      const gap = BigInt(rand() % 3); // 0: adjacent, 1–2: one or two addresses apart
      const next = c + 1n + gap;
      if (next > max) continue;
      const items: IpSetItem[] = [
        { kind: 'range', first: fromBig(6, c > 5n ? c - 5n : 0n), last: fromBig(6, c) },
        { kind: 'address', address: fromBig(6, next) },
      ];
      // Both orders, so either can be the one being extended.
      for (const list of [items, [items[1], items[0]]]) {
        expect(new IpRangeSet(list).size, `${c} + ${gap}`).toBe(gap === 0n ? 1 : 2);
      }
    }
  });

  it('widens a CIDR item with host bits set (built by hand) to its block', () => {
    const s = new IpRangeSet([{ kind: 'cidr', address: ip('10.1.2.3'), prefix: 8 }]);
    expect(s.has(ip('10.200.0.0'))).toBe(true);
    expect(s.has(ip('11.0.0.0'))).toBe(false);
  });

  it('rejects malformed items', () => {
    expect(() => new IpRangeSet([{ kind: 'cidr', address: ip('10.0.0.0'), prefix: 33 }])).toThrow(RangeError);
    expect(() => new IpRangeSet([{ kind: 'cidr', address: ip('::'), prefix: -1 }])).toThrow(RangeError);
    expect(() => new IpRangeSet([{ kind: 'range', first: ip('10.0.0.2'), last: ip('10.0.0.1') }])).toThrow(RangeError);
    expect(() => new IpRangeSet([{ kind: 'range', first: ip('::2'), last: ip('::1') }])).toThrow(RangeError);
    expect(() => new IpRangeSet([{ kind: 'range', first: ip('1.2.3.4'), last: ip('::1') }])).toThrow(RangeError);
  });

  it('fromItems accepts any iterable', () => {
    function* gen(): Generator<IpSetItem> {
      yield { kind: 'address', address: ip('1.2.3.4') };
    }
    expect(IpRangeSet.fromItems(gen()).has(ip('1.2.3.4'))).toBe(true);
  });
});

/** Random items designed to overlap, nest and touch, with optional clustering in IPv6. */
function randomItems(rand: () => number, n: number, opts: { v6Cluster?: number } = {}): IpSetItem[] {
  const items: IpSetItem[] = [];
  for (let i = 0; i < n; i++) {
    const family = rand() % 2 === 0 ? 4 : 6;
    let a: IpAddress;
    if (family === 4) {
      // A small universe (a /16) so that items collide often.
      a = ipv4Address(0x0a000000 | (rand() & 0xffff));
    } else {
      const c = opts.v6Cluster ?? 0;
      // Words equal across items with probability set by the cluster level, so the sort's
      // tie-breaking on later words is exercised.
      a = ipv6Address(
        c >= 1 ? 0x20010db8 : rand(),
        c >= 4 ? 0 : c >= 2 ? rand() % 3 : rand(),
        c >= 4 ? 7 : c >= 3 ? rand() % 3 : rand(),
        rand() % 4 === 0 ? 0xffffffff : rand() & 0xffff,
      );
    }
    const width = family === 4 ? 32 : 128;
    const kind = rand() % 3;
    if (kind === 0) {
      items.push({ kind: 'address', address: a });
    } else if (kind === 1) {
      const prefix = family === 4 ? 16 + (rand() % 17) : [0, 32, 64, 96, 100, 112, 120, 124, 126, 127, 128][rand() % 11];
      items.push({ kind: 'cidr', address: maskIp(a, prefix), prefix });
    } else {
      const lo = big(a);
      const max = (1n << BigInt(width)) - 1n;
      let hi = lo + BigInt(rand() % 300);
      if (hi > max) hi = max;
      items.push({ kind: 'range', first: a, last: fromBig(family, hi) });
    }
  }
  return items;
}

/** Queries at and around every item bound, plus random ones. */
function probeAddresses(rand: () => number, items: IpSetItem[]): IpAddress[] {
  const out: IpAddress[] = [];
  for (const item of items) {
    const b = bounds(item);
    const max = b.family === 4 ? 0xffffffffn : (1n << 128n) - 1n;
    for (const v of [b.lo - 1n, b.lo, b.lo + 1n, b.hi - 1n, b.hi, b.hi + 1n]) {
      if (v >= 0n && v <= max) out.push(fromBig(b.family, v));
    }
  }
  for (let i = 0; i < 200; i++) {
    out.push(ipv4Address(rand() % 2 ? rand() : 0x0a000000 | (rand() & 0xffff)));
    out.push(ipv6Address(rand() % 2 ? 0x20010db8 : rand(), rand() % 3, rand() % 3, rand() & 0xffff));
    out.push(ipv6Address(0x20010db8, rand() % 2, 6 + (rand() % 3), rand() & 0xffff));
    out.push(ipv6Address(0, 0, 0xffff, 0x0a000000 | (rand() & 0xffff))); // mapped: never an IPv4 match
  }
  return out;
}

describe('IpRangeSet agrees with a naive implementation (random data)', () => {
  for (const [label, n, cluster] of [
    ['tiny sets', 5, 0],
    ['sets scanned rather than searched (≤ 8 ranges a family)', 8, 0],
    ['sets just past the scan limit', 18, 0],
    ['small sets', 16, 1],
    ['medium sets', 200, 2],
    ['large clustered sets', 3000, 3],
    ['IPv6 sets sharing their first three words', 3000, 4],
    ['small IPv6 sets sharing their first three words', 12, 4],
    ['large spread sets', 3000, 0],
  ] as const) {
    it(label, () => {
      const rand = rng(n * 7 + cluster);
      const rounds = n < 100 ? 150 : 3;
      for (let r = 0; r < rounds; r++) {
        const items = randomItems(rand, n, { v6Cluster: cluster });
        const s = new IpRangeSet(items);
        for (const q of probeAddresses(rand, items)) {
          if (s.has(q) !== naiveHas(items, q)) {
            throw new Error(`mismatch for ${formatIpAddress(q)} in ${items.length} items (round ${r})`);
          }
        }
        // The merged ranges are sorted, disjoint and non-adjacent within each family.
        const ranges = [...s.ranges()];
        for (let i = 1; i < ranges.length; i++) {
          const prev = ranges[i - 1];
          const cur = ranges[i];
          if (prev.last.family === cur.first.family) expect(big(prev.last) + 1n < big(cur.first)).toBe(true);
        }
        expect(s.size).toBe(ranges.length);
      }
    });
  }
});

describe('IpRangeSet at scale', () => {
  it('builds 100,000 mixed CIDRs quickly and answers correctly', () => {
    const rand = rng(100_000);
    const items: IpSetItem[] = [];
    for (let i = 0; i < 100_000; i++) {
      if (i % 2 === 0) {
        const p = 20 + (rand() % 13);
        items.push({ kind: 'cidr', address: maskIp(ipv4Address(rand()), p), prefix: p });
      } else {
        const p = 24 + (rand() % 41);
        const a = ipv6Address(0x20000000 | (rand() & 0x1fffffff), rand(), rand(), rand());
        items.push({ kind: 'cidr', address: maskIp(a, p), prefix: p });
      }
    }
    const t0 = performance.now();
    const s = new IpRangeSet(items);
    const elapsed = performance.now() - t0;
    // Generous bound: the target is ≤ 100 ms on the benchmark machine; CI boxes are noisy.
    expect(elapsed).toBeLessThan(1000);
    expect(s.itemCount).toBe(100_000);
    // Every item's first and last address is in; spot-check against the naive model.
    for (let i = 0; i < items.length; i += 97) {
      const b = bounds(items[i]);
      expect(s.has(fromBig(b.family, b.lo))).toBe(true);
      expect(s.has(fromBig(b.family, b.hi))).toBe(true);
    }
    const sample = items.filter((_, i) => i % 50 === 0);
    const sampleSet = new IpRangeSet(sample);
    for (let i = 0; i < 2000; i++) {
      const q = i % 2 === 0 ? ipv4Address(rand()) : ipv6Address(0x20000000 | (rand() & 0x1fffffff), rand(), 0, 0);
      expect(sampleSet.has(q)).toBe(naiveHas(sample, q));
    }
  });
});
