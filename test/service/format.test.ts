/**
 * The formatter never changes meaning and is idempotent: checked over every valid
 * expression of the conformance data, in both operator styles and at two widths; plus
 * golden examples of the layout.
 */
import { describe, expect, it } from 'vitest';
import { cloudflareScheme, parseExpression } from '../../src/index.js';
import { formatExpression, LanguageService, type FormatOptions } from '../../src/service/index.js';
import { canonicalAst, type Json } from '../../src/syntax/canonical.js';
import { conformanceFiles } from '../conformance/runner.js';

/** The canonical tree without positions: what the expression means, not where it is. */
function meaning(text: string, maxNestingDepth?: number): Json {
  const { ast, diagnostics } = parseExpression(text, { maxExpressionLength: Number.MAX_SAFE_INTEGER, maxNestingDepth });
  expect(diagnostics.filter((d) => d.severity === 'error'), text).toEqual([]);
  const strip = (value: Json): Json => {
    if (Array.isArray(value)) return value.map(strip);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => key !== 'span' && !key.endsWith('Span') && key !== 'contentStart')
        .map(([key, v]) => [key, strip(v)]),
    );
  };
  return strip(canonicalAst(ast!));
}

const valid = conformanceFiles().flatMap((file) =>
  file.cases.filter((c) => c.error === undefined).map((c) => ({ name: `${file.file}: ${c.name}`, expression: c.expression, depth: c.options?.maxNestingDepth })),
);

const styles: FormatOptions[] = [
  { operators: 'english', width: 100 },
  { operators: 'english', width: 20 },
  { operators: 'symbolic', width: 100 },
  { operators: 'symbolic', width: 20 },
];

describe('formatExpression over the conformance data', () => {
  it('has valid expressions to check', () => {
    expect(valid.length).toBeGreaterThan(900);
  });

  for (const options of styles) {
    it(`preserves meaning and is idempotent (${options.operators}, width ${options.width})`, () => {
      let changed = 0;
      for (const { name, expression, depth } of valid) {
        const formatted = formatExpression(expression, { ...options, maxNestingDepth: depth });
        expect(formatted, name).toBeTypeOf('string');
        expect(meaning(formatted!, depth), `${name}\n${expression}\n${formatted}`).toEqual(meaning(expression, depth));
        expect(formatExpression(formatted!, { ...options, maxNestingDepth: depth }), `${name}: idempotent`).toBe(formatted);
        if (formatted !== expression) changed++;
      }
      expect(changed).toBeGreaterThan(0);
    });
  }
});

