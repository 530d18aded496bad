/**
 * Unicode data for `(?u)` mode: property classes, Perl classes, simple case
 * folding, and the translation of code point ranges into UTF-8 byte ranges.
 *
 * We do not ship Unicode tables. The JS engine already has them: a
 * `\p{…}`-with-`u` RegExp is run once per property (lazily, cached) over a
 * string holding every scalar value, and the matched runs are the property's
 * ranges. JS RegExp only ever sees that synthetic string, never user input,
 * so none of its backtracking risks apply. Property names follow Rust's
 * loose matching (UAX44-LM3: case, spaces, `_`, `-` and an `is` prefix are
 * ignored) and are mapped onto the canonical names JS accepts.
 *
 * @module
 */

import { ALL_SCALARS, canonicalize, type Ranges } from './intervals.js';

// ---------------------------------------------------------------------------
// Name tables. Each entry is "Canonical:alias:alias"; the canonical name is
// what JS's `\p{…}` accepts.

const GENERAL_CATEGORIES =
  'Cased_Letter:LC:L& Close_Punctuation:Pe Connector_Punctuation:Pc Control:Cc:cntrl ' +
  'Currency_Symbol:Sc Dash_Punctuation:Pd Decimal_Number:Nd:digit Enclosing_Mark:Me ' +
  'Final_Punctuation:Pf Format:Cf Initial_Punctuation:Pi Letter:L Letter_Number:Nl ' +
  'Line_Separator:Zl Lowercase_Letter:Ll Mark:M:Combining_Mark Math_Symbol:Sm Modifier_Letter:Lm ' +
  'Modifier_Symbol:Sk Nonspacing_Mark:Mn Number:N Open_Punctuation:Ps Other:C Other_Letter:Lo ' +
  'Other_Number:No Other_Punctuation:Po Other_Symbol:So Paragraph_Separator:Zp Private_Use:Co ' +
  'Punctuation:P:punct Separator:Z Space_Separator:Zs Spacing_Mark:Mc Surrogate:Cs Symbol:S ' +
  'Titlecase_Letter:Lt Unassigned:Cn Uppercase_Letter:Lu';

/** Binary properties that both Rust and ECMAScript support. */
const BINARY_PROPERTIES =
  'ASCII_Hex_Digit:AHex Alphabetic:Alpha Bidi_Control:Bidi_C Bidi_Mirrored:Bidi_M ' +
  'Case_Ignorable:CI Cased Changes_When_Casefolded:CWCF Changes_When_Casemapped:CWCM ' +
  'Changes_When_Lowercased:CWL Changes_When_NFKC_Casefolded:CWKCF Changes_When_Titlecased:CWT ' +
  'Changes_When_Uppercased:CWU Dash Default_Ignorable_Code_Point:DI Deprecated:Dep Diacritic:Dia ' +
  'Emoji Emoji_Component:EComp Emoji_Modifier:EMod Emoji_Modifier_Base:EBase ' +
  'Emoji_Presentation:EPres Extended_Pictographic:ExtPict Extender:Ext Grapheme_Base:Gr_Base ' +
  'Grapheme_Extend:Gr_Ext Hex_Digit:Hex IDS_Binary_Operator:IDSB IDS_Trinary_Operator:IDST ' +
  'ID_Continue:IDC ID_Start:IDS Ideographic:Ideo Join_Control:Join_C ' +
  'Logical_Order_Exception:LOE Lowercase:Lower Math Noncharacter_Code_Point:NChar ' +
  'Pattern_Syntax:Pat_Syn Pattern_White_Space:Pat_WS Quotation_Mark:QMark Radical ' +
  'Regional_Indicator:RI Sentence_Terminal:STerm Soft_Dotted:SD Terminal_Punctuation:Term ' +
  'Unified_Ideograph:UIdeo Uppercase:Upper Variation_Selector:VS White_Space:WSpace:space ' +
  'XID_Continue:XIDC XID_Start:XIDS';

/**
 * Binary properties Rust knows but ECMAScript RegExp does not expose; we
 * report them as unsupported rather than as unknown.
 */
