/**
 * Arbitraries for every literal form of the Rules language (`grammar/rules.ebnf`): quoted
 * strings with every escape, raw strings with hashes, hex byte strings, integers in every
 * radix, IPv4/IPv6 addresses, CIDRs, ranges, regular expressions and wildcard patterns.
 * Everything generated here is a *valid* literal of its type.
 *
 * @module
 */
import fc from 'fast-check';

const hex2 = (n: number, upper = false): string => {
  const h = n.toString(16).padStart(2, '0');
  return upper ? h.toUpperCase() : h;
};

/** Characters allowed verbatim in a quoted string (no `"` and no `\`). */
const PLAIN_CHARS = [
  ...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
  ...' -_./:;,!?@#$%^&*()[]{}<>=+~`|\'',
  'é', 'ß', '中', '😀', '\u00a0', '\u2028', '\u2029', '\u200b', '\ufeff',
];

/** One unit of a quoted string: a plain character or an escape. */
const quotedUnit: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...PLAIN_CHARS) },
  { weight: 1, arbitrary: fc.constantFrom('\\"', '\\\\') },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 0, max: 255 }), fc.boolean()).map(([b, upper]) => `\\x${hex2(b, upper)}`) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0o377 }).map((b) => `\\${b.toString(8).padStart(3, '0')}`) },
);

/** `"…"` with escapes. */
export const quotedString: fc.Arbitrary<string> = fc
  .array(quotedUnit, { maxLength: 10 })
  .map((units) => `"${units.join('')}"`);

/** `r"…"`, `r#"…"#`, `r##"…"##`: with hashes the content may hold `"` (never followed by `#`). */
export const rawString: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 0, max: 3 }), fc.array(fc.constantFrom(...PLAIN_CHARS.filter((c) => c !== '#'), '\\', '\\x41', '\n', '"'), { maxLength: 8 }))
  .map(([hashes, chars]) => {
    const h = '#'.repeat(hashes);
    const content = chars.join('');
    return `r${h}"${hashes === 0 ? content.replaceAll('"', "'") : content}"${h}`;
  });

/** Hex byte strings: `61:62`, `de-ad-be-ef`, `01.02.03` (at least two bytes). */
export const hexBytes: fc.Arbitrary<string> = fc
  .tuple(fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 2, maxLength: 6 }), fc.constantFrom(':', '-', '.'), fc.boolean())
  .map(([bytes, sep, upper]) => bytes.map((b) => hex2(b, upper)).join(sep));

/**
 * Hex byte strings that start with a digit: where a name could also stand (function
 * arguments), a literal starting with a hex *letter* is lexed as a name (grammar: "letters
 * only where a literal must stand").
 */
export const hexBytesDigitFirst: fc.Arbitrary<string> = hexBytes.filter((h) => /^[0-9]/.test(h));

/** Quoted strings that decode to valid UTF-8 (map keys must be text). */
export const textQuotedString: fc.Arbitrary<string> = fc
  .array(fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...PLAIN_CHARS) }, { weight: 1, arbitrary: fc.constantFrom('\\"', '\\\\', '\\x41', '\\x7f', '\\000', '\\177') }), { maxLength: 8 })
  .map((units) => `"${units.join('')}"`);

/** A Bytes literal usable as a function argument (no letter-first hex bytes). */
export const bytesArgument: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: quotedString },
  { weight: 2, arbitrary: rawString },
  { weight: 2, arbitrary: hexBytesDigitFirst },
);

/** Any Bytes literal. */
export const bytesLiteral: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: quotedString },
  { weight: 2, arbitrary: rawString },
  { weight: 2, arbitrary: hexBytes },
);

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** An int64 value, biased to edges. */
export const int64: fc.Arbitrary<bigint> = fc.oneof(
  fc.bigInt({ min: -1000n, max: 1000n }),
  fc.bigInt({ min: INT64_MIN, max: INT64_MAX }),
  fc.constantFrom(0n, 1n, -1n, INT64_MIN, INT64_MAX, 2n ** 53n, -(2n ** 53n), 2n ** 53n + 1n, 255n, 65535n),
);

