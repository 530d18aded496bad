/**
 * Grammar-aware expression arbitraries, generated from `grammar/rules.ebnf` over the fuzz
 * scheme's fields:
 *
 * - {@link ExpressionArbitraries.wellTyped}: expressions that must compile — every field type,
 *   every operator with its literal forms, sets, lists, `[n]`/`["k"]`/`[*]`, the built-in
 *   functions with valid arguments, `any`/`all`, `not`/`!`, groups and logical chains, and
 *   random whitespace (space, CR, LF; never before `[`);
 * - {@link ExpressionArbitraries.illTyped}: the same grammar with wrong leaves mixed in — type
 *   mismatches, wrong operators, bad literals, wrong argument counts and kinds, unknown names,
 *   misplaced `[*]`, invalid regexes and wildcards;
 * - {@link ExpressionArbitraries.soup}: random token sequences from the language's alphabet;
 * - {@link ExpressionArbitraries.deep}: nesting just below and above the depth limit.
 *
 * @module
 */
import fc from 'fast-check';
import { LISTS, typeName, type FuzzField, type FuzzType } from '../schemes.js';
import {
  bytesArgument,
  bytesLiteral,
  hexBytesDigitFirst,
  intLiteral,
  intSetItem,
  ipLiteral,
  ipSetItem,
  quotedString,
  rawString,
  regexArgument,
  regexLiteral,
  textQuotedString,
  wildcardPattern,
} from './literals.js';

type Arb = fc.Arbitrary<string>;
type Part = string | Arb;

/** Whitespace between tokens: mostly one space; also runs, LF and CRLF. */
const sp: Arb = fc.oneof({ weight: 12, arbitrary: fc.constant(' ') }, { weight: 1, arbitrary: fc.constantFrom('  ', '\n', '\r\n', ' \n  ', '\r') });
/** Optional whitespace next to punctuation. */
const sp0: Arb = fc.oneof({ weight: 6, arbitrary: fc.constant('') }, { weight: 2, arbitrary: sp });

/** Concatenates fixed text and arbitraries. */
export function cat(...parts: Part[]): Arb {
  return fc.tuple(...parts.map((p) => (typeof p === 'string' ? fc.constant(p) : p))).map((xs) => xs.join(''));
}

/** `first (sep next)*` with `count` items in [min, max]. */
function listOf(item: Arb, separator: Arb, min: number, max: number): Arb {
  return fc.tuple(fc.array(fc.tuple(item, separator), { minLength: min, maxLength: max }), item).map(([pairs, last]) => pairs.map(([i, s]) => i + s).join('') + last);
}

const pick = <T>(xs: readonly T[]): fc.Arbitrary<T> => fc.constantFrom(...xs);

const LOGICAL = ['and', 'or', 'xor', '&&', '||', '^^'];
const ORDERING_OPS = ['eq', 'ne', 'lt', 'le', 'gt', 'ge', '==', '!=', '<', '<=', '>', '>='];
const EQUALITY_OPS = ['eq', 'ne', '==', '!='];
const MAP_KEYS = ['"accept"', '"x-forwarded-for"', '"a"', '"id"', '"__proto__"', '"constructor"', '"prototype"', '"hasOwnProperty"', '""', '"acc\\x65pt"'];
const QUERY_FIELDS = ['http.request.uri.query', 'raw.http.request.uri.query'];

const arrayIndex: Arb = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 4 }).map(String) },
  { weight: 1, arbitrary: pick(['0x1', '010', '00', '0x0']) },
);
const mapKey: Arb = fc.oneof({ weight: 3, arbitrary: pick(MAP_KEYS) }, { weight: 1, arbitrary: textQuotedString });
const nonNegativeSmall = fc.integer({ min: 0, max: 5 }).map(String);

const SCALARS = ['Bytes', 'Int', 'Ip'] as const;
/** IP literals as function arguments: a letter-first IPv6 address would be lexed as a name. */
const ipArgument: Arb = ipLiteral.filter((ip) => /^[0-9:]/.test(ip));
type Scalar = (typeof SCALARS)[number];