const UNSUPPORTED_BINARY_PROPERTIES =
  'Other_Alphabetic:OAlpha Other_Default_Ignorable_Code_Point:ODI Other_Grapheme_Extend:OGr_Ext ' +
  'Other_ID_Continue:OIDC Other_ID_Start:OIDS Other_Lowercase:OLower Other_Math:OMath ' +
  'Other_Uppercase:OUpper Hyphen Prepended_Concatenation_Mark:PCM ' +
  'Full_Composition_Exclusion:Comp_Ex ID_Compat_Math_Continue ID_Compat_Math_Start ' +
  'IDS_Unary_Operator:IDSU Modifier_Combining_Mark:MCM';

/** Scripts (long name, then ISO 15924 aliases), as known to V8/ICU. */
const SCRIPTS =
  'Adlam:Adlm Ahom:Ahom Anatolian_Hieroglyphs:Hluw Arabic:Arab Armenian:Armn Avestan:Avst ' +
  'Balinese:Bali Bamum:Bamu Bassa_Vah:Bass Batak:Batk Bengali:Beng Beria_Erfe:Berf Bhaiksuki:Bhks ' +
  'Bopomofo:Bopo Brahmi:Brah Braille:Brai Buginese:Bugi Buhid:Buhd Canadian_Aboriginal:Cans ' +
  'Carian:Cari Caucasian_Albanian:Aghb Chakma:Cakm Cham:Cham Cherokee:Cher Chorasmian:Chrs ' +
  'Common:Zyyy Coptic:Copt:Qaac Cuneiform:Xsux Cypriot:Cprt Cypro_Minoan:Cpmn Cyrillic:Cyrl ' +
  'Deseret:Dsrt Devanagari:Deva Dives_Akuru:Diak Dogra:Dogr Duployan:Dupl ' +
  'Egyptian_Hieroglyphs:Egyp Elbasan:Elba Elymaic:Elym Ethiopic:Ethi Garay:Gara Georgian:Geor ' +
  'Glagolitic:Glag Gothic:Goth Grantha:Gran Greek:Grek Gujarati:Gujr Gunjala_Gondi:Gong ' +
  'Gurmukhi:Guru Gurung_Khema:Gukh Han:Hani Hangul:Hang Hanifi_Rohingya:Rohg Hanunoo:Hano ' +
  'Hatran:Hatr Hebrew:Hebr Hiragana:Hira Imperial_Aramaic:Armi Inherited:Qaai:Zinh ' +
  'Inscriptional_Pahlavi:Phli Inscriptional_Parthian:Prti Javanese:Java Kaithi:Kthi ' +
  'Kannada:Knda Katakana:Kana Kawi:Kawi Kayah_Li:Kali Kharoshthi:Khar Khitan_Small_Script:Kits ' +
  'Khmer:Khmr Khojki:Khoj Khudawadi:Sind Kirat_Rai:Krai Lao:Laoo Latin:Latn Lepcha:Lepc ' +
  'Limbu:Limb Linear_A:Lina Linear_B:Linb Lisu:Lisu Lycian:Lyci Lydian:Lydi Mahajani:Mahj ' +
  'Makasar:Maka Malayalam:Mlym Mandaic:Mand Manichaean:Mani Marchen:Marc Masaram_Gondi:Gonm ' +
  'Medefaidrin:Medf Meetei_Mayek:Mtei Mende_Kikakui:Mend Meroitic_Cursive:Merc ' +
  'Meroitic_Hieroglyphs:Mero Miao:Plrd Modi:Modi Mongolian:Mong Mro:Mroo Multani:Mult ' +
  'Myanmar:Mymr Nabataean:Nbat Nag_Mundari:Nagm Nandinagari:Nand New_Tai_Lue:Talu Newa:Newa ' +
  'Nko:Nkoo Nushu:Nshu Nyiakeng_Puachue_Hmong:Hmnp Ogham:Ogam Ol_Chiki:Olck Ol_Onal:Onao ' +
  'Old_Hungarian:Hung Old_Italic:Ital Old_North_Arabian:Narb Old_Permic:Perm Old_Persian:Xpeo ' +
  'Old_Sogdian:Sogo Old_South_Arabian:Sarb Old_Turkic:Orkh Old_Uyghur:Ougr Oriya:Orya ' +
  'Osage:Osge Osmanya:Osma Pahawh_Hmong:Hmng Palmyrene:Palm Pau_Cin_Hau:Pauc Phags_Pa:Phag ' +
  'Phoenician:Phnx Psalter_Pahlavi:Phlp Rejang:Rjng Runic:Runr Samaritan:Samr ' +
  'Saurashtra:Saur Sharada:Shrd Shavian:Shaw Siddham:Sidd Sidetic:Sidt SignWriting:Sgnw ' +
  'Sinhala:Sinh Sogdian:Sogd Sora_Sompeng:Sora Soyombo:Soyo Sundanese:Sund Sunuwar:Sunu ' +
  'Syloti_Nagri:Sylo Syriac:Syrc Tagalog:Tglg Tagbanwa:Tagb Tai_Le:Tale Tai_Tham:Lana ' +
  'Tai_Viet:Tavt Tai_Yo:Tayo Takri:Takr Tamil:Taml Tangsa:Tnsa Tangut:Tang Telugu:Telu ' +
  'Thaana:Thaa Thai:Thai Tibetan:Tibt Tifinagh:Tfng Tirhuta:Tirh Todhri:Todr Tolong_Siki:Tols ' +
  'Toto:Toto Tulu_Tigalari:Tutg Ugaritic:Ugar Unknown:Zzzz Vai:Vaii Vithkuqi:Vith Wancho:Wcho ' +
  'Warang_Citi:Wara Yezidi:Yezi Yi:Yiii Zanabazar_Square:Zanb';

