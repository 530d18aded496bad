/**
 * docs/diagnostics.md documents every diagnostic code with an example; this test runs each
 * example against the conformance scheme and checks that it produces its code.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DIAGNOSTIC_CODES, Scheme, type SchemeOptions } from '../src/index.js';
import { conformanceScheme } from './conformance/runner.js';

const doc = readFileSync(new URL('../docs/diagnostics.md', import.meta.url), 'utf8');
const sections = [...doc.matchAll(/^## `([a-z-]+)`\n([\s\S]*?)(?=^## |(?![\s\S]))/gm)].map((m) => ({
  code: m[1]!,
  example: /^ {4}(\S.*)$/m.exec(m[2]!)?.[1],
}));
const scheme = new Scheme({
  ...conformanceScheme(),
  functions: {
    // A stand-in for a function Cloudflare offers only outside WAF custom rules.
    unavailable_in_waf: { params: [{ type: 'Bytes' }], returns: 'Bool', phases: ['http_request_transform'], call: () => false },
  },
});
/** Per-code options an example needs to trigger its diagnostic. */
const exampleOptions: Record<string, SchemeOptions> = {
  'expression-too-long': { maxExpressionLength: 64 },
  'nesting-limit-exceeded': { maxNestingDepth: 4 },
  'function-not-allowed-in-phase': { phase: 'http_request_firewall_custom' },
};

describe('docs/diagnostics.md', () => {
  it('documents every diagnostic code exactly once', () => {
    expect(sections.map((s) => s.code).sort()).toEqual(Object.keys(DIAGNOSTIC_CODES).sort());
  });

  for (const { code, example } of sections) {
    it(`${code}: its example produces it`, () => {
      expect(example, `no indented example under ${code}`).toBeDefined();
      const codes = scheme.validate(example!, exampleOptions[code] ?? {}).map((d) => d.code);
      expect(codes).toContain(code);
    });
  }
});
