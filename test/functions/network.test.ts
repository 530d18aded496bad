/**
 * bit_slice: raw packet headers from the implicit raw.packet.* fields.
 */
import { describe, expect, it } from 'vitest';
import { readBits } from '../../src/functions/network.js';
import { Scheme } from '../../src/index.js';
import { evaluate, expectError, expectValid, hex } from './helpers.js';

// IPv4 header (20 bytes) of a TCP packet from 192.0.2.1 to 198.51.100.2, TTL 64, DF set.
const IPV4 = hex('45 00 00 3c 1c 46 40 00 40 06 00 00 c0 00 02 01 c6 33 64 02');
// TCP header: ports 443 → 51000, seq 1, ack 0, data offset 5, flags SYN (0x02), window 65535.
const TCP = hex('01 bb c7 38 00 00 00 01 00 00 00 00 50 02 ff ff 00 00 00 00');
// UDP header + 2 payload bytes: ports 53 → 5353, length 10, checksum 0, payload "hi".
const UDP = hex('00 35 14 e9 00 0a 00 00 68 69');

const packet = { 'raw.packet.ip': IPV4, 'raw.packet.tcp': TCP };

describe('bit_slice', () => {
  it('reads IPv4 header fields', () => {
    expect(evaluate('bit_slice("ip", 0, 4) eq 4', packet)).toBe(true); // version
    expect(evaluate('bit_slice("ip", 4, 8) eq 5', packet)).toBe(true); // IHL
    expect(evaluate('bit_slice("ip", 64, 72) eq 64', packet)).toBe(true); // TTL
    expect(evaluate('bit_slice("ip", 72, 80) eq 6', packet)).toBe(true); // protocol
    expect(evaluate('bit_slice("ip", 49, 50) eq 1', packet)).toBe(true); // DF flag
    expect(evaluate('bit_slice("ip", 96, 128) eq 3221225985', packet)).toBe(true); // source address, 32 bits unsigned
  });

  it('reads TCP and UDP headers and what follows them', () => {
    expect(evaluate('bit_slice("tcp", 0, 16) eq 443', packet)).toBe(true);
    expect(evaluate('bit_slice("tcp", 16, 32) eq 51000', packet)).toBe(true);
    expect(evaluate('bit_slice("tcp", 104, 112) & 0x02', packet)).toBe(true); // SYN
    const udp = { 'raw.packet.ip': IPV4, 'raw.packet.udp': UDP };
    expect(evaluate('bit_slice("udp", 16, 32) eq 5353', udp)).toBe(true);
    // Docs: the first payload bit of a UDP packet is at offset 64.
    expect(evaluate('bit_slice("udp", 64, 72) eq 0x68', udp)).toBe(true);
  });

  it('only needs the header it reads (missing values are handled per protocol)', () => {
    expect(evaluate('bit_slice("udp", 0, 16) eq 53', { 'raw.packet.udp': UDP })).toBe(true);
    expect(evaluate('bit_slice("tcp", 0, 16) eq 443', { 'raw.packet.tcp': TCP })).toBe(true);
    expect(evaluate('bit_slice("tcp", 0, 16) ge 0', { 'raw.packet.udp': UDP })).toBe(false);
    expect(evaluate('not bit_slice("tcp", 0, 16) ge 0', { 'raw.packet.udp': UDP })).toBe(true);
  });

  it('is missing past the end of the data', () => {
    expect(evaluate('bit_slice("udp", 72, 80) eq 0x69', { 'raw.packet.udp': UDP })).toBe(true);
    expect(evaluate('bit_slice("udp", 80, 81) ge 0', { 'raw.packet.udp': UDP })).toBe(false);
  });

  it('rejects empty, reversed and over-wide slices at compile time', () => {
    expect(expectError('bit_slice("ip", 8, 8) ge 0', 'invalid-argument-value')).toContain('greater than offset_start');
    expect(expectError('bit_slice("ip", 8, 4) ge 0', 'invalid-argument-value')).toContain('greater than offset_start');
    expect(expectError('bit_slice("ip", 0, 33) ge 0', 'invalid-argument-value')).toContain('at most 32 bits');
    expectValid('bit_slice("ip", 0, 32) ge 0');
  });

  it('readBits: most significant bit first, unsigned up to 32 bits', () => {
    const bytes = hex('ff 00 80 01 ff');
    expect(readBits(bytes, 0, 32)).toBe(0xff008001);
    expect(readBits(bytes, 8, 40)).toBe(0x008001ff);
    expect(readBits(bytes, 7, 9)).toBe(0b10);
    expect(readBits(bytes, 16, 17)).toBe(1);
    expect(readBits(bytes, 39, 40)).toBe(1);
    expect(readBits(bytes, 39, 41)).toBeUndefined();
    expect(readBits(bytes, 0, 0)).toBeUndefined();
    expect(readBits(bytes, 0, 33)).toBeUndefined();
  });

  it('validates protocol and offsets', () => {
    expectError('bit_slice("icmp", 0, 8) eq 0', 'invalid-argument-value');
    expectError('bit_slice("IP", 0, 8) eq 0', 'invalid-argument-value');
    expectError('bit_slice("ip", -1, 8) eq 0', 'invalid-argument-value');
    expectError('bit_slice("ip", 0, 2041) eq 0', 'invalid-argument-value');
    expectValid('bit_slice("ip", 2008, 2040) eq 0');
  });

  it('checks kinds, types and counts', () => {
    expectError('bit_slice(test.bytes, 0, 8) eq 0', 'invalid-argument-kind');
    expectError('bit_slice("ip", test.int, 8) eq 0', 'invalid-argument-kind');
    expectError('bit_slice("ip", "0", 8) eq 0', 'invalid-argument-type');
    expectError('bit_slice("ip", 0) eq 0', 'invalid-argument-count');
    expectError('bit_slice("ip", 0, 8) eq "x"', 'literal-type-mismatch');
  });

  it('reports the packet fields a scheme lacks', () => {
    const bare = new Scheme({ fields: { 'raw.packet.ip': 'Bytes' } });
    const diagnostics = bare.validate('bit_slice("ip", 0, 4) eq 4').filter((d) => d.severity === 'error');
    expect(diagnostics.map((d) => d.code)).toEqual(['unknown-field', 'unknown-field']);
    expect(diagnostics.map((d) => d.message).join('\n')).toMatch(/raw\.packet\.tcp[\s\S]*raw\.packet\.udp/);
  });
});
