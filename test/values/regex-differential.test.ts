/**
 * Differential test: the lazy DFA (and the native fast path) against the
 * built-in Pike VM, which compiles the HIR with the shapes of Rust's Thompson
 * compiler and therefore serves as an oracle for Rust's leftmost-first
 * semantics.
 */
import { describe, expect, it } from 'vitest';
import { createRandom } from '../../src/cli/random.js';
import { dfaSupports, LazyDfa } from '../../src/values/regex/dfa.js';
import { translate } from '../../src/values/regex/hir.js';
import { compileRegex, type CompiledRegex } from '../../src/values/regex/index.js';
import { parseRegex } from '../../src/values/regex/parser.js';
import { compileProgram, pikeSearch } from '../../src/values/regex/pikevm.js';

const ATOMS = [
  'a', 'b', 'c', 'A', '.', '\\d', '\\w', '\\W', '\\s', '[ab]', '[^a]', '[a-c&&[^b]]', '\\xE9', '\\xC3', '(?i:a)', '(?i:[b-c])',
  '\\b', '\\B', '^', '$', '(?m:^)', '(?m:$)', '\\A', '\\z', '(?s:.)', '(?u:.)', '(?u:é)', '(?u:[é-ü])', '(?u:\\w)',
  '\\b{start}', '\\b{end}', '\\b{start-half}', '\\b{end-half}', '\\n', '(?R:.)', '',
];

function genPattern(r: () => number, depth: number): string {
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  if (depth <= 0 || r() < 0.3) return pick(ATOMS);
  switch (Math.floor(r() * 6)) {
    case 0:
    case 1: {
      const n = 2 + Math.floor(r() * 2);
      return Array.from({ length: n }, () => genPattern(r, depth - 1)).join('');
    }
    case 2: {
      const n = 2 + Math.floor(r() * 2);
      return `(?:${Array.from({ length: n }, () => genPattern(r, depth - 1)).join('|')})`;
    }
    case 3:
      return `(${genPattern(r, depth - 1)})`;
    default: {
      const sub = `(?:${genPattern(r, depth - 1)})`;
      const q = pick(['*', '+', '?', '{2}', '{0,2}', '{1,3}', '{2,}', '{0}']);
      return sub + q + (r() < 0.3 ? '?' : '');
    }
  }
}

const BYTES = [0x61, 0x62, 0x63, 0x41, 0x0a, 0x0d, 0x20, 0xe9, 0xc3, 0xa9, 0x31, 0x5f];

function genInput(r: () => number): Uint8Array {
  const n = Math.floor(r() * 9);
  return Uint8Array.from({ length: n }, () => BYTES[Math.floor(r() * BYTES.length)]);
}

function must(pattern: string, engine: 'auto' | 'linear' | 'pikevm'): CompiledRegex {
  const res = compileRegex(pattern, { engine });
  if (!res.ok) throw new Error(`${pattern}: ${res.message}`);
  return res.regex;
}

describe('the lazy DFA and the native path agree with the Rust-shaped Pike VM', () => {
  it('on random patterns and inputs (test and exec)', () => {
    const r = createRandom(20240607);
    let compared = 0;
    for (let i = 0; i < 800; i++) {
      const pattern = genPattern(r, 4);
      const auto = must(pattern, 'auto');
      const linear = must(pattern, 'linear');
      const vm = must(pattern, 'pikevm');
      for (let j = 0; j < 12; j++) {
        const input = genInput(r);
        const where = `${JSON.stringify(pattern)} on [${Array.from(input).join(',')}]`;
        expect(linear.test(input), where).toBe(vm.test(input));
        expect(auto.test(input), where).toBe(vm.test(input));
        expect(auto.exec(input)?.groups, where).toEqual(vm.exec(input)?.groups);
        compared++;
      }
    }
    expect(compared).toBe(9600);
  });

  it('on unrolled repetitions of fixed-length sub-expressions', () => {
    const cases: readonly (readonly [string, string])[] = [
      ['^(a){1001}', 'a'.repeat(1010)],
      ['^(a){1000,1005}b', 'a'.repeat(1003) + 'b'],
      ['^(a){1000,1005}?', 'a'.repeat(1004)],
      ['^((?:ab){501}){2}c', 'ab'.repeat(1002) + 'c'],
      ['^(x(y)){0,1003}$', 'xy'.repeat(1002)],
    ];
    for (const [pattern, input] of cases) {
      expect(must(pattern, 'auto').exec(input), pattern).toEqual(must(pattern, 'pikevm').exec(input));
    }
  });
});

describe('the lazy DFA under cache pressure', () => {
  it('gives the Pike VM answers with a cache of 8 states, cleared again and again', () => {
    const r = createRandom(99);
    for (let i = 0; i < 300; i++) {
      const pattern = genPattern(r, 4);
      const parsed = parseRegex(pattern, { nestLimit: 250 });
      const hir = translate(parsed.ast, {});
      if (!dfaSupports(hir)) continue;
      const program = compileProgram(hir, parsed.captureCount);
      const tiny = new LazyDfa(program, 1);
      for (let j = 0; j < 10; j++) {
        const input = String.fromCharCode(...genInput(r), ...genInput(r), ...genInput(r));
        expect(tiny.test(input), `${JSON.stringify(pattern)} on ${JSON.stringify(input)}`).toBe(pikeSearch(program, input, false) !== undefined);
      }
    }
  });

  it('searches without the cache while it thrashes, and with it again once states settle', () => {
    const r = createRandom(5);
    let input = '';
    for (let i = 0; i < 20_000; i++) input += r() < 0.5 ? 'a' : 'b';
    for (const pattern of ['(?s-u:.)*a(?s-u:.){200}c', '[ab]*a[ab]{20}c', '(?s).{1,1000}x']) {
      const linear = must(pattern, 'linear');
      const vm = must(pattern, 'pikevm');
      expect(linear.test(input), pattern).toBe(vm.test(input));
      expect(linear.test(`${input}c`), pattern).toBe(vm.test(`${input}c`));
      expect(linear.test(`${input}x`), pattern).toBe(vm.test(`${input}x`));
    }
  });

  it('keeps many-state patterns linear and bounded: .{1,200}x and (a|b)*a(a|b){12}', () => {
    for (const [pattern, yes, no] of [
      ['.{1,200}x', `${'y'.repeat(50_000)}x`, 'y'.repeat(50_000)],
      ['(a|b)*a(a|b){12}', `${'ab'.repeat(25_000)}a${'b'.repeat(12)}`, 'b'.repeat(50_000)],
    ] as const) {
      const linear = must(pattern, 'linear');
      expect(linear.test(yes), pattern).toBe(true);
      expect(linear.test(no), pattern).toBe(false);
    }
  });
});
