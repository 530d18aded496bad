/**
 * Shared scheme and helpers for the standard-library unit tests.
 */
import { expect } from 'vitest';
import { Scheme, type SchemeOptions } from '../../src/index.js';

/** A scheme with a field of every shape the function tests need. */
export const scheme = new Scheme({
  fields: {
    'http.host': 'Bytes',
    'http.request.uri': 'Bytes',
    'http.request.uri.path': 'Bytes',
    'http.request.uri.query': 'Bytes',
    'raw.http.request.uri.query': 'Bytes',
    'http.request.body.raw': 'Bytes',
    'http.request.headers': 'Map<Array<Bytes>>',
    'http.request.headers.names': 'Array<Bytes>',
    'http.request.body.multipart.names': 'Array<Array<Bytes>>',
    'http.request.timestamp.sec': 'Int',
    'cf.random_seed': 'Bytes',
    'cf.bot_management.score': 'Int',
    'ip.src': 'Ip',
    'ip.src.country': 'Bytes',
    ssl: 'Bool',
    'test.bytes': 'Bytes',
    'test.bytes2': 'Bytes',
    'test.int': 'Int',
    'test.bool': 'Bool',
    'test.ints': 'Array<Int>',
    'test.bools': 'Array<Bool>',
    'test.ips': 'Array<Ip>',
    'test.int_map': 'Map<Int>',
    'test.bytes_map': 'Map<Bytes>',
    'test.maps': 'Array<Map<Bytes>>',
    'raw.packet.ip': 'Bytes',
    'raw.packet.tcp': 'Bytes',
    'raw.packet.udp': 'Bytes',
  },
});

/** Compiles and runs `expression` on `values`. */
export function evaluate(expression: string, values: Record<string, unknown> = {}, options: SchemeOptions = {}): boolean {
  return scheme.compile(expression, options).execute(values);
}

/** The codes of the error diagnostics of `expression`. */
export function errorCodes(expression: string, options: SchemeOptions = {}): string[] {
  return scheme
    .validate(expression, options)
    .filter((d) => d.severity === 'error')
    .map((d) => d.code);
}

/** Asserts that `expression` fails with `code`, and returns that diagnostic's message. */
export function expectError(expression: string, code: string, options: SchemeOptions = {}): string {
  const diagnostics = scheme.validate(expression, options).filter((d) => d.severity === 'error');
  const found = diagnostics.find((d) => d.code === code);
  expect(found, `${expression}: ${JSON.stringify(diagnostics)}`).toBeDefined();
  return found!.message;
}

/** Asserts that `expression` is valid. */
export function expectValid(expression: string, options: SchemeOptions = {}): void {
  expect(errorCodes(expression, options), expression).toEqual([]);
}

/** Bytes from hex digits (spaces allowed). */
export function hex(digits: string): Uint8Array {
  const clean = digits.replace(/\s+/g, '');
  return Uint8Array.from(clean.match(/../g) ?? [], (h) => parseInt(h, 16));
}
