/**
 * Logpush `http_requests` records → Rules language field values, for replaying logged
 * traffic through a ruleset.
 *
 * ```ts
 * for (const line of lines) {
 *   const record = JSON.parse(line);
 *   if (!looksLikeLogpush(record)) continue;
 *   const { values, problems } = logpushRequest(record, { fields: new Set(ruleset.fields) });
 *   const decision = ruleset.evaluate(values);
 *   const logged = logpushSecurity(record); // what Cloudflare did, to compare with `decision`
 * }
 * ```
 *
 * Conversion never throws: a value of the wrong type leaves its fields missing and is
 * reported in `problems`, one message per field, prefixed with the Logpush field name.
 * `docs/logpush.md` lists every field (generated from `LOGPUSH_FIELD_MAP`).
 *
 * @module
 */
import { FIELD_ALIASES } from '../scheme.js';
import type { FieldValue, RequestFieldValues, UrlNormalization } from '../request/fields.js';
import { asciiLowerString, nullMap, pushEntry } from '../request/text.js';
import { LOGPUSH_FIELD_MAP, type LogpushFieldMapping, type MappingTarget } from './fields.js';
import { describeValue } from './security.js';

/** How {@link logpushRequest} converts a record. */
export interface LogpushRequestOptions {
  /**
   * Only these fields are needed (e.g. the fields a ruleset reads): Logpush fields that supply
   * none of them are not read at all, and costly derivations nobody asked for (URI parsing,
   * argument maps) are skipped. Other fields may still be present. Default: every field.
   */
  fields?: ReadonlySet<string>;
  /**
   * URL normalization of the non-`raw` URI fields: `'cloudflare'` (default, Cloudflare's zone
   * default), `'rfc3986'` or `'none'` (when the zone normalizes nothing).
   */
  normalization?: UrlNormalization;
  /**
   * List the record's unknown keys in `unmapped` (default true). A caller converting many
   * records of one Logpush job can turn it off after the first ones: every record of a job has
   * the same fields.
   */
  unmapped?: boolean;
}

/** The field values of one Logpush record, and what could not be converted. */
export interface LogpushRequest {
  /**
   * Field values keyed by catalogue field name. Its own keys are only catalogue field names
   * (header and argument maps inside are prototype-less: their keys come from the record).
   */
  readonly values: RequestFieldValues;
  /**
   * One message per value that could not be converted, e.g.
   * `ClientASN: expected an integer, got "abc"`. The field names the Logpush field.
   */
  readonly problems: readonly string[];
  /**
   * Keys of the record that are not Logpush `http_requests` fields known to
   * `LOGPUSH_FIELD_MAP` (new fields, typos, another dataset), in record order. Report them
   * once per input, not per line.
   */
  readonly unmapped: readonly string[];
}

/** Most unknown keys listed per record; a record with more is not a Logpush record. */
const MAX_UNMAPPED = 256;

/** Logpush field names, for `unmapped` and detection (built on first use). */
let knownFields: Set<string> | undefined;
const known = (): Set<string> => (knownFields ??= new Set(LOGPUSH_FIELD_MAP.map((m) => m.logpush)));

/** Canonical ⇄ alias, both directions (built on first use). */
let aliases: Map<string, string> | undefined;
const aliasOf = (field: string): string | undefined =>
  (aliases ??= new Map(FIELD_ALIASES.flatMap(([canonical, alias]) => [[canonical, alias] as const, [alias, canonical] as const]))).get(field);

/** The mappings that convert anything (built on first use). */
let converting: readonly LogpushFieldMapping[] | undefined;
/** What one `fields` set needs: the mappings to run and the fields wanted (aliases included). */
interface Plan {
  mappings: readonly LogpushFieldMapping[];
  wants: (field: string) => boolean;
}

/** The plan of each `fields` set, computed once per set (pass the same set every time). */
const plans = /* @__PURE__ */ new WeakMap<ReadonlySet<string>, Plan>();
let everything: Plan | undefined;

function wantsIn(fields: ReadonlySet<string> | undefined, field: string): boolean {
  if (fields === undefined || fields.has(field)) return true;
  const alias = aliasOf(field);
  return alias !== undefined && fields.has(alias);
}

function planFor(fields: ReadonlySet<string> | undefined): Plan {
  converting ??= LOGPUSH_FIELD_MAP.filter((m) => m.apply !== undefined);
  if (fields === undefined) return (everything ??= { mappings: converting, wants: () => true });
  let plan = plans.get(fields);
  if (plan === undefined) {
    // Every field the mappings could produce, decided once: a lookup per field afterwards.
    const wanted = new Set<string>();
    for (const mapping of converting) for (const field of mapping.fields) if (wantsIn(fields, field)) wanted.add(field);
    for (const field of fields) wanted.add(field);
    for (const prefix of ['http.request.headers', 'http.response.headers']) {
      for (const field of [prefix, `${prefix}.names`, `${prefix}.values`]) if (wantsIn(fields, field)) wanted.add(field);
    }
    plan = { mappings: converting.filter((m) => m.fields.some((field) => wanted.has(field))), wants: (field) => wanted.has(field) };
    plans.set(fields, plan);
  }
  return plan;
}