/** Rust's UAX44-LM3 loose matching (`symbolic_name_normalize`). */
export function normalizeSymbolicName(name: string): string {
  let s = name;
  let startsWithIs = false;
  if (s.length >= 2 && s.slice(0, 2).toLowerCase() === 'is') {
    startsWithIs = true;
    s = s.slice(2);
  }
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (c === 0x20 || c === 0x5f || c === 0x2d) continue;
    if (c > 0x7f) continue; // Rust drops non-ASCII bytes
    out += c >= 0x41 && c <= 0x5a ? String.fromCharCode(c + 0x20) : ch;
  }
  // `isc` is the ISO_Comment alias, which would otherwise normalise to `c`.
  if (startsWithIs && out === 'c') out = 'isc';
  return out;
}

function buildTable(spec: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const entry of spec.split(' ')) {
    if (entry === '') continue;
    const names = entry.split(':');
    for (const n of names) map.set(normalizeSymbolicName(n), names[0]);
  }
  return map;
}

let gcTable: Map<string, string> | undefined;
let binaryTable: Map<string, string> | undefined;
let unsupportedBinaryTable: Map<string, string> | undefined;
let scriptTable: Map<string, string> | undefined;

function tables(): {
  gc: Map<string, string>;
  binary: Map<string, string>;
  unsupportedBinary: Map<string, string>;
  script: Map<string, string>;
} {
  gcTable ??= buildTable(GENERAL_CATEGORIES);
  binaryTable ??= buildTable(BINARY_PROPERTIES);
  unsupportedBinaryTable ??= buildTable(UNSUPPORTED_BINARY_PROPERTIES);
  scriptTable ??= buildTable(SCRIPTS);
  return { gc: gcTable, binary: binaryTable, unsupportedBinary: unsupportedBinaryTable, script: scriptTable };
}

/** Why a Unicode class could not be resolved. */
export type UnicodeClassFailure = 'propertyNotFound' | 'propertyValueNotFound' | { unsupported: string };

/** A Unicode class query as written in `\p{…}`. */
export type UnicodeQuery =
  | { readonly type: 'oneLetter'; readonly letter: string }
  | { readonly type: 'named'; readonly name: string }
  | { readonly type: 'namedValue'; readonly name: string; readonly value: string };

const rangeCache = new Map<string, Ranges>();

/**
 * Resolves a `\p{…}` query to code point ranges, following Rust's lookup
 * order: binary property, then general category, then script.
 */
