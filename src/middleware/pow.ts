/**
 * The proof of work of the JavaScript challenge.
 *
 * Protocol (the challenge page's script implements exactly this): the solver finds the
 * smallest decimal integer `n ≥ 0` such that SHA-256 of the UTF-8 string
 * `${challengeToken}:${n}` starts with at least `difficulty` zero bits, and sends `n` back as
 * its decimal digits. The server checks one hash; it accepts any `n` that has the property
 * (the smallest one is simply what an honest solver finds first), and the challenge token's
 * single-use id keeps a solution from being spent twice.
 *
 * Hashing here uses the synchronous SHA-256 of `values/sha256.ts`: verification is one digest
 * of public data (no secret, so no timing concern), and a synchronous loop is what the
 * reference solver wants. Browsers use `crypto.subtle.digest`; the digests are the same.
 *
 * @module
 */
import { WirefilterError } from '../diagnostics/errors.js';
import { toUtf8 } from '../values/bytes.js';
import { SHA256_DIGEST_LENGTH, sha256 } from '../values/sha256.js';

/**
 * The default difficulty: 17 leading zero bits, 2¹⁷ ≈ 131,000 hashes on average.
 *
 * Chromium runs about 100,000–300,000 `crypto.subtle.digest` calls per second in a tight
 * async loop (the per-call overhead dominates for inputs of a few hundred bytes, such as a
 * challenge token), so a solve takes about 0.45–1.3 s on average. The number of tries is
 * geometric: the median is 0.7 × the mean and one visitor in twenty needs 3 × the mean or
 * more. 16 bits would fall under half a second on fast machines, 18 would pass two seconds on
 * slow ones; each bit doubles the work, so tune by whole bits for your audience (phones are
 * several times slower than desktops).
 */
export const DEFAULT_DIFFICULTY = 17;

/** The most digits a solution may have (so `n` < 10¹², a safe integer). */
export const MAX_SOLUTION_DIGITS = 12;

/** A decimal integer without leading zeros (or `0`), 1–12 digits. */
const SOLUTION = /^(?:0|[1-9][0-9]{0,11})$/;

const isDifficulty = (value: unknown): value is number =>
  Number.isInteger(value) && (value as number) >= 0 && (value as number) <= SHA256_DIGEST_LENGTH * 8;

/** Number of leading zero bits of `digest` (8 × its length when it is all zeros). */
export function leadingZeroBits(digest: Uint8Array): number {
  let bits = 0;
  for (const byte of digest) {
    if (byte !== 0) return bits + Math.clz32(byte) - 24;
    bits += 8;
  }
  return bits;
}

/** True when SHA-256 of `prefix ‖ digits` has at least `difficulty` leading zero bits. */
function meets(prefix: Uint8Array, solution: string, difficulty: number): boolean {
  return leadingZeroBits(sha256(prefix, toUtf8(solution))) >= difficulty;
}

/**
 * Checks a proof of work.
 *
 * @param solution what the client sent: it must be a string of 1–12 decimal digits without
 *   leading zeros (or `"0"`); anything else is `false`.
 * @param difficulty an integer 0–256; anything else is `false`.
 * @returns true when SHA-256 of `${challengeToken}:${solution}` has at least `difficulty`
 *   leading zero bits. Never throws.
 */
export async function verifyProof(challengeToken: string, solution: unknown, difficulty: number): Promise<boolean> {
  if (typeof challengeToken !== 'string' || typeof solution !== 'string' || !SOLUTION.test(solution) || !isDifficulty(difficulty)) return false;
  return meets(toUtf8(`${challengeToken}:`), solution, difficulty);
}

/**
 * The reference solver (tests and the benchmark): tries `n = 0, 1, 2, …` and returns the first
 * solution as its decimal digits, or `undefined` when none is found within `maxIterations`
 * tries (default: every 12-digit number). It runs synchronously, without yielding: 2^difficulty
 * hashes of a few microseconds each.
 *
 * @throws WirefilterError code `invalid-argument` for a difficulty that is not an integer
 *   0–256 or a negative or non-integer `maxIterations`.
 */
export async function solveProof(challengeToken: string, difficulty: number, maxIterations = 10 ** MAX_SOLUTION_DIGITS): Promise<string | undefined> {
  if (typeof challengeToken !== 'string') throw new WirefilterError('expected the challenge token as a string', [], undefined, 'invalid-argument');
  if (!isDifficulty(difficulty)) throw new WirefilterError('expected a difficulty: an integer from 0 to 256', [], undefined, 'invalid-argument');
  if (!Number.isSafeInteger(maxIterations) || maxIterations < 0) throw new WirefilterError('expected maxIterations: a non-negative integer', [], undefined, 'invalid-argument');
  const prefix = toUtf8(`${challengeToken}:`);
  const tries = Math.min(maxIterations, 10 ** MAX_SOLUTION_DIGITS);
  for (let n = 0; n < tries; n++) {
    const solution = String(n);
    if (meets(prefix, solution, difficulty)) return solution;
  }
  return undefined;
}