/** Headers collected while converting: captured custom fields first, dedicated fields as fallbacks. */
class HeaderCollector {
  readonly captured = nullMap<string[]>();
  readonly fallbacks: [string, string][] = [];
  used = false;

  add(name: string, value: string, fallback: boolean): void {
    this.used = true;
    if (fallback) this.fallbacks.push([name, value]);
    else pushEntry(this.captured, asciiLowerString(name), value);
  }

  /** Writes the map, names and values fields under `prefix` (`http.request.headers`, …). */
  write(values: RequestFieldValues, prefix: string, wants: (field: string) => boolean): void {
    if (!this.used || !(wants(prefix) || wants(`${prefix}.names`) || wants(`${prefix}.values`))) return;
    const map = this.captured;
    for (const [name, value] of this.fallbacks) if (map[name] === undefined) map[name] = [value];
    const names: string[] = [];
    const list: string[] = [];
    for (const name of Object.keys(map)) {
      for (const value of map[name]!) {
        names.push(name);
        list.push(value);
      }
    }
    if (wants(prefix)) values[prefix] = map;
    if (wants(`${prefix}.names`)) values[`${prefix}.names`] = names;
    if (wants(`${prefix}.values`)) values[`${prefix}.values`] = list;
  }
}

/**
 * Converts one Logpush `http_requests` record (one parsed line of a Logpush NDJSON file) into
 * Rules language field values. Missing, `null` and unusable values leave their fields missing;
 * aliases (`ip.geoip.asnum`, `cf.client.bot`, …) are filled from their canonical fields.
 * Never throws, whatever `record` is.
 *
 * @param record A parsed JSON object; anything else yields no values and one problem.
 * @param options The fields needed, URL normalization.
 */
export function logpushRequest(record: unknown, options: LogpushRequestOptions = {}): LogpushRequest {
  // A plain object (V8 keeps it in fast mode, unlike a prototype-less one): its keys are only
  // catalogue field names from the mapping table, never names taken from the record.
  const values: RequestFieldValues = {};
  const problems: string[] = [];
  const unmapped: string[] = [];
  const result: LogpushRequest = { values, problems, unmapped };
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    problems.push(`record: expected a JSON object, got ${describeValue(record)}`);
    return result;
  }
  const plan = planFor(options.fields);
  const wants = plan.wants;
  const read = (key: string): unknown => {
    if (!Object.prototype.hasOwnProperty.call(record, key)) return undefined;
    const value = (record as Record<string, unknown>)[key];
    return value === null ? undefined : value;
  };
  const requestHeaders = new HeaderCollector();
  const responseHeaders = new HeaderCollector();
  let current: LogpushFieldMapping = LOGPUSH_FIELD_MAP[0]!;
  let currentValue: unknown;
  const target: MappingTarget = {
    wants,
    set: (field, value) => {
      values[field] = value;
    },
    reject: (expected) => problems.push(`${current.logpush}: expected ${expected}, got ${describeValue(currentValue)}`),
    report: (message) => problems.push(`${current.logpush}: ${message}`),
    read,
    header: (kind, name, value, fallback) => (kind === 'request' ? requestHeaders : responseHeaders).add(name, value, fallback),
    normalization: options.normalization ?? 'cloudflare',
  };

  try {
    for (const mapping of plan.mappings) {
      const value = read(mapping.logpush);
      if (value === undefined) continue;
      current = mapping;
      currentValue = value;
      mapping.apply!(value, target);
    }
    requestHeaders.write(values, 'http.request.headers', wants);
    responseHeaders.write(values, 'http.response.headers', wants);
    for (const [canonical, alias] of FIELD_ALIASES) {
      if (values[canonical] !== undefined && values[alias] === undefined) values[alias] = values[canonical] as FieldValue;
    }
    const names = known();
    for (const key of options.unmapped === false ? [] : Object.keys(record)) {
      if (names.has(key)) continue;
      if (unmapped.length === MAX_UNMAPPED) {
        problems.push(`record: more than ${MAX_UNMAPPED} unknown fields, the rest are not listed`);
        break;
      }
      unmapped.push(key);
    }
  } catch (error) {
    // Only a record that is not plain JSON data (a getter, a proxy) can get here.
    problems.push(`record: could not be read (${error instanceof Error ? error.message : String(error)})`);
  }
  return result;
}

/** Keys that show a record is something else: Rules field names are dotted, replay lines wrap `values`. */
const FOREIGN_KEY = /\./;

/**
 * Whether a parsed input line looks like a Logpush `http_requests` record rather than field
 * values keyed by Rules field names: a JSON object with at least two keys that are Logpush
 * field names (exact capitalisation: `ClientIP`, `RayID`, `EdgeStartTimestamp`, …) and no key
 * that is dotted like a Rules field name (`http.host`) or is `values`.
 */
export function looksLikeLogpush(record: unknown): boolean {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return false;
  const names = known();
  let matches = 0;
  try {
    for (const key of Object.keys(record)) {
      if (key === 'values' || FOREIGN_KEY.test(key)) return false;
      if (names.has(key)) matches++;
    }
  } catch {
    return false;
  }
  return matches >= 2;
}