const golden: { input: string; options?: FormatOptions; output: string }[] = [
  // Canonical spacing, operators spelled in the chosen style.
  { input: 'http.host==   "a"&&ssl', output: 'http.host eq "a" and ssl' },
  { input: 'http.host eq "a" and not ssl', options: { operators: 'symbolic' }, output: 'http.host == "a" && !ssl' },
  { input: '!ssl||ssl^^ssl', output: 'not ssl or ssl xor ssl' },
  {
    input: 'a eq 1 and b ne 1 and c lt 1 and d le 1 and e gt 1 and f ge 1 and g matches "x" and h bitwise_and 1',
    options: { operators: 'symbolic', width: 200 },
    output: 'a == 1 && b != 1 && c < 1 && d <= 1 && e > 1 && f >= 1 && g ~ "x" && h & 1',
  },
  { input: 'a contains "x" and b wildcard "*" and c strict wildcard "*" and d in {1 2}', options: { operators: 'symbolic' }, output: 'a contains "x" && b wildcard "*" && c strict wildcard "*" && d in {1 2}' },
  { input: 'a == 1 && b ~ "x" && c & 1', output: 'a eq 1 and b matches "x" and c bitwise_and 1' },
  // Literals exactly as written.
  { input: 'cf.edge.server_port  eq  0443', output: 'cf.edge.server_port eq 0443' },
  { input: 'http.host eq r#"a"b"#', output: 'http.host eq r#"a"b"#' },
  { input: 'http.request.uri.path ~ "^/a\\.b[\\"]"', output: 'http.request.uri.path matches "^/a\\.b[\\"]"' },
  { input: 'http.host eq "\\x41\\101"', output: 'http.host eq "\\x41\\101"' },
  { input: 'ip.src in {  10.0.0.0/8   fe80::1  192.0.2.1..192.0.2.9 }', output: 'ip.src in {10.0.0.0/8 fe80::1 192.0.2.1..192.0.2.9}' },
  { input: 'http.host eq 6f:72:67', output: 'http.host eq 6f:72:67' },
  // Structure: parentheses kept, calls, indexes, quantifiers.
  { input: '( ( ssl ) )', output: '((ssl))' },
  { input: 'not(ssl)', output: 'not (ssl)' },
  { input: 'not(ssl)', options: { operators: 'symbolic' }, output: '!(ssl)' },
  { input: 'any( http.request.headers["accept"][*]  contains "json" )', output: 'any(http.request.headers["accept"][*] contains "json")' },
  { input: 'lower( http.host )eq"a" and len(http.request.headers.names) gt 3', output: 'lower(http.host) eq "a" and len(http.request.headers.names) gt 3' },
  { input: 'substring(http.host,1,3) eq "a"', output: 'substring(http.host, 1, 3) eq "a"' },
  { input: 'true', output: 'true' },
  { input: '  \n ssl \n ', output: 'ssl' },
  // Long expressions: one operand per line, nested chains and groups indented.
  {
    input: 'http.host eq "example.com" and ip.src in {192.0.2.0/24} or not ssl and (cf.edge.server_port eq 443 or http.request.uri.path matches "^/admin")',
    options: { width: 50 },
    output: [
      'http.host eq "example.com"',
      '  and ip.src in {192.0.2.0/24}',
      'or not ssl',
      '  and (',
      '    cf.edge.server_port eq 443',
      '    or http.request.uri.path matches "^/admin"',
      '  )',
    ].join('\n'),
  },
  {
    input: '(http.request.uri.path contains "/wp-admin" or http.request.uri.path contains "/xmlrpc.php") and not cf.client.bot',
    options: { width: 60, indent: 4 },
    output: [
      '(',
      '    http.request.uri.path contains "/wp-admin"',
      '    or http.request.uri.path contains "/xmlrpc.php"',
      ')',
      'and not cf.client.bot',
    ].join('\n'),
  },
  {
    input: 'ip.src in {192.0.2.0/24 198.51.100.0/24 203.0.113.0/24 10.0.0.0/8} and ssl',
    options: { width: 40 },
    output: ['ip.src in {', '  192.0.2.0/24 198.51.100.0/24', '  203.0.113.0/24 10.0.0.0/8', '}', 'and ssl'].join('\n'),
  },
  {
    input: 'a eq 1 and b eq 2 and c eq 3',
    options: { width: 10, indent: '\t', operators: 'symbolic' },
    output: ['a == 1', '&& b == 2', '&& c == 3'].join('\n'),
  },
  { input: 'a eq 1 and b eq 2', options: { width: 17 }, output: 'a eq 1 and b eq 2' },
  { input: 'a eq 1 and b eq 2', options: { width: 16 }, output: 'a eq 1\nand b eq 2' },
];

describe('formatExpression goldens', () => {
  it.each(golden)('$input', ({ input, options, output }) => {
    expect(formatExpression(input, options)).toBe(output);
    expect(meaning(output)).toEqual(meaning(input));
  });

  it('gives undefined for syntax errors but formats unknown names', () => {
    expect(formatExpression('http.host eq')).toBeUndefined();
    expect(formatExpression('(ssl')).toBeUndefined();
    expect(formatExpression('a eq "x')).toBeUndefined();
    expect(formatExpression('')).toBeUndefined();
    expect(formatExpression('no.such.field  eq 1')).toBe('no.such.field eq 1');
  });

  it('formats expressions longer than the validation limit', () => {
    const long = Array.from({ length: 400 }, (_, i) => `http.host eq "h${i}"`).join(' or ');
    const formatted = formatExpression(long)!;
    expect(formatted.split('\n')).toHaveLength(400);
  });

  it('is available on the language service', () => {
    const service = new LanguageService(cloudflareScheme());
    expect(service.format('ssl&&ssl', { operators: 'english' })).toBe('ssl and ssl');
    expect(service.format('ssl and')).toBeUndefined();
  });
});