export function unicodeClass(query: UnicodeQuery): Ranges | UnicodeClassFailure {
  try {
    return lookupUnicodeClass(query);
  } catch (e) {
    // A name from our tables that this JS engine's Unicode data lacks.
    if (e instanceof UnknownPropertyError) return 'propertyNotFound';
    throw e;
  }
}

function lookupUnicodeClass(query: UnicodeQuery): Ranges | UnicodeClassFailure {
  const t = tables();
  if (query.type === 'namedValue') {
    const prop = normalizeSymbolicName(query.name);
    const value = normalizeSymbolicName(query.value);
    switch (prop) {
      case 'gc':
      case 'generalcategory':
        return generalCategory(value) ?? 'propertyValueNotFound';
      case 'sc':
      case 'script': {
        const s = t.script.get(value);
        return s === undefined ? 'propertyValueNotFound' : property(`\\p{Script=${s}}`);
      }
      case 'scx':
      case 'scriptextensions': {
        const s = t.script.get(value);
        return s === undefined ? 'propertyValueNotFound' : property(`\\p{Script_Extensions=${s}}`);
      }
      case 'age':
      case 'gcb':
      case 'graphemeclusterbreak':
      case 'wb':
      case 'wordbreak':
      case 'sb':
      case 'sentencebreak':
        return { unsupported: `the Unicode property ${query.name}` };
      default:
        // A known (binary) property with a value is not something Rust supports either.
        return t.binary.has(prop) || t.unsupportedBinary.has(prop) ? 'propertyValueNotFound' : 'propertyNotFound';
    }
  }
  const norm = normalizeSymbolicName(query.type === 'oneLetter' ? query.letter : query.name);
  // `cf`, `sc` and `lc` are both property aliases and general categories; Rust picks the category.
  if (norm !== 'cf' && norm !== 'sc' && norm !== 'lc') {
    const b = t.binary.get(norm);
    if (b !== undefined) return property(`\\p{${b}}`);
    const u = t.unsupportedBinary.get(norm);
    if (u !== undefined) return { unsupported: `the Unicode property ${u}` };
  }
  const gc = generalCategory(norm);
  if (gc !== undefined) return gc;
  const s = t.script.get(norm);
  if (s !== undefined) return property(`\\p{Script=${s}}`);
  return 'propertyNotFound';
}

function generalCategory(norm: string): Ranges | undefined {
  if (norm === 'any') return ALL_SCALARS;
  if (norm === 'ascii') return [0, 0x7f];
  if (norm === 'assigned') return property('\\P{Cn}');
  const gc = tables().gc.get(norm);
  return gc === undefined ? undefined : property(`\\p{General_Category=${gc}}`);
}

/**
 * Held weakly: the string is 4 MB and only needed while compiling patterns
 * that use new properties; results are cached in {@link rangeCache}.
 */
let allScalars: WeakRef<{ readonly s: string }> | undefined;

/** A string containing every Unicode scalar value once, in order. */
function allScalarsString(): string {
  const cached = allScalars?.deref();
  if (cached !== undefined) return cached.s;
  const bmp = 0x10000 - 0x800;
  const units = new Uint16Array(bmp + 2 * 0x100000);
  let k = 0;
  for (let c = 0; c < 0x10000; c++) if (c < 0xd800 || c > 0xdfff) units[k++] = c;
  for (let c = 0x10000; c <= 0x10ffff; c++) {
    const v = c - 0x10000;
    units[k++] = 0xd800 + (v >> 10);
    units[k++] = 0xdc00 + (v & 0x3ff);
  }
  const holder = { s: new TextDecoder('utf-16le').decode(units) };
  allScalars = new WeakRef(holder);
  return holder.s;
}

/**
 * Code point ranges matched by a JS `\p{…}`/`[…]` expression (with the `u`
 * flag), computed once and cached.
 *
 * @throws {UnknownPropertyError} if this JS engine does not know the name.
 */
