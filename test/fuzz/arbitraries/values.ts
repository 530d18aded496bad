/**
 * Request values for the fuzz suite: values of every declared type (with hostile contents —
 * lone surrogates, NUL, U+2028, emoji, 0xFF bytes, int64 edges, IPv4/IPv6 text forms, map keys
 * such as `__proto__`), values of the wrong type, and whole value records for a scheme.
 *
 * @module
 */
import fc from 'fast-check';
import type { FuzzField, FuzzType } from '../schemes.js';

const HOSTILE_CHARS = ['\0', '\t', '\ud800', '\udbff', '\udc00', '\udfff', '\u2028', '\u2029', '😀', '\u00ff', '\ufeff', '\ufffd', '\r\n', '%', '%00', '%ff', '%u0041', '+', '"', '\\', '*', '{"a":', '[', ']'];

/** One "character" of a hostile string: any code point, or a hostile snippet. */
const hostileUnit: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_CHARS) },
);

/** Strings: ASCII, arbitrary Unicode, lone surrogates and hostile snippets. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.array(hostileUnit, { maxLength: 16 }).map((units) => units.join('')),
  fc.constantFrom('', 'www.Example.com', '/admin', 'a=1&b=2', '{"a":[1,"x"]}', '\ud800', 'é', 'ÿ', '%%%', 'A'.repeat(300)),
);

/** Byte arrays, including views into a larger buffer and Node Buffers. */
export const byteArray: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ maxLength: 16 }),
  fc.constantFrom(new Uint8Array([0xff, 0xfe]), new Uint8Array([0xc3]), new Uint8Array([0xed, 0xa0, 0x80]), new Uint8Array(0)),
  fc.tuple(fc.uint8Array({ minLength: 4, maxLength: 16 }), fc.nat(3)).map(([a, o]) => a.subarray(o, a.length - 1)),
  fc.uint8Array({ maxLength: 8 }).map((a) => Buffer.from(a)),
);

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Int values: safe numbers and int64 bigints, biased to edges. */
export const intValue: fc.Arbitrary<number | bigint> = fc.oneof(
  fc.integer({ min: -1000, max: 70000 }),
  fc.maxSafeInteger(),
  fc.bigInt({ min: INT64_MIN, max: INT64_MAX }),
  fc.constantFrom(0, -0, 443, 64500, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, INT64_MIN, INT64_MAX, 0n, 2n ** 53n + 1n),
);

/** IP address strings (valid forms) and some that are not addresses. */
export const ipValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.ipV4() },
  { weight: 4, arbitrary: fc.ipV6() },
  { weight: 1, arbitrary: fc.ipV4Extended() },
  { weight: 2, arbitrary: fc.constantFrom('203.0.113.7', '192.0.2.1', '2001:db8::1', '::ffff:192.0.2.1', '::', '::1', '0.0.0.0', '255.255.255.255', 'FE80::1', '2001:DB8::') },
  { weight: 1, arbitrary: fc.constantFrom('', '1.2.3', '256.1.1.1', 'fe80::1%eth0', ' 1.2.3.4', '1.2.3.4/24', '::ffff:1.2.3.4.5', '\ud800', '1.2.3.4\0') },
);

/** Map keys, with the names that break naive object lookups. */
export const mapKeyValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'valueOf', '__defineGetter__', 'length', '0', '') },
  { weight: 3, arbitrary: fc.constantFrom('accept', 'a', 'id', 'x-forwarded-for', 'Accept', 'é') },
  { weight: 2, arbitrary: hostileString },
);

/** Builds a map value: a plain object with own keys (even `__proto__`), a null-prototype object, or a `Map`. */
function toMap(entries: [string, unknown][], form: number): unknown {
  if (form === 0) return new Map(entries);
  const target: Record<string, unknown> = form === 1 ? Object.create(null) : {};
  for (const [k, v] of entries) Object.defineProperty(target, k, { value: v, enumerable: true, writable: true, configurable: true });
  return target;
}

/** Values of the wrong JavaScript type for `type`. */
export function wrongValue(type: FuzzType): fc.Arbitrary<unknown> {
  const pool: unknown[] = [
    null, undefined, true, false, 0, 1.5, -1, NaN, Infinity, -Infinity, 2 ** 64, 10n ** 30n, -(10n ** 30n), '', 'x', '1.2.3.4', '2001:db8::1',
    [], ['a'], [1], {}, { a: 1 }, new Map(), new Date(0), /x/, Symbol('s'), () => 1, new Uint16Array(2), new Int8Array(1), new ArrayBuffer(2), new DataView(new ArrayBuffer(1)), new Set([1]), Object.create(null), new Uint8Array(2),
    [[['deep']]], { __proto__: null, x: 1 }, new Error('e'), Promise.resolve(1),
  ];
  const wrong = pool.filter((v) => !fitsType(v, type) && v !== undefined);
  return fc.constantFrom(...wrong);
}

