import { describe, expect, it } from 'vitest';
import { Scheme } from '../../src/index.js';
import { IpRangeSet } from '../../src/values/ip-set.js';
import { parseIpLiteral, toIpAddress, type IpSetItem } from '../../src/values/ip.js';

// The inline small-set closure (src/compile/small-ip-set.ts) against IpRangeSet.has, on
// boundary addresses (0, 2³¹ − 1, 2³¹, 2³² − 1, range ends ± 1) where the biased int32
// comparisons could go wrong.
const scheme = new Scheme({ fields: { 'ip.src': 'Ip' } });

let seed = 12345;
const rand = (n: number): number => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed % n;
};
const v4 = (x: number): string => [24, 16, 8, 0].map((s) => (x >>> s) & 255).join('.');
const hex = (x: number): string => (x >>> 0).toString(16);
const v6 = (w: number[]): string => w.flatMap((x) => [hex(x >>> 16), hex(x & 0xffff)]).join(':');
const interesting4 = [0, 1, 0x7fffffff, 0x80000000, 0x80000001, 0xfffffffe, 0xffffffff, 0xc0000200, 0xc00002ff];
const word = (): number => (rand(3) === 0 ? interesting4[rand(interesting4.length)]! : (rand(0x10000) * 0x10000 + rand(0x10000)) >>> 0);

function randomItem(): string {
  switch (rand(5)) {
    case 0:
      return v4(word());
    case 1: {
      const p = rand(33);
      const mask = p === 0 ? 0 : (0xffffffff << (32 - p)) >>> 0;
      return `${v4((word() & mask) >>> 0)}/${p}`;
    }
    case 2: {
      const a = word();
      const b = word();
      return `${v4(Math.min(a, b))}..${v4(Math.max(a, b))}`;
    }
    case 3: {
      const p = rand(3) === 0 ? rand(129) : rand(33);
      const w = [word(), word(), word(), word()];
      for (let k = 0; k < 4; k++) {
        const bits = Math.max(0, Math.min(32, p - 32 * k));
        w[k] = bits === 0 ? 0 : (w[k]! & ((0xffffffff << (32 - bits)) >>> 0)) >>> 0;
      }
      return `${v6(w)}/${p}`;
    }
    default:
      return v6([word(), rand(2) ? 0 : word(), 0, rand(2) ? 1 : 0]);
  }
}

describe('small IP sets compiled inline', () => {
  it('agree with IpRangeSet.has on boundary and random addresses', () => {
    for (let round = 0; round < 300; round++) {
      const texts = Array.from({ length: 1 + rand(5) }, randomItem);
      const items = texts.map((t) => parseIpLiteral(t, 'set')).flatMap((r) => (r.ok ? [r.item as IpSetItem] : []));
      if (items.length === 0) continue;
      const literal = items.map((_, i) => texts.filter((t) => parseIpLiteral(t, 'set').ok)[i]).join(' ');
      const set = IpRangeSet.fromItems(items);
      const filter = scheme.compile(`ip.src in {${literal}}`);
      const probes: string[] = [];
      for (const { first, last } of set.ranges()) {
        if (first.family === 4 && last.family === 4) {
          for (const x of [first.value - 1, first.value, last.value, last.value + 1]) if (x >= 0 && x <= 0xffffffff) probes.push(v4(x));
        } else if (first.family === 6 && last.family === 6) {
          probes.push(v6([first.w0, first.w1, first.w2, first.w3]), v6([last.w0, last.w1, last.w2, last.w3]), v6([first.w0, 0, 0, 0]), v6([last.w0, 0xffffffff, 0xffffffff, 0xffffffff]));
          if (first.w0 > 0) probes.push(v6([first.w0 - 1, 0xffffffff, 0xffffffff, 0xffffffff]));
          if (last.w0 < 0xffffffff) probes.push(v6([last.w0 + 1, 0, 0, 0]));
        }
      }
      for (const x of interesting4) probes.push(v4(x), v6([x, 0, 0, 0]), v6([x, 0xffffffff, 0xffffffff, 0xffffffff]));
      for (let k = 0; k < 10; k++) probes.push(v4(word()), v6([word(), word(), word(), word()]));
      for (const p of probes) {
        const expected = set.has(toIpAddress(p)!);
        expect(filter.execute({ 'ip.src': p }), `${p} in {${literal}}`).toBe(expected);
      }
      expect(filter.execute({})).toBe(false);
    }
  });
});