export function property(expr: string): Ranges {
  const cached = rangeCache.get(expr);
  if (cached !== undefined) return cached;
  let re: RegExp;
  try {
    re = new RegExp(`(?:${expr})+`, 'gu');
  } catch {
    rangeCache.set(expr, []);
    throw new UnknownPropertyError(expr);
  }
  const s = allScalarsString();
  const out: number[] = [];
  for (let m = re.exec(s); m !== null; m = re.exec(s)) {
    const start = s.codePointAt(m.index) as number;
    const lastUnit = m.index + m[0].length - 1;
    const last = s.charCodeAt(lastUnit);
    const end = last >= 0xdc00 && last <= 0xdfff ? (s.codePointAt(lastUnit - 1) as number) : last;
    // Runs are contiguous in the string; only the surrogate gap needs splitting.
    if (start <= 0xd7ff && end >= 0xe000) out.push(start, 0xd7ff, 0xe000, end);
    else out.push(start, end);
  }
  const ranges = canonicalize(out);
  rangeCache.set(expr, ranges);
  return ranges;
}

/** Thrown by {@link property} when the JS engine rejects a property expression. */
export class UnknownPropertyError extends Error {
  constructor(readonly expr: string) {
    super(`unknown Unicode property ${expr}`);
  }
}

/** Unicode `\d` (Rust: `Decimal_Number`). */
export function perlDigit(): Ranges {
  return property('\\p{Nd}');
}

/** Unicode `\s` (Rust: `White_Space`). */
export function perlSpace(): Ranges {
  return property('\\p{White_Space}');
}

/** Unicode `\w` (Rust: Alphabetic, Mark, Decimal_Number, Connector_Punctuation, Join_Control). */
export function perlWord(): Ranges {
  return property('[\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\p{Join_Control}]');
}

// ---------------------------------------------------------------------------
// Simple case folding.

/** Sorted code points that have a non-trivial simple case folding orbit. */
let foldKeys: Int32Array | undefined;
/** `foldOrbits[i]` = the orbit (all members, sorted) of `foldKeys[i]`. */
let foldOrbits: (readonly number[])[] | undefined;

/**
 * Builds the simple case folding orbits from the JS engine: candidate pairs
 * come from single-code-point `toUpperCase`/`toLowerCase` results and are
 * kept only when a case-insensitive Unicode RegExp agrees they match (JS
 * `iu` matching is defined by exactly the simple/common case foldings Rust
 * uses). Orbits are the connected components of the verified pairs.
 */
function buildFoldTable(): void {
  const parent = new Map<number, number>();
  const find = (x: number): number => {
    let r = x;
    while (parent.has(r) && parent.get(r) !== r) r = parent.get(r) as number;
    // path compression
    let y = x;
    while (y !== r) {
      const next = parent.get(y) as number;
      parent.set(y, r);
      y = next;
    }
    return r;
  };
  const unite = (a: number, b: number): void => {
    if (!parent.has(a)) parent.set(a, a);
    if (!parent.has(b)) parent.set(b, b);
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(ra, rb);
  };
  const single = (s: string): number | undefined => {
    const c = s.codePointAt(0);
    return c !== undefined && String.fromCodePoint(c).length === s.length ? c : undefined;
  };
  const escape = (c: number): string => `\\u{${c.toString(16)}}`;
  for (let c = 0; c <= 0x1ffff; c++) {
    if (c >= 0xd800 && c <= 0xdfff) continue;
    const s = String.fromCodePoint(c);
    const lower = s.toLowerCase();
    const upper = s.toUpperCase();
    if (lower === s && upper === s) continue;
    const candidates = new Set<number>();
    for (const t of [lower, upper, upper.toLowerCase(), lower.toUpperCase()]) {
      const d = single(t);
      if (d !== undefined && d !== c) candidates.add(d);
    }
    for (const d of candidates) {
      if (new RegExp(`^${escape(c)}$`, 'iu').test(String.fromCodePoint(d))) unite(c, d);
    }
  }
  const groups = new Map<number, number[]>();
  for (const c of parent.keys()) {
    const r = find(c);
    let g = groups.get(r);
    if (g === undefined) groups.set(r, (g = []));
    g.push(c);
  }
  const keys: number[] = [];
  const orbitOf = new Map<number, number[]>();
  for (const g of groups.values()) {
    if (g.length < 2) continue;
    g.sort((a, b) => a - b);
    for (const c of g) {
      keys.push(c);
      orbitOf.set(c, g);
    }
  }
  keys.sort((a, b) => a - b);
  foldKeys = Int32Array.from(keys);
  foldOrbits = keys.map((k) => orbitOf.get(k) as number[]);
}

