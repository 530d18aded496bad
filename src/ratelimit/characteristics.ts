/**
 * Characteristics: what a rate limiting counter is kept per. Each characteristic becomes a
 * reader of one request's value, serialised into a counter key in which a missing value
 * (`null`) is distinct from an empty one (`""`), and IPv6 addresses stand for their /64.
 *
 * @module
 */
import type { ExecutionContext, FieldValues } from '../engine/context.js';
import { readFieldValue } from '../engine/context.js';
import type { Scheme } from '../engine/scheme.js';
import type { IpAddress } from '../values/ip.js';

/** The characteristic every rate limiting rule has: counters are kept per data center. */
export const COLO_CHARACTERISTIC = 'cf.colo.id';
/** Cloudflare's visitor id; not combinable with `ip.src`. */
export const VISITOR_CHARACTERISTIC = 'cf.unique_visitor_id';

/**
 * Characteristics accepted by name even when the scheme lacks them (a custom scheme; Cloudflare's
 * catalogue has both): then read from the caller's plain field values only.
 */
const NAMED_WITHOUT_FIELD: ReadonlySet<string> = new Set([COLO_CHARACTERISTIC, VISITOR_CHARACTERISTIC]);

/** Reads one characteristic of a request: its key part, `null` when the value is missing. */
export type CharacteristicReader = (context: ExecutionContext, values: FieldValues | undefined) => string | null;

/** A characteristic parsed and checked against a scheme, or why it is not valid. */
export type ParsedCharacteristic = { ok: true; read: CharacteristicReader } | { ok: false; message: string };

/** `field["key"]`: a map field's entry (headers, cookies, query arguments). */
const MAP_ENTRY = /^([a-z][a-z0-9_.]*)\["((?:[^"\\]|\\.)*)"\]$/;

/** Parses a characteristic and returns its reader. */
export function parseCharacteristic(scheme: Scheme, text: string): ParsedCharacteristic {
  const entry = MAP_ENTRY.exec(text);
  if (entry !== null) {
    const [, name, quoted] = entry as unknown as [string, string, string];
    const field = scheme.field(name);
    if (field === undefined) return { ok: false, message: `unknown field \`${name}\`` };
    if (field.type.kind !== 'Map') return { ok: false, message: `\`${name}\` is not a map field; only map fields take ["key"]` };
    const key = JSON.parse(`"${quoted}"`) as string;
    if (name === 'http.request.headers' && key !== key.toLowerCase()) {
      return { ok: false, message: `header names in characteristics must be lower-case: use ${JSON.stringify(key.toLowerCase())}` };
    }
    const slot = field.slot;
    return {
      ok: true,
      read: (context) => {
        const map = context.slots[slot] as Map<string, unknown> | undefined;
        if (map === undefined) return null;
        const value = map.get(key);
        return value === undefined ? null : keyPart(value);
      },
    };
  }
  const field = scheme.field(text);
  if (field === undefined) {
    if (!NAMED_WITHOUT_FIELD.has(text)) return { ok: false, message: `unknown characteristic \`${text}\`` };
    return {
      ok: true,
      read: (_context, values) => {
        if (values === undefined) return null;
        const value = readFieldValue(values, text);
        return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)) || typeof value === 'bigint' ? String(value) : null;
      },
    };
  }
  if (field.type.kind === 'Map' || field.type.kind === 'Array') {
    return { ok: false, message: `\`${text}\` is a ${field.type.kind === 'Map' ? 'map' : 'array'} field; name one entry, e.g. ${text}["name"]` };
  }
  const slot = field.slot;
  return {
    ok: true,
    read: (context) => {
      const value = context.slots[slot];
      return value === undefined ? null : keyPart(value);
    },
  };
}

/** The key part of an internal field value. */
function keyPart(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return `bytes:${Array.from(value, (b) => b.toString(16).padStart(2, '0')).join('')}`;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return JSON.stringify(value.map((v) => (v === undefined ? null : keyPart(v))));
  if (typeof value === 'object' && value !== null && 'family' in value) return ipKey(value as IpAddress);
  return JSON.stringify(value);
}

/** An address as counted: IPv4 whole, IPv6 per /64 (one customer's network, as Cloudflare counts). */
export function ipKey(ip: IpAddress): string {
  if (ip.family === 4) return `4:${ip.value}`;
  return `6:${ip.w0.toString(16)}:${ip.w1.toString(16)}::/64`;
}

