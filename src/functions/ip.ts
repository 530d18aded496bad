/**
 * IP functions: `cidr` and `cidr6` (network address of a prefix).
 *
 * @module
 */
import { INT, IP } from '../scheme/types.js';
import { maskIp, type IpAddress } from '../values/ip.js';
import type { BuiltinFunction, ParameterSpec } from '../scheme/functions.js';
import { RATE_LIMITING_RULES, WAF_CUSTOM_RULES } from './phases.js';

/** Cloudflare documents `cidr()`/`cidr6()` for custom rules and rate limiting rules only. */
const CIDR_PHASES: readonly string[] = [WAF_CUSTOM_RULES, RATE_LIMITING_RULES];

function bits(name: string, max: number): ParameterSpec {
  return {
    name,
    type: INT,
    kind: 'literal',
    validate: (value) =>
      typeof value === 'number' && value >= 1 && value <= max ? undefined : `expected a prefix length from 1 to ${max}`,
  };
}

const address: ParameterSpec = { name: 'address', type: IP, kind: 'field' };

/** `cidr(address, ipv4_bits, ipv6_bits)`: the address with the host bits cleared. */
export const cidr: BuiltinFunction = {
  name: 'cidr',
  description: 'Network address of the block containing the address: ipv4_bits (1–32) for IPv4, ipv6_bits (1–128) for IPv6.',
  params: [address, bits('ipv4_bits', 32), bits('ipv6_bits', 128)],
  returns: IP,
  phases: CIDR_PHASES,
  call([ip, v4, v6]) {
    const value = ip as IpAddress;
    return maskIp(value, value.family === 4 ? (v4 as number) : (v6 as number));
  },
};

/** `cidr6(address, ipv6_bits)`: like `cidr` for IPv6; IPv4 addresses are returned unchanged. */
export const cidr6: BuiltinFunction = {
  name: 'cidr6',
  description: 'Network address of the IPv6 block of ipv6_bits (1–128) containing the address; IPv4 addresses are returned unchanged.',
  params: [address, bits('ipv6_bits', 128)],
  returns: IP,
  phases: CIDR_PHASES,
  call([ip, v6]) {
    const value = ip as IpAddress;
    return value.family === 4 ? value : maskIp(value, v6 as number);
  },
};
