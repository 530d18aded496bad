/**
 * The formatter's guarantees on generated expressions: random structure, every operator
 * spelling, every literal form (raw strings with line breaks, regex strings with escaped
 * quotes, bare literals that start with a hex letter, octal integers), random whitespace.
 */
import { describe, expect, it } from 'vitest';
import { parseExpression } from '../../src/index.js';
import { formatExpression } from '../../src/service/index.js';
import { canonicalAst, type Json } from '../../src/syntax/canonical.js';
import { mulberry32 as rng } from '../../src/cli/random.js';

function meaning(text: string): Json | undefined {
  const { ast, diagnostics } = parseExpression(text, { maxExpressionLength: Number.MAX_SAFE_INTEGER });
  if (ast === undefined || diagnostics.some((d) => d.severity === 'error')) return undefined;
  const strip = (value: Json): Json => {
    if (Array.isArray(value)) return value.map(strip);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(Object.entries(value).filter(([k]) => k !== 'span' && !k.endsWith('Span') && k !== 'contentStart').map(([k, v]) => [k, strip(v)]));
  };
  return strip(canonicalAst(ast));
}

class Generator {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = rng(seed);
  }
  private int(n: number): number {
    return this.next() % n;
  }
  private pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  /** Whitespace between tokens; sometimes none where tokens delimit themselves. */
  private space(optional: boolean): string {
    return this.pick(optional ? ['', ' ', '  ', '\n', ' \r\n '] : [' ', '  ', '\n', ' \n  ']);
  }
  private literal(): string {
    return this.pick([
      () => `"${this.pick(['', 'a', 'x y', '\\"q\\"', '\\\\', '\\x41', '\\101', 'é', 'line\nbreak'])}"`,
      () => this.rawString(),
      () => this.pick(['0', '443', '0443', '-12', '0x1F', '080', '9223372036854775807']),
      () => this.pick(['192.0.2.1', 'fe80::1', 'abcd::1', '::1', '2001:db8::', 'ab:cd:ef', '6F.72-67', '10.0.0.0/8']),
    ])();
  }
  private rawString(): string {
    const hashes = '#'.repeat(this.int(3));
    return `r${hashes}"${this.pick(['raw', 'a"b', 'multi\nline', '\\d+'])}"${hashes}`;
  }
  private value(depth: number): string {
    const base = this.pick(['http.host', 'ip.src', 'ssl', 'a.b', 'x', 'http.request.headers', 'notssl', 'any_field']);
    let out = base;
    if (depth < 3 && this.int(4) === 0) {
      const args = Array.from({ length: this.int(3) }, () => (this.int(2) === 0 ? this.literal() : this.argument(depth + 1)));
      out = `${this.pick(['lower', 'concat', 'f'])}(${this.space(true)}${args.join(`${this.space(true)},${this.space(true)}`)}${this.space(true)})`;
    }
    for (let i = this.int(3); i > 0; i--) out += `[${this.pick(['0', '12', '"key"', '*', '"a\\"b"'])}]`;
    return out;
  }
  private argument(depth: number): string {
    return this.int(3) === 0 ? `(${this.expression(depth + 1)})` : this.comparison(depth);
  }
  private comparison(depth: number): string {
    const value = this.value(depth);
    const form = this.int(6);
    if (form === 0) return value;
    const s = (): string => this.space(true);
    if (form === 1) return `${value}${this.space(false)}${this.pick(['in'])}${this.space(false)}{${s()}${Array.from({ length: this.int(4) }, () => this.literal()).join(this.space(false))}${s()}}`;
    if (form === 2) return `${value}${this.space(false)}in${this.space(false)}$${this.pick(['office', 'cf.vpn', 'a_b'])}`;
    if (form === 3) return `${value}${s()}${this.pick(['matches', '~'])}${this.space(false)}${this.pick(['"^/a\\.b[\\"]"', '"x\\"y"', this.rawString(), '"(?i)a|b"'])}`;
    const operator = this.pick(['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'contains', 'wildcard', 'strict wildcard', 'bitwise_and', '==', '!=', '<', '<=', '>', '>=', '&']);
    const symbolic = !/^[a-z]/.test(operator);
    return `${value}${symbolic ? s() : this.space(false)}${operator}${symbolic ? s() : this.space(false)}${this.literal()}`;
  }
  private unary(depth: number): string {
    const roll = this.int(10);
    if (depth < 5 && roll === 0) return `${this.pick(['not ', 'not\n', '!', '! '])}${this.unary(depth + 1)}`;
    if (depth < 5 && roll === 1) return `(${this.space(true)}${this.expression(depth + 1)}${this.space(true)})`;
    if (depth < 5 && roll === 2) return `${this.pick(['any', 'all'])}(${this.space(true)}${this.comparison(depth + 1)}${this.space(true)})`;
    if (roll === 3) return 'true';
    return this.comparison(depth);
  }
  expression(depth = 0): string {
    let out = this.unary(depth);
    for (let i = this.int(depth > 2 ? 2 : 5); i > 0; i--) {
      const operator = this.pick(['and', 'or', 'xor', '&&', '||', '^^']);
      const symbolic = !/^[a-z]/.test(operator);
      out += `${symbolic ? this.space(true) : this.space(false)}${operator}${symbolic ? this.space(true) : this.space(false)}${this.unary(depth)}`;
    }
    return out;
  }
}

describe('formatExpression on generated expressions', () => {
  it('never changes meaning and is idempotent', () => {
    const generator = new Generator(20_24);
    const widths = [8, 20, 40, 100, 1000];
    let checked = 0;
    for (let i = 0; i < 3000; i++) {
      const text = generator.expression();
      const expected = meaning(text);
      if (expected === undefined) continue;
      checked++;
      const options = { width: widths[i % widths.length], operators: i % 2 === 0 ? ('english' as const) : ('symbolic' as const) };
      const formatted = formatExpression(text, options);
      expect(formatted, text).toBeTypeOf('string');
      expect(meaning(formatted!), `${JSON.stringify(text)}\n=> ${JSON.stringify(formatted)}`).toEqual(expected);
      expect(formatExpression(formatted!, options), JSON.stringify(formatted)).toBe(formatted);
    }
    expect(checked).toBeGreaterThan(1000);
  });
});