/** The expression arbitraries for one set of fields. */
export interface ExpressionArbitraries {
  wellTyped: Arb;
  illTyped: Arb;
  soup: Arb;
  deep: Arb;
  /** A well-typed condition of at most `depth` levels. */
  condition(depth: number): Arb;
  /** A well-typed comparison whose left side is the given field (for missing-value checks). */
  fieldComparison(field: FuzzField): Arb | undefined;
}

/** Builds the arbitraries for `fields`. */
export function expressionArbitraries(fields: readonly FuzzField[]): ExpressionArbitraries {
  const byType = new Map<string, string[]>();
  for (const f of fields) byType.set(f.typeName, [...(byType.get(f.typeName) ?? []), f.name]);
  const allTypes = new Map<string, FuzzType>(fields.map((f) => [f.typeName, f.type]));
  const has = (t: string): boolean => (byType.get(t)?.length ?? 0) > 0;

  // --- values ---------------------------------------------------------------------------

  const valueMemo = new Map<string, Arb | undefined>();

  /** A non-literal value expression of type `t` (no `[*]`), nested at most `depth` levels. */
  function value(t: string, depth: number): Arb | undefined {
    const key = `${t}@${depth}`;
    if (valueMemo.has(key)) return valueMemo.get(key);
    valueMemo.set(key, undefined); // cycle guard while building
    const options: { weight: number; arbitrary: Arb }[] = [];
    const names = byType.get(t);
    if (names) options.push({ weight: 6, arbitrary: pick(names) });
    if (depth > 0) {
      // Indexing a container whose elements have type `t`.
      for (const [containerName, container] of allTypes) {
        if ((container.kind === 'Array' || container.kind === 'Map') && typeName(container.element) === t) {
          const object = value(containerName, depth - 1);
          if (object) options.push({ weight: 2, arbitrary: cat(object, '[', sp0, container.kind === 'Array' ? arrayIndex : mapKey, sp0, ']') });
        }
      }
      for (const call of calls(t, depth - 1)) options.push({ weight: 1, arbitrary: call });
    }
    const result = options.length === 0 ? undefined : fc.oneof(...options);
    valueMemo.set(key, result);
    return result;
  }

  const must = (t: string, depth: number): Arb => {
    const v = value(t, depth);
    if (!v) throw new Error(`no value of type ${t}`);
    return v;
  };

  /** A Bytes argument of kind `any`: a value or a literal. */
  const bytesAny = (d: number): Arb => fc.oneof(must('Bytes', d), bytesArgument);

  const call = (name: string, ...args: Arb[]): Arb => {
    const parts: Part[] = [name, '(', sp0];
    args.forEach((a, i) => {
      if (i > 0) parts.push(sp0, ',', sp0);
      parts.push(a);
    });
    parts.push(sp0, ')');
    return cat(...parts);
  };
  const optionalArgs = (name: string, required: Arb[], optional: Arb[]): Arb =>
    fc.integer({ min: 0, max: optional.length }).chain((n) => call(name, ...required, ...optional.slice(0, n)));

  /** Function calls returning `t` whose arguments nest at most `d` levels. */
  function calls(t: string, d: number): Arb[] {
    const B = (): Arb => must('Bytes', d);
    switch (t) {
      case 'Bytes': {
        const out: Arb[] = [
          call('lower', B()),
          call('upper', B()),
          optionalArgs('url_decode', [B()], [pick(['"r"', '"u"', '"ru"', '""', '"ur"'])]),
          optionalArgs('substring', [B(), fc.integer({ min: -12, max: 12 }).map(String)], [fc.oneof(fc.integer({ min: -12, max: 12 }).map(String), intLiteral)]),
          call('remove_bytes', B(), bytesArgument),
          fc.array(bytesAny(d), { minLength: 1, maxLength: 3 }).chain((rest) => call('concat', B(), ...rest.map((r) => fc.constant(r)))),
          fc.array(fc.oneof(quotedString, nonNegativeSmall), { minLength: 1, maxLength: 3 }).chain((keys) => call('lookup_json_string', B(), ...keys.map((k) => fc.constant(k)))),
          call('decode_base64', B()),
          optionalArgs('encode_base64', [bytesAny(d)], [pick(['"u"', '"p"', '"up"', '""'])]),
          call('sha256', bytesAny(d)),
          call('uuidv4', B()),
          call('regex_replace', B(), regexArgument, pick(['"x"', '"${1}"', '"$$"', '""', '"a${2}b${8}"'])),
          optionalArgs('wildcard_replace', [B(), wildcardPattern, pick(['"x"', '"${1}"', '"$$"', '""'])], [pick(['"s"', '""'])]),
          fc.array(pick(['"a"', '"utm_source"', '"é"', '"x y"']), { minLength: 1, maxLength: 3 }).chain((names) => call('remove_query_args', pick(QUERY_FIELDS.filter((q) => byType.get('Bytes')?.includes(q))), ...names.map((n) => fc.constant(n)))),
        ];
        const toStringArg = fc.oneof(...(['Int', 'Bool', 'Ip'] as const).map((x) => value(x, d)).filter((x): x is Arb => x !== undefined));
        out.push(call('to_string', toStringArg));
        if (value('Array<Bytes>', d)) out.push(call('join', must('Array<Bytes>', d), bytesArgument));
        return out;
      }
      case 'Int': {
        const lenArgs = [must('Bytes', d), ...[...allTypes.keys()].filter((x) => x.startsWith('Array<')).map((x) => value(x, d)).filter((x): x is Arb => x !== undefined)];
        const out: Arb[] = [
          call('len', fc.oneof(...lenArgs)),
          fc.array(fc.oneof(quotedString, nonNegativeSmall), { minLength: 1, maxLength: 3 }).chain((keys) => call('lookup_json_integer', B(), ...keys.map((k) => fc.constant(k)))),
        ];
        if (has('raw.packet.ip') || [...byType.values()].flat().includes('raw.packet.ip')) {
          out.push(
            fc
              .tuple(pick(['"ip"', '"tcp"', '"udp"']), fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 1, max: 32 }))
              .chain(([p, s, n]) => call('bit_slice', fc.constant(p), fc.constant(String(s)), fc.constant(String(Math.min(s + n, 2040))))),
          );
        }
        return out;
      }
      case 'Bool': {
        const out: Arb[] = [call('starts_with', B(), bytesAny(d)), call('ends_with', B(), bytesAny(d))];
        const maps = [...allTypes.keys()].filter((x) => x.startsWith('Map<')).map((x) => value(x, d)).filter((x): x is Arb => x !== undefined);
        if (maps.length > 0) out.push(call('has_key', fc.oneof(...maps), bytesAny(d)));
        for (const element of [...SCALARS, 'Bool']) {
          for (const container of [`Array<${element}>`, `Map<${element}>`]) {
            const collection = value(container, d);
            if (!collection) continue;
            const literal = element === 'Bytes' ? bytesArgument : element === 'Int' ? intLiteral : element === 'Ip' ? ipArgument : undefined;
            const elementValue = value(element, d);
            const arg = [literal, elementValue].filter((x): x is Arb => x !== undefined);
            if (arg.length > 0) out.push(call('has_value', collection, fc.oneof(...arg)));
          }
        }
        if (value('Int', d)) {
          out.push(
            optionalArgs(
              'is_timed_hmac_valid_v0',
              [quotedString, B(), fc.integer({ min: 0, max: 100000 }).map(String), must('Int', d)],
              [fc.integer({ min: 0, max: 64 }).map(String), pick(['"s"', '""'])],
            ),
          );
        }
        return out;
      }
      case 'Ip': {
        const ip = must('Ip', d);
        return [
          call('cidr', ip, fc.integer({ min: 1, max: 32 }).map(String), fc.integer({ min: 1, max: 128 }).map(String)),
          call('cidr6', ip, fc.integer({ min: 1, max: 128 }).map(String)),
        ];
      }
      case 'Array<Bytes>': {
        const separator = fc.oneof(pick(['","', '"-"', '"; "', '"=="', '"é"']), hexBytesDigitFirst);
        const out = [call('split', B(), separator, fc.integer({ min: 1, max: 128 }).map(String))];
        const arrays = byType.get('Array<Bytes>');
        if (arrays) out.push(fc.array(pick(arrays), { minLength: 2, maxLength: 3 }).chain((xs) => call('concat', ...xs.map((x) => fc.constant(x)))));
        return out;
      }
      default: {
        const arrays = byType.get(t);
        return t.startsWith('Array<') && arrays ? [fc.array(pick(arrays), { minLength: 2, maxLength: 3 }).chain((xs) => call('concat', ...xs.map((x) => fc.constant(x))))] : [];
      }
    }
  }

  // --- comparisons ----------------------------------------------------------------------

  const set = (item: Arb): Arb => cat('{', sp0, listOf(item, sp, 0, 5), sp0, '}');
  const list = (names: readonly string[]): Arb => pick(names.map((n) => `$${n}`));

  /** `op rhs` for a left side of scalar type `t`. */
  function rightSide(t: Scalar): Arb {
    switch (t) {
      case 'Bytes':
        return fc.oneof(
          { weight: 5, arbitrary: cat(pick([...ORDERING_OPS, 'contains']), sp, bytesLiteral) },
          { weight: 2, arbitrary: cat(pick(['matches', '~']), sp, regexLiteral) },
          { weight: 2, arbitrary: cat(pick(['wildcard', 'strict wildcard']), sp, wildcardPattern) },
          { weight: 2, arbitrary: cat('in', sp, set(bytesLiteral)) },
          { weight: 1, arbitrary: cat('in', sp, list(LISTS.Bytes)) },
        );
      case 'Int':
        return fc.oneof(
          { weight: 5, arbitrary: cat(pick(ORDERING_OPS), sp, intLiteral) },
          { weight: 2, arbitrary: cat('in', sp, set(intSetItem)) },
          { weight: 1, arbitrary: cat(pick(['&', 'bitwise_and']), sp, intLiteral) },
          { weight: 1, arbitrary: cat('in', sp, list(LISTS.Int)) },
        );
      case 'Ip':
        return fc.oneof(
          { weight: 3, arbitrary: cat(pick(EQUALITY_OPS), sp, ipLiteral) },
          { weight: 1, arbitrary: cat(pick(['lt', 'le', 'gt', 'ge']), sp, ipLiteral) },
          { weight: 3, arbitrary: cat('in', sp, set(ipSetItem)) },
          { weight: 1, arbitrary: cat('in', sp, list(LISTS.Ip)) },
        );
    }
  }

  function comparison(depth: number): Arb {
    const options: { weight: number; arbitrary: Arb }[] = [];
    for (const t of SCALARS) {
      const left = value(t, depth);
      if (left) options.push({ weight: 3, arbitrary: cat(left, sp, rightSide(t)) });
    }
    const bool = value('Bool', depth);
    if (bool) options.push({ weight: 1, arbitrary: bool });
    return fc.oneof(...options);
  }

  // --- element-wise ([*]) conditions ------------------------------------------------------

  /** Values of scalar type `t` that are element-wise: `x[*]`, `x[*][0]`, `f(x[*])[*]`. */
  function eachValue(t: Scalar): Arb | undefined {
    const options: Arb[] = [];
    for (const [name, type] of allTypes) {
      if (type.kind !== 'Array' && type.kind !== 'Map') continue;
      const fieldNames = byType.get(name)!;
      if (typeName(type.element) === t) options.push(cat(pick(fieldNames), '[*]'));
      const inner = type.element;
      if ((inner.kind === 'Array' || inner.kind === 'Map') && typeName(inner.element) === t) {
        options.push(cat(pick(fieldNames), '[*][', inner.kind === 'Array' ? arrayIndex : mapKey, ']'));
        options.push(cat(pick(fieldNames), '[*][*]'));
      }
    }
    if (options.length === 0) return undefined;
    const base = fc.oneof(...options);
    if (t === 'Bytes') {
      return fc.oneof(
        { weight: 3, arbitrary: base },
        { weight: 1, arbitrary: cat(pick(['lower', 'upper', 'url_decode', 'decode_base64', 'sha256']), '(', base, ')[*]') },
      );
    }
    if (t === 'Int') {
      const bytes = eachValue('Bytes');
      return bytes ? fc.oneof({ weight: 3, arbitrary: base }, { weight: 1, arbitrary: cat('len(', bytes, ')[*]') }) : base;
    }
    return base;
  }

  const eachComparison: Arb = fc.oneof(
    ...SCALARS.map((t) => eachValue(t)).flatMap((v, i) => (v ? [cat(v, sp, rightSide(SCALARS[i]!))] : [])),
    ...(eachValue('Bytes') ? [cat(pick(['starts_with', 'ends_with']), '(', eachValue('Bytes')!, ',', sp0, bytesArgument, ')')] : []),
  );

  /** A logical combination of element-wise comparisons. */
  const eachLogical: Arb = fc.letrec<{ term: string; logical: string }>((tie) => ({
    term: fc.oneof(
      { depthSize: 'small' },
      { weight: 4, arbitrary: eachComparison },
      { weight: 1, arbitrary: cat(pick(['not ', '!', '! ']), tie('term')) },
      { weight: 1, arbitrary: cat('(', sp0, tie('logical'), sp0, ')') },
    ),
    logical: listOf(tie('term'), cat(sp, pick(LOGICAL), sp), 0, 2),
  })).logical;

  /** The argument of `any(…)`/`all(…)`: a name starts a single comparison (spec §3.3). */
  const quantifierArgument: Arb = fc.oneof(
    { weight: 4, arbitrary: eachComparison },
    { weight: 1, arbitrary: cat('(', sp0, eachLogical, sp0, ')') },
    { weight: 1, arbitrary: cat(pick(['not ', '!']), eachComparison, fc.oneof(fc.constant(''), cat(sp, pick(LOGICAL), sp, eachComparison))) },
    ...(byType.get('Array<Bool>') ? [{ weight: 1, arbitrary: pick(byType.get('Array<Bool>')!) }] : []),
  );
  const quantifier: Arb = cat(pick(['any', 'all']), fc.constantFrom('', '', ' '), '(', sp0, quantifierArgument, sp0, ')');

  // --- conditions -----------------------------------------------------------------------

  const conditionMemo = new Map<number, Arb>();

  function condition(depth: number): Arb {
    const cached = conditionMemo.get(depth);
    if (cached) return cached;
    const leaf = fc.oneof(
      { weight: 8, arbitrary: comparison(Math.min(depth, 2)) },
      { weight: 2, arbitrary: quantifier },
      { weight: 1, arbitrary: fc.constant('true') },
    );
    if (depth <= 0) {
      conditionMemo.set(depth, leaf);
      return leaf;
    }
    const inner = condition(depth - 1);
    const result = fc.oneof(
      { weight: 5, arbitrary: leaf },
      { weight: 1, arbitrary: cat(pick(['not', '!']), fc.constantFrom(' ', ' ', '\n'), inner) },
      { weight: 1, arbitrary: cat('!', inner) },
      { weight: 2, arbitrary: cat('(', sp0, inner, sp0, ')') },
      { weight: 3, arbitrary: listOf(inner, cat(sp, pick(LOGICAL), sp), 1, 3) },
    );
    conditionMemo.set(depth, result);
    return result;
  }

  // `not`/`!` followed directly by `(` or a name is fine; `!` before `!=`-looking text is not
  // produced since conditions never start with `=`.
  const countRewrites = (s: string): number => (s.match(/\b(regex_replace|wildcard_replace)\(/g) ?? []).length;
  const wellTyped = cat(fc.constantFrom('', '', ' ', '\n'), condition(3), fc.constantFrom('', '', ' ', '\r\n')).filter((s) => countRewrites(s) <= 1);

  // --- ill-typed and broken input -------------------------------------------------------

  const allFieldNames = fields.map((f) => f.name);
  const FUNCTIONS = ['lower', 'upper', 'url_decode', 'substring', 'remove_bytes', 'concat', 'len', 'has_key', 'has_value', 'split', 'join', 'lookup_json_string', 'lookup_json_integer', 'decode_base64', 'encode_base64', 'sha256', 'regex_replace', 'wildcard_replace', 'remove_query_args', 'to_string', 'uuidv4', 'cidr', 'cidr6', 'is_timed_hmac_valid_v0', 'bit_slice', 'any', 'all'];
  const BAD_NAMES = ['http.hots', 'a..b', 'x.', 'http.request.headers.', 'notssl', 'ssl.', '_', 'any', 'all', 'true', 'false', 'null', 'contains', 'in'];
  const BAD_LITERALS = [
    '08', '1.5', '9223372036854775808', '-9223372036854775809', '0x', '0xg', '1e5', '256.0.0.1', '1.2.3', '10.0.0.1/8', '10.0.0.0/33',
    '2001:db8::/129', '1.2.3.4..1.2.3.3', '1.2.3.4..::1', '1:2:3', 'ab', '12', '1..', '..1', ':::', '-', '-0x1', '0777777777777777777777777',
    '"\\q"', '"\\x4"', '"\\400"', '"unterminated', 'r#"x"', 'r#' + '#'.repeat(300) + '"x"', "'single'", '"a\tb"', 'true', '$', '$a.', '$Upper', '$missing',
  ];
  const BAD_REGEXES = ['"("', '"a)"', '"[z-a]"', '"(?=a)"', '"(?<=a)b"', '"\\1"', '"a{2,1}"', '"é"', '"\\p{Nope}"', '"(?P<n>a)(?P<n>b)"', '"x{1000000}"', '"(((((a)))))"', '"a**"', '"\\"', '"[[:nope:]]"', '"(?u)\\w{1000}{1000}"'];
  const BAD_WILDCARDS = ['"**"', '"a**b"', '"\\\\q"', '"\\\\"', '"' + '*a'.repeat(300) + '"'];
  const anyLiteral: Arb = fc.oneof(bytesLiteral, intLiteral, ipLiteral, ipSetItem, rawString, pick(BAD_LITERALS), pick(BAD_REGEXES), pick(BAD_WILDCARDS));
  const anyOperator = pick([...ORDERING_OPS, 'contains', 'matches', '~', 'wildcard', 'strict wildcard', 'in', '&', 'bitwise_and', 'strict  wildcard', 'strictwildcard', 'eq eq', '===', '=', '!', '=~']);
  const anyValue: Arb = fc.oneof(
    { weight: 4, arbitrary: pick(allFieldNames) },
    { weight: 1, arbitrary: pick(BAD_NAMES) },
    { weight: 2, arbitrary: cat(pick(allFieldNames), pick(['[0]', '["a"]', '[*]', '[-1]', '[1.5]', '[r"a"]', '[ ]', ' [0]', '[0][0]', '["a"][*]', '[*][*][*]', '[99999999999999999999]'])) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(pick(FUNCTIONS), fc.array(fc.oneof(pick(allFieldNames), anyLiteral), { maxLength: 5 }))
        .map(([fn, args]) => `${fn}(${args.join(', ')})`),
    },
  );
  const badComparison: Arb = fc.oneof(
    { weight: 4, arbitrary: cat(anyValue, sp, anyOperator, sp, fc.oneof(anyLiteral, set(anyLiteral), pick(['$office_ips', '$bad_asns', '$partner_hosts', '$nope', '$']))) },
    { weight: 1, arbitrary: anyValue },
    { weight: 1, arbitrary: cat(pick(['any(', 'all(']), fc.oneof(anyValue, comparison(1), eachComparison, anyLiteral), ')') },
    { weight: 1, arbitrary: cat(eachComparison, sp, pick(LOGICAL), sp, comparison(1)) },
  );
  const illTyped: Arb = fc.letrec<{ c: string }>((tie) => ({
    c: fc.oneof(
      { depthSize: 'small' },
      { weight: 3, arbitrary: badComparison },
      { weight: 3, arbitrary: comparison(1) },
      { weight: 1, arbitrary: quantifier },
      { weight: 1, arbitrary: cat(pick(['not ', '!', 'not', '! ']), tie('c')) },
      { weight: 1, arbitrary: cat(pick(['(', '( ']), tie('c'), pick([')', ' )', '', '))'])) },
      { weight: 2, arbitrary: listOf(tie('c'), cat(sp, pick([...LOGICAL, 'nand', '&', '|', '^', 'and and', ',']), sp), 1, 3) },
    ),
  })).c;

  const TOKENS = [
    '(', ')', '[', ']', '{', '}', ',', '*', '[*]', 'not', '!', 'and', 'or', 'xor', '&&', '||', '^^', 'any(', 'all(', 'true',
    'eq', 'ne', 'lt', 'le', 'gt', 'ge', '==', '!=', '<', '<=', '>', '>=', 'contains', 'matches', '~', 'wildcard', 'strict wildcard', 'in', '&', 'bitwise_and',
    '$office_ips', '$', '"', 'r#"', '"#', '\\', '..', '/', ':', '::', '-', '.', '0x', '#', "'", ';', '@', '`', '=', '?', '%',
  ];
  const token: Arb = fc.oneof(
    { weight: 6, arbitrary: pick(TOKENS) },
    { weight: 3, arbitrary: pick(allFieldNames) },
    { weight: 1, arbitrary: pick(FUNCTIONS) },
    { weight: 3, arbitrary: anyLiteral },
    { weight: 1, arbitrary: regexLiteral },
    { weight: 1, arbitrary: pick(['\0', '\t', '\ud800', '\udfff', '\u2028', '😀', '\u00ff', '\ufeff', '\u00a0', '\u0085', '\x7f']) },
  );
  const soup: Arb = fc.array(fc.tuple(token, fc.oneof(fc.constant(' '), fc.constant(''), sp)), { minLength: 1, maxLength: 30 }).map((xs) => xs.map(([t, s]) => t + s).join(''));

  // Nesting around the default limit of 128 (and the regex nesting limit of 250).
  const wrapper = pick(['(', 'not ', '!', 'any(', 'lower(']);
  const deep: Arb = fc
    .tuple(fc.integer({ min: 100, max: 300 }), fc.array(wrapper, { minLength: 1, maxLength: 3 }), condition(1))
    .map(([n, kinds, inner]) => {
      let open = '';
      let close = '';
      for (let i = 0; i < n; i++) {
        const k = kinds[i % kinds.length]!;
        open += k;
        if (k.endsWith('(')) close = ')' + close;
      }
      return open + inner + close;
    });

  function fieldComparison(field: FuzzField): Arb | undefined {
    const t = field.typeName;
    if (t === 'Bytes' || t === 'Int' || t === 'Ip') return cat(field.name, sp, rightSide(t));
    if (t === 'Bool') return fc.constant(field.name);
    if (field.type.kind === 'Array' || field.type.kind === 'Map') {
      const element = typeName(field.type.element);
      if (element === 'Bytes' || element === 'Int' || element === 'Ip') return cat('any(', field.name, '[*]', sp, rightSide(element), ')');
      if (element === 'Bool') return cat(pick(['any(', 'all(']), field.name, ')');
      if (field.type.element.kind === 'Array' || field.type.element.kind === 'Map') return cat('any(', field.name, '[*][*] eq "x")');
    }
    return undefined;
  }

  return { wellTyped, illTyped, soup, deep, condition, fieldComparison };
}