/** Int literals: decimal (signed), `0x` hex, leading-zero octal. */
export const intLiteral: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: int64.map(String) },
  { weight: 2, arbitrary: fc.tuple(fc.bigInt({ min: 0n, max: INT64_MAX }), fc.boolean()).map(([v, up]) => `0x${up ? v.toString(16).toUpperCase() : v.toString(16)}`) },
  { weight: 2, arbitrary: fc.bigInt({ min: 0n, max: INT64_MAX }).map((v) => `0${v.toString(8)}`) },
);

/** Int set items: literals and `a..b` ranges with a ≤ b. */
export const intSetItem: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: intLiteral },
  { weight: 1, arbitrary: fc.tuple(int64, int64).map(([a, b]) => (a <= b ? `${a}..${b}` : `${b}..${a}`)) },
);

// --- IP -------------------------------------------------------------------------------------

const v4Text = (n: number): string => [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');

function v6Text(value: bigint, compress: boolean): string {
  const groups: string[] = [];
  for (let i = 7; i >= 0; i--) groups.push(((value >> BigInt(i * 16)) & 0xffffn).toString(16));
  if (!compress) return groups.join(':');
  // Longest run (≥ 2) of zero groups becomes `::`.
  let best = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLength) {
      best = i;
      bestLength = j - i;
    }
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLength).join(':')}`;
}

const u32 = fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.constantFrom(0, 0xffffffff, 0x7f000001, 0xc0000201, 0x0a000000));
const u128 = fc.oneof(
  fc.bigInt({ min: 0n, max: 2n ** 128n - 1n }),
  fc.bigInt({ min: 0n, max: 0xffffn }),
  fc.constantFrom(0n, 1n, 2n ** 128n - 1n, 0x20010db8n << 96n, 0xffffn << 32n),
);

/** IPv4 addresses. */
export const ipv4: fc.Arbitrary<string> = u32.map(v4Text);
/** IPv6 addresses in compressed, full and IPv4-embedded forms. */
export const ipv6: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(u128, fc.boolean()).map(([v, c]) => v6Text(v, c)),
  u32.map((v) => `::ffff:${v4Text(v)}`),
  fc.ipV6(),
);
/** Any address. */
export const ipLiteral: fc.Arbitrary<string> = fc.oneof(ipv4, ipv6);

const cidr4 = fc.tuple(u32, fc.integer({ min: 0, max: 32 })).map(([v, p]) => {
  const mask = p === 0 ? 0 : (0xffffffff << (32 - p)) >>> 0;
  return `${v4Text((v & mask) >>> 0)}/${p}`;
});
const cidr6 = fc.tuple(u128, fc.integer({ min: 0, max: 128 }), fc.boolean()).map(([v, p, c]) => {
  const mask = p === 0 ? 0n : ((2n ** 128n - 1n) >> BigInt(128 - p)) << BigInt(128 - p);
  return `${v6Text(v & mask, c)}/${p}`;
});
const range4 = fc.tuple(u32, u32).map(([a, b]) => `${v4Text(Math.min(a, b))}..${v4Text(Math.max(a, b))}`);
const range6 = fc.tuple(u128, u128).map(([a, b]) => `${v6Text(a < b ? a : b, true)}..${v6Text(a < b ? b : a, true)}`);

/** IP set items: addresses, CIDRs (host bits clear) and ranges. */
export const ipSetItem: fc.Arbitrary<string> = fc.oneof(ipLiteral, cidr4, cidr6, range4, range6);

// --- patterns -------------------------------------------------------------------------------

const REGEX_LITERAL_CHARS = [...'abcxyzABC019 -_/,:=%@', '\\.', '\\*', '\\+', '\\?', '\\(', '\\)', '\\[', '\\]', '\\{', '\\}', '\\|', '\\^', '\\$', '\\\\', '\\x41', '\\x{7f}', '\\n', '\\t'];
const REGEX_CLASSES = ['.', '\\d', '\\w', '\\s', '\\D', '\\W', '\\S', '[a-z]', '[^0-9]', '[A-Za-z_.-]', '[[:alpha:]]', '[\\d\\s]', '[^\\n]', '(?u:\\pL)', '(?u:\\p{Greek})', '(?u:\\w)'];
const REGEX_ANCHORS = ['^', '$', '\\b', '\\B', '\\A', '\\z'];

const quantifier = fc.oneof(
  { weight: 4, arbitrary: fc.constant('') },
  { weight: 3, arbitrary: fc.constantFrom('*', '+', '?', '*?', '+?', '??') },
  { weight: 2, arbitrary: fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 5 }), fc.constantFrom(0, 1, 2)).map(([a, b, form]) => (form === 0 ? `{${a}}` : form === 1 ? `{${a},}` : `{${Math.min(a, b)},${Math.max(a, b)}}`)) },
);

/** Rust regular expressions (ASCII, valid in byte mode), as written inside a regex string. */
export const regexPattern: fc.Arbitrary<string> = fc.letrec<{ re: string; atom: string; seq: string }>((tie) => ({
  atom: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 5, arbitrary: fc.tuple(fc.constantFrom(...REGEX_LITERAL_CHARS), quantifier).map(([a, q]) => a + q) },
    { weight: 3, arbitrary: fc.tuple(fc.constantFrom(...REGEX_CLASSES), quantifier).map(([a, q]) => a + q) },
    { weight: 1, arbitrary: fc.constantFrom(...REGEX_ANCHORS) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.constantFrom('(', '(?:', '(?i:', '(?i)(', '(?s:', '(?-u:', '(?m:'), tie('re'), quantifier)
        .map(([open, inner, q]) => `${open}${inner})${q}`),
    },
  ),
  seq: fc.array(tie('atom'), { minLength: 1, maxLength: 4 }).map((atoms) => atoms.join('')),
  re: fc.array(tie('seq'), { minLength: 1, maxLength: 3 }).map((alternatives) => alternatives.join('|')),
})).re;

/**
 * A regex as a *function argument* (`regex_replace`): an ordinary string literal, so the
 * backslashes of a quoted form are doubled; or a raw string.
 */
export const regexArgument: fc.Arbitrary<string> = fc.oneof(
  regexPattern.map((p) => `r#"${p}"#`),
  regexPattern.map((p) => `"${p.replaceAll('\\', '\\\\')}"`),
);