/** Whether `value` is a correctly typed public value of `type` (shallowly for containers). */
export function fitsType(value: unknown, type: FuzzType): boolean {
  switch (type.kind) {
    case 'Bytes':
      return typeof value === 'string' || value instanceof Uint8Array;
    case 'Int':
      // Integral numbers beyond 2^53 are accepted too when they fit int64.
      return (typeof value === 'number' && Number.isInteger(value) && value >= -(2 ** 63) && value < 2 ** 63) || (typeof value === 'bigint' && value >= INT64_MIN && value <= INT64_MAX);
    case 'Bool':
      return typeof value === 'boolean';
    case 'Ip':
      return typeof value === 'string';
    case 'Array':
      return Array.isArray(value);
    case 'Map':
      // "Maps are plain objects or Maps" (README).
      return value instanceof Map || Object.prototype.toString.call(value) === '[object Object]';
  }
}

const memo = new Map<string, fc.Arbitrary<unknown>>();

/** Correctly typed values of `type` (container elements are occasionally of the wrong type). */
export function typedValue(type: FuzzType): fc.Arbitrary<unknown> {
  const key = JSON.stringify(type);
  const cached = memo.get(key);
  if (cached) return cached;
  let arb: fc.Arbitrary<unknown>;
  switch (type.kind) {
    case 'Bytes':
      arb = fc.oneof({ weight: 3, arbitrary: hostileString }, { weight: 1, arbitrary: byteArray });
      break;
    case 'Int':
      arb = intValue;
      break;
    case 'Bool':
      arb = fc.boolean();
      break;
    case 'Ip':
      arb = ipValue;
      break;
    case 'Array': {
      const element = fc.oneof({ weight: 8, arbitrary: typedValue(type.element) }, { weight: 1, arbitrary: wrongValue(type.element) });
      arb = fc.array(element, { maxLength: 6 });
      break;
    }
    case 'Map': {
      const element = fc.oneof({ weight: 8, arbitrary: typedValue(type.element) }, { weight: 1, arbitrary: wrongValue(type.element) });
      arb = fc.tuple(fc.array(fc.tuple(mapKeyValue, element), { maxLength: 6 }), fc.nat(2)).map(([entries, form]) => toMap(entries, form));
      break;
    }
  }
  memo.set(key, arb);
  return arb;
}

/** A value record for `fields`: each field absent, well typed, or (rarely) of the wrong type. */
export function valueRecord(fields: readonly FuzzField[], wrongRate = 0.1): fc.Arbitrary<Record<string, unknown>> {
  const slot = (f: FuzzField): fc.Arbitrary<unknown> =>
    fc.oneof(
      { weight: 3, arbitrary: fc.constant(ABSENT) },
      { weight: Math.round(10 * (1 - wrongRate)), arbitrary: typedValue(f.type) },
      { weight: Math.max(1, Math.round(10 * wrongRate)), arbitrary: wrongValue(f.type) },
    );
  return fc.tuple(...fields.map(slot)).map((values) => {
    const record: Record<string, unknown> = {};
    values.forEach((v, i) => {
      if (v !== ABSENT) record[fields[i]!.name] = v;
    });
    return record;
  });
}

/** Marks an absent field in {@link valueRecord}. */
const ABSENT = Symbol('absent');

/**
 * A structural fingerprint of a value (for "the caller's objects are never modified"): covers
 * bytes, bigints, Maps, symbols, prototypes and property descriptors. Iterative: any depth.
 */
export function fingerprint(root: unknown): string {
  const out: string[] = [];
  const seen = new Set<unknown>();
  // Items are values to print, or `{ text }` markers to emit as they are.
  const stack: unknown[] = [root];
  const text = (t: string) => ({ [TEXT]: t });
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value === 'object' && value !== null && TEXT in value) {
      out.push((value as Record<symbol, string>)[TEXT]!);
      continue;
    }
    if (typeof value === 'bigint') out.push(`${value}n`);
    else if (typeof value === 'symbol') out.push(value.toString());
    else if (typeof value === 'function') out.push(`fn:${value.name}`);
    else if (typeof value === 'number') out.push(Object.is(value, -0) ? '-0' : String(value));
    else if (typeof value !== 'object' || value === null) out.push(JSON.stringify(value) ?? String(value));
    else if (seen.has(value)) out.push('<cycle>');
    else {
      seen.add(value);
      if (ArrayBuffer.isView(value)) {
        const bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
        out.push(`${value.constructor.name}[${value.byteOffset}:${value.byteLength}](${Array.from(bytes).join(',')})`);
        continue;
      }
      const parts: unknown[] = [];
      if (value instanceof Map) {
        parts.push(text('Map{'));
        for (const [k, v] of value) parts.push(k, text('=>'), v, text(','));
      } else if (value instanceof Set) {
        parts.push(text('Set{'));
        for (const v of value) parts.push(v, text(','));
      } else {
        const proto = Object.getPrototypeOf(value);
        parts.push(text(`${proto === null ? 'null' : (proto.constructor?.name ?? '?')}{`));
        for (const k of Reflect.ownKeys(value)) {
          const d = Object.getOwnPropertyDescriptor(value, k)!;
          parts.push(text(`${String(k)}${d.enumerable ? '' : '~'}${d.writable === false ? '!' : ''}:`));
          parts.push('value' in d ? d.value : text('accessor'), text(','));
        }
      }
      parts.push(text('}'));
      for (let i = parts.length - 1; i >= 0; i--) stack.push(parts[i]);
    }
  }
  return out.join('');
}

const TEXT = Symbol('text');
