/**
 * The set structures behind `in {…}` and `in $list`: literal sets and managed lists are
 * shaped once, at compile time, into the structure their membership test is fastest on
 * (range sets for `Int` and `Ip`, a string `Set` for `Bytes`, a packed array for a handful
 * of ASCII texts or plain integers, exact and suffix sets for hostname lists).
 *
 * @module
 */
import type { CheckedListItem, ListInfo, SetItems } from '../check/checked.js';
import { asciiLowerString, decodeUtf8Strict, internString, isBytesValue, type BytesLiteral, type BytesValue } from '../values/bytes.js';
import type { IntSetItem } from '../values/int.js';
import { IntRangeSet } from '../values/int-set.js';
import type { IpAddress } from '../values/ip.js';
import { IpRangeSet } from '../values/ip-set.js';
import type { TestFn } from './compiler.js';

/** Membership in a set of byte strings: text members in a `Set`, non-UTF-8 members apart. */
class BytesSet {
  private readonly texts = new Set<string>();
  private readonly binaries: BytesLiteral[] = [];

  constructor(items: readonly BytesLiteral[]) {
    for (const item of items) {
      if (item.text !== undefined) this.texts.add(item.text);
      else this.binaries.push(item);
    }
  }

  has(value: BytesValue): boolean {
    // Ill-formed text (lone surrogates) compares as its UTF-8, i.e. with U+FFFD.
    if (typeof value === 'string') return this.texts.has(value) || (!value.isWellFormed() && this.texts.has(value.toWellFormed()));
    const text = decodeUtf8Strict(value);
    if (text !== undefined) return this.texts.has(text);
    return this.binaries.some((b) => b.equals(value));
  }
}

/**
 * Whether `bytes` are valid UTF-8 spelling one of `texts`: the byte-array side of the inline
 * text sets. Out of line, so their closures stay small enough for V8 to inline them into the
 * closures of `and`/`or` (with the decoding written inline, a 10-clause condition ran twice as
 * long).
 */
export function bytesSpellOneOf(bytes: Uint8Array, texts: readonly string[]): boolean {
  const text = decodeUtf8Strict(bytes);
  return text !== undefined && texts.includes(text);
}

/** Membership in the range set of `items`, built on the first call. */
function lazyIntMembers(items: readonly IntSetItem[]): (v: bigint) => boolean {
  let members: IntRangeSet | undefined;
  return (v) => (members ??= IntRangeSet.fromItems(items)).has(v);
}

/** Sets up to this size are scanned linearly. */
const SMALL_SET = 8;

/** The membership test of a set literal (`in {…}`) on a present left-hand value. */
export function setTest(set: SetItems): TestFn {
  switch (set.type) {
    case 'Bytes': {
      // Small sets of ASCII text (methods, versions, country codes): a packed array scan;
      // an ill-formed string cannot equal ASCII text, so strings need no other check, and a
      // byte array is a member when it is valid UTF-8 spelling one of the texts (as in BytesSet,
      // which is not built here: building it was most of the cost of compiling such a set).
      if (set.items.length <= SMALL_SET && set.items.every((i) => i.ascii && i.text !== undefined)) {
        const texts = set.items.map((i) => internString(i.text!));
        return (v) => (typeof v === 'string' ? texts.includes(v) : v instanceof Uint8Array && bytesSpellOneOf(v, texts));
      }
      const members = new BytesSet(set.items);
      return (v) => isBytesValue(v) && members.has(v);
    }
    case 'Int': {
      // Small sets of plain values (ports, status codes): a packed array scan beats the
      // range set's bounds checks and binary search. The range set is built only if a bigint
      // ever comes.
      if (set.items.length <= SMALL_SET && set.items.every((i) => i.kind === 'value' && typeof i.value === 'number')) {
        const values = set.items.map((i) => (i as { value: number }).value);
        const big = lazyIntMembers(set.items);
        return (v) => (typeof v === 'number' ? values.includes(v) : typeof v === 'bigint' && big(v));
      }
      const members = IntRangeSet.fromItems(set.items);
      return (v) => (typeof v === 'number' || typeof v === 'bigint') && members.has(v);
    }
    case 'Ip': {
      const members = IpRangeSet.fromItems(set.items);
      return (v) => members.has(v as IpAddress);
    }
  }
}

/** Hostname list membership: exact names and `*.suffix` entries, ASCII case-insensitive. */
class HostnameSet {
  private readonly exact = new Set<string>();
  private readonly suffixes = new Set<string>();

  constructor(items: readonly CheckedListItem[]) {
    for (const item of items) {
      if (item.kind !== 'hostname') continue;
      (item.wildcard ? this.suffixes : this.exact).add(item.host.toLowerCase());
    }
  }

  has(value: BytesValue): boolean {
    const text = typeof value === 'string' ? value : decodeUtf8Strict(value);
    const host = text === undefined ? undefined : asciiLowerString(text);
    if (host === undefined) return false;
    if (this.exact.has(host)) return true;
    // `*.example.com` matches any name ending in `.example.com`, not the apex.
    for (let dot = host.indexOf('.'); dot >= 0; dot = host.indexOf('.', dot + 1)) {
      if (this.suffixes.has(host.slice(dot + 1))) return true;
    }
    return false;
  }
}

/** One test per list: every filter of a scheme that names the list shares its structure. */
const listTests = new WeakMap<ListInfo, TestFn>();

/** The membership test of a managed list (`in $name`) on a present left-hand value. */
export function listTest(list: ListInfo): TestFn {
  let test = listTests.get(list);
  if (test !== undefined) return test;
  switch (list.type.kind) {
    case 'Ip': {
      const members = IpRangeSet.fromItems(list.items.flatMap((i) => (i.kind === 'ip' ? [i.item] : [])));
      test = (v) => members.has(v as IpAddress);
      break;
    }
    case 'Int': {
      const members = IntRangeSet.fromItems(list.items.flatMap((i) => (i.kind === 'int' ? [i.item] : [])));
      test = (v) => (typeof v === 'number' || typeof v === 'bigint') && members.has(v);
      break;
    }
    case 'Bytes': {
      const members = new HostnameSet(list.items);
      test = (v) => isBytesValue(v) && members.has(v);
      break;
    }
    default:
      test = () => false;
  }
  listTests.set(list, test);
  return test;
}