/** Adds every simple case folding equivalent of every member (Rust's `case_fold_simple`). */
export function unicodeCaseFold(a: Ranges): Ranges {
  if (foldKeys === undefined) buildFoldTable();
  const keys = foldKeys as Int32Array;
  const orbits = foldOrbits as (readonly number[])[];
  const extra: number[] = [];
  for (let i = 0; i < a.length; i += 2) {
    // First key >= a[i].
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (keys[mid] < a[i]) lo = mid + 1;
      else hi = mid;
    }
    for (let k = lo; k < keys.length && keys[k] <= a[i + 1]; k++) {
      for (const c of orbits[k]) extra.push(c, c);
    }
  }
  return extra.length === 0 ? a : canonicalize([...a, ...extra]);
}

/** Whether `c` has any simple case folding equivalent other than itself. */
export function hasCaseMapping(c: number): boolean {
  if (foldKeys === undefined) buildFoldTable();
  const keys = foldKeys as Int32Array;
  let lo = 0;
  let hi = keys.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (keys[mid] < c) lo = mid + 1;
    else if (keys[mid] > c) hi = mid - 1;
    else return true;
  }
  return false;
}

// ---------------------------------------------------------------------------
// UTF-8.

/** One UTF-8 sequence: per byte position, an inclusive byte range `[lo, hi]`. */
export type Utf8Sequence = readonly (readonly [number, number])[];

function encodeUtf8(c: number): number[] {
  if (c < 0x80) return [c];
  if (c < 0x800) return [0xc0 | (c >> 6), 0x80 | (c & 0x3f)];
  if (c < 0x10000) return [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)];
  return [0xf0 | (c >> 18), 0x80 | ((c >> 12) & 0x3f), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)];
}

/** UTF-8 encoding of a scalar value. */
export function utf8Bytes(c: number): number[] {
  return encodeUtf8(c);
}

/**
 * Splits a range of scalar values into UTF-8 byte-range sequences (the
 * algorithm of Rust's `regex_syntax::utf8::Utf8Sequences`): every sequence
 * matches exactly the encodings of a sub-range, and together they match
 * exactly the encodings of `[start, end]`.
 */
export function utf8Sequences(start: number, end: number): Utf8Sequence[] {
  const out: Utf8Sequence[] = [];
  const stack: [number, number][] = [[start, end]];
  while (stack.length > 0) {
    let [s, e] = stack.pop() as [number, number];
    inner: for (;;) {
      // Surrogates are not scalar values; skip them.
      if (s <= 0xdfff && e >= 0xd800) {
        if (e > 0xdfff) stack.push([0xe000, e]);
        if (s >= 0xd800) break inner;
        e = 0xd7ff;
      }
      if (e < s) break inner;
      // Split at encoded-length boundaries.
      for (const max of [0x7f, 0x7ff, 0xffff]) {
        if (s <= max && max < e) {
          stack.push([max + 1, e]);
          e = max;
          continue inner;
        }
      }
      if (e <= 0x7f) {
        out.push([[s, e]]);
        break inner;
      }
      // Split until every continuation byte position is a full or aligned range.
      for (let i = 1; i < 4; i++) {
        const m = (1 << (6 * i)) - 1;
        if ((s & ~m) !== (e & ~m)) {
          if ((s & m) !== 0) {
            stack.push([(s | m) + 1, e]);
            e = s | m;
            continue inner;
          }
          if ((e & m) !== m) {
            stack.push([e & ~m, e]);
            e = (e & ~m) - 1;
            continue inner;
          }
        }
      }
      const a = encodeUtf8(s);
      const b = encodeUtf8(e);
      out.push(a.map((x, i) => [x, b[i]] as const));
      break inner;
    }
  }
  out.sort((x, y) => x[0][0] - y[0][0]);
  return out;
}
