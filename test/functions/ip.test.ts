/**
 * IP functions: cidr, cidr6.
 */
import { describe, expect, it } from 'vitest';
import { evaluate, expectError, expectValid } from './helpers.js';

describe('cidr', () => {
  it('docs examples', () => {
    expect(evaluate('cidr(ip.src, 24, 24) eq 113.10.0.0', { 'ip.src': '113.10.0.2' })).toBe(true);
    expect(evaluate('cidr(ip.src, 24, 24) eq 2001::', { 'ip.src': '2001:0000:130F:0000:0000:09C0:876A:130B' })).toBe(true);
    expect(evaluate('cidr(ip.src, 24, 64) eq 203.0.113.0', { 'ip.src': '203.0.113.99' })).toBe(true);
  });

  it('uses the IPv4 bits for IPv4 and the IPv6 bits for IPv6', () => {
    expect(evaluate('cidr(ip.src, 8, 128) eq 10.0.0.0', { 'ip.src': '10.1.2.3' })).toBe(true);
    expect(evaluate('cidr(ip.src, 8, 128) eq 2001:db8::1', { 'ip.src': '2001:db8::1' })).toBe(true);
    expect(evaluate('cidr(ip.src, 32, 1) eq 10.1.2.3', { 'ip.src': '10.1.2.3' })).toBe(true);
  });

  it('maps over [*] and propagates missing', () => {
    expect(evaluate('any(cidr(test.ips[*], 16, 32)[*] eq 10.1.0.0)', { 'test.ips': ['192.0.2.1', '10.1.2.3'] })).toBe(true);
    expect(evaluate('cidr(ip.src, 24, 64) eq 10.0.0.0')).toBe(false);
  });

  it('validates the documented bit ranges and argument kinds', () => {
    expectError('cidr(ip.src, 0, 64) eq 10.0.0.0', 'invalid-argument-value');
    expectError('cidr(ip.src, 33, 64) eq 10.0.0.0', 'invalid-argument-value');
    expectError('cidr(ip.src, 24, 0) eq 10.0.0.0', 'invalid-argument-value');
    expectError('cidr(ip.src, 24, 129) eq 10.0.0.0', 'invalid-argument-value');
    expectError('cidr(ip.src, 24, 9223372036854775807) eq 10.0.0.0', 'invalid-argument-value');
    expectError('cidr(10.0.0.1, 24, 64) eq 10.0.0.0', 'invalid-argument-kind');
    expectError('cidr(ip.src, test.int, 64) eq 10.0.0.0', 'invalid-argument-kind');
    expectError('cidr(test.bytes, 24, 64) eq 10.0.0.0', 'invalid-argument-type');
    expectError('cidr(ip.src, 24) eq 10.0.0.0', 'invalid-argument-count');
    expectValid('cidr(ip.src, 32, 128) eq 10.0.0.0');
  });
});

describe('cidr6', () => {
  it('docs example: cidr6(ip.src, 48) eq 2001:db8:1::', () => {
    expect(evaluate('cidr6(ip.src, 48) eq 2001:db8:1::', { 'ip.src': '2001:db8:1:2::3' })).toBe(true);
  });

  it('returns IPv4 addresses unchanged', () => {
    expect(evaluate('cidr6(ip.src, 1) eq 192.0.2.77', { 'ip.src': '192.0.2.77' })).toBe(true);
  });

  it('validates its arguments', () => {
    expectError('cidr6(ip.src, 0) eq ::', 'invalid-argument-value');
    expectError('cidr6(ip.src, 129) eq ::', 'invalid-argument-value');
    expectError('cidr6(ip.src, "48") eq ::', 'invalid-argument-type');
    expectError('cidr6(ip.src) eq ::', 'invalid-argument-count');
  });
});