/** A regex literal operand of `matches`: a regex string or a raw string. */
export const regexLiteral: fc.Arbitrary<string> = fc.oneof(
  regexPattern.map((p) => `"${p}"`),
  regexPattern.map((p) => `r#"${p}"#`),
  fc.constantFrom('"(?i)^(bot|crawler|spider)"', '"^/admin(/|$)"', 'r"\\.php$"', '"(a+)+$"', '"(a|aa)*b"', '"^(\\w+\\s?)*$"', '"(?u)\\w+"', '"[\\x00-\\xff]"', '"\\x{7f}\\xff"'),
);

const WILDCARD_CHARS = [...'abcXYZ019-_./:?=&%', 'é', '\\\\*', '\\\\\\\\'];

/** Wildcard patterns: non-empty segments between single stars, with `\*` and `\\` escapes. */
export const wildcardPattern: fc.Arbitrary<string> = fc
  .tuple(
    fc.boolean(),
    fc.array(fc.array(fc.constantFrom(...WILDCARD_CHARS), { minLength: 1, maxLength: 4 }).map((c) => c.join('')), { minLength: 1, maxLength: 4 }),
    fc.boolean(),
  )
  .map(([lead, segments, trail]) => `"${lead ? '*' : ''}${segments.join('*')}${trail ? '*' : ''}"`);
