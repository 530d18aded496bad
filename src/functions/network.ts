/**
 * Network-layer functions (Magic Firewall / Cloudflare Network Firewall): `bit_slice`.
 *
 * @module
 */
import { BYTES, INT } from '../scheme/types.js';
import { toUtf8, isBytesValue } from '../values/bytes.js';
import { intInRange } from './common.js';
import type { BuiltinFunction } from '../scheme/functions.js';
import { MAGIC_FIREWALL_RULES } from './phases.js';

/** Largest bit offset `bit_slice` accepts (Cloudflare's documented limit). */
export const BIT_SLICE_MAX_OFFSET = 2040;

/** Widest slice `bit_slice` returns, in bits. */
export const BIT_SLICE_MAX_BITS = 32;

/**
 * The fields holding the raw packet, one per protocol `bit_slice` can read. Each holds the
 * packet's bytes from the first byte of that header to the end of the packet (so offsets
 * past a header reach into what follows it: `bit_slice("udp", 64, 72)` is the first payload
 * byte of a UDP datagram). A field is missing when the packet has no such header.
 */
export const PACKET_FIELDS = { ip: 'raw.packet.ip', tcp: 'raw.packet.tcp', udp: 'raw.packet.udp' } as const;

/** The protocols `bit_slice` can read, in the order of their fields in `implicitFields`. */
const PROTOCOLS = ['ip', 'tcp', 'udp'] as const;

/**
 * Reads bits `[start, end)` of `bytes` (bit 0 = most significant bit of byte 0, network
 * order) as an unsigned integer. `undefined` when the range is empty, wider than 32 bits, or
 * runs past the end of the data.
 */
export function readBits(bytes: Uint8Array, start: number, end: number): number | undefined {
  if (!(end > start) || end - start > BIT_SLICE_MAX_BITS || end > bytes.length * 8) return undefined;
  let value = 0;
  for (let bit = start; bit < end; bit++) {
    // Multiplication instead of `<<` keeps 32-bit results unsigned.
    value = value * 2 + ((bytes[bit >>> 3]! >>> (7 - (bit & 7))) & 1);
  }
  return value;
}

const offset = (name: string) =>
  ({ name, type: INT, kind: 'literal', validate: intInRange(0, BIT_SLICE_MAX_OFFSET, `expected a bit offset from 0 to ${BIT_SLICE_MAX_OFFSET}`) }) as const;

/**
 * `bit_slice(protocol, offset_start, offset_end)`: bits `[offset_start, offset_end)` of the
 * named protocol header as an Int.
 *
 * The headers come from the Bytes fields of {@link PACKET_FIELDS}, which the scheme must
 * define (`implicitFields`). Missing values are handled here (`missing: 'receive'`) because
 * a packet never has every header: a UDP packet has no TCP header, and that must not make
 * `bit_slice("udp", …)` missing. The slice is missing when the chosen header is missing or
 * shorter than `offset_end` bits, or when the offsets do not describe 1 to 32 bits (the
 * per-argument validation cannot compare the two offsets).
 */
export const bitSlice: BuiltinFunction = {
  name: 'bit_slice',
  description: 'Bits [offset_start, offset_end) of the "ip", "tcp" or "udp" header as an unsigned integer (at most 32 bits, offsets up to 2040).',
  params: [
    {
      name: 'protocol',
      type: BYTES,
      kind: 'literal',
      validate: (value) => (typeof value === 'string' && (PROTOCOLS as readonly string[]).includes(value) ? undefined : 'expected "ip", "tcp" or "udp"'),
    },
    offset('offset_start'),
    {
      ...offset('offset_end'),
      validate: (value, [, start]) => {
        const problem = offset('offset_end').validate(value);
        if (problem !== undefined || typeof start !== 'number' || typeof value !== 'number') return problem;
        if (value <= start) return 'offset_end must be greater than offset_start';
        return value - start > BIT_SLICE_MAX_BITS ? `a slice is at most ${BIT_SLICE_MAX_BITS} bits` : undefined;
      },
    },
  ],
  returns: INT,
  implicitFields: PROTOCOLS.map((p) => PACKET_FIELDS[p]),
  missing: 'receive',
  phases: [MAGIC_FIREWALL_RULES],
  call([protocol, start, end, ...headers]) {
    const index = PROTOCOLS.indexOf(protocol as (typeof PROTOCOLS)[number]);
    const header = headers[index];
    if (index < 0 || !isBytesValue(header) || typeof start !== 'number' || typeof end !== 'number') return undefined;
    return readBits(toUtf8(header), start, end);
  },
};
