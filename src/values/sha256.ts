/**
 * SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104) in plain TypeScript.
 *
 * Why not Web Crypto or `node:crypto`: `crypto.subtle.digest` is asynchronous, and filter
 * evaluation is synchronous; `node:crypto` is not available in browsers. Both the `sha256()`
 * function of the Rules language and `is_timed_hmac_valid_v0()` need a synchronous digest
 * that runs everywhere, so it is written out here. Inputs are hashed in place (only the last
 * one or two blocks are copied), so large request bodies cost no extra allocation; the state
 * and scratch buffers are module-level and reused, so a digest allocates only its result.
 * {@link HmacSha256Key} keeps an HMAC key as the two hash states after its padded key
 * blocks, so MACs under a fixed key (the middleware's signed tokens) skip two compressions.
 *
 * @module
 */

/** Round constants: the first 32 bits of the fractional parts of the cube roots of the first 64 primes. */
const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be,
  0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa,
  0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85,
  0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
  0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f,
  0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/** Initial hash value: the first 32 bits of the fractional parts of the square roots of the first 8 primes. */
const H0 = new Int32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);

/** Length of the digest in bytes. */
export const SHA256_DIGEST_LENGTH = 32;

/** Size of one SHA-256 block in bytes (also the HMAC key block size). */
export const SHA256_BLOCK_LENGTH = 64;

/**
 * Processes the 64-byte block of `data` at `offset` into the state `h`, using `w` (64 words)
 * for the message schedule. Everything is kept in signed 32-bit integers (`Int32Array`,
 * `| 0`): values above 2³¹ from a `Uint32Array` would push V8 into floating point.
 */
function compress(h: Int32Array, w: Int32Array, data: Uint8Array, offset: number): void {
  let a = h[0]!;
  let b = h[1]!;
  let c = h[2]!;
  let d = h[3]!;
  let e = h[4]!;
  let f = h[5]!;
  let g = h[6]!;
  let k = h[7]!;
  for (let t = 0; t < 16; t++) {
    const o = offset + t * 4;
    w[t] = (data[o]! << 24) | (data[o + 1]! << 16) | (data[o + 2]! << 8) | data[o + 3]!;
  }
  for (let t = 16; t < 64; t++) {
    const x = w[t - 15]!;
    const y = w[t - 2]!;
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    w[t] = (w[t - 16]! + s0 + w[t - 7]! + s1) | 0;
  }
  for (let t = 0; t < 64; t++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const ch = g ^ (e & (f ^ g));
    const t1 = (k + S1 + ch + K[t]! + w[t]!) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const maj = (a & b) | (c & (a | b));
    const t2 = (S0 + maj) | 0;
    k = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  h[0] = (h[0]! + a) | 0;
  h[1] = (h[1]! + b) | 0;
  h[2] = (h[2]! + c) | 0;
  h[3] = (h[3]! + d) | 0;
  h[4] = (h[4]! + e) | 0;
  h[5] = (h[5]! + f) | 0;
  h[6] = (h[6]! + g) | 0;
  h[7] = (h[7]! + k) | 0;
}

/**
 * Scratch space shared by every call: hashing is synchronous and never re-enters itself, so
 * one state, one message schedule and one padding block serve all calls without allocating.
 */
const STATE = new Int32Array(8);
const SCHEDULE = new Int32Array(64);
/** Collects bytes that straddle part boundaries and, at the end, the padding. */
const BLOCK = new Uint8Array(SHA256_BLOCK_LENGTH * 2);
/** The inner digest of an HMAC, which the outer hash then reads. */
const INNER_DIGEST = new Uint8Array(SHA256_DIGEST_LENGTH);

/**
 * Hashes `parts` into `h`, a state that has already absorbed `done` bytes (a multiple of 64),
 * pads, and writes the digest to `out`.
 */
function finish(h: Int32Array, done: number, parts: readonly Uint8Array[], out: Uint8Array): Uint8Array {
  const w = SCHEDULE;
  const block = BLOCK;
  let filled = 0;
  let total = done;
  for (const data of parts) {
    total += data.length;
    let i = 0;
    if (filled > 0) {
      const take = Math.min(SHA256_BLOCK_LENGTH - filled, data.length);
      block.set(data.subarray(0, take), filled);
      filled += take;
      i = take;
      if (filled < SHA256_BLOCK_LENGTH) continue;
      compress(h, w, block, 0);
      filled = 0;
    }
    for (; i + SHA256_BLOCK_LENGTH <= data.length; i += SHA256_BLOCK_LENGTH) compress(h, w, data, i);
    block.set(data.subarray(i), 0);
    filled = data.length - i;
  }
  // Padding: 0x80, zeros, then the message length in bits as a 64-bit big-endian integer.
  block.fill(0, filled);
  block[filled] = 0x80;
  const end = filled + 9 <= SHA256_BLOCK_LENGTH ? SHA256_BLOCK_LENGTH : SHA256_BLOCK_LENGTH * 2;
  // total * 8 may exceed 2^32: split it without overflowing 53-bit arithmetic.
  const high = Math.floor(total / 0x20000000);
  const low = (total * 8) >>> 0;
  block[end - 8] = high >>> 24;
  block[end - 7] = (high >>> 16) & 0xff;
  block[end - 6] = (high >>> 8) & 0xff;
  block[end - 5] = high & 0xff;
  block[end - 4] = low >>> 24;
  block[end - 3] = (low >>> 16) & 0xff;
  block[end - 2] = (low >>> 8) & 0xff;
  block[end - 1] = low & 0xff;
  compress(h, w, block, 0);
  if (end > SHA256_BLOCK_LENGTH) compress(h, w, block, SHA256_BLOCK_LENGTH);
  for (let j = 0; j < 8; j++) {
    const x = h[j]!;
    out[j * 4] = x >>> 24;
    out[j * 4 + 1] = (x >>> 16) & 0xff;
    out[j * 4 + 2] = (x >>> 8) & 0xff;
    out[j * 4 + 3] = x & 0xff;
  }
  return out;
}

/**
 * The SHA-256 digest of the concatenation of `parts` (32 bytes). Taking several parts lets
 * callers hash `prefix ‖ data` without building the concatenation.
 */
export function sha256(...parts: Uint8Array[]): Uint8Array {
  STATE.set(H0);
  return finish(STATE, 0, parts, new Uint8Array(SHA256_DIGEST_LENGTH));
}

/**
 * An HMAC-SHA256 (RFC 2104) key, prepared once: `K` is the key zero-padded to 64 bytes, or
 * its digest when it is longer than 64 bytes, and the hash states after the blocks `K ⊕ ipad`
 * and `K ⊕ opad` are kept. Each {@link HmacSha256Key.digest} then resumes from them, so a MAC
 * costs the compressions of the message and its padding plus one for the outer hash, instead
 * of two more for the key blocks.
 *
 * The two states are equivalent to the key (whoever reads them can forge MACs): treat the
 * object as the secret it was made from.
 */
export class HmacSha256Key {
  readonly #inner = new Int32Array(8);
  readonly #outer = new Int32Array(8);

  /** @param key the key bytes (copied: changing them later does not change this key). */
  constructor(key: Uint8Array) {
    const pad = new Uint8Array(SHA256_BLOCK_LENGTH);
    pad.set(key.length > SHA256_BLOCK_LENGTH ? sha256(key) : key);
    for (const [state, byte] of [
      [this.#inner, 0x36],
      [this.#outer, 0x5c],
    ] as const) {
      for (let i = 0; i < SHA256_BLOCK_LENGTH; i++) pad[i] ^= byte;
      state.set(H0);
      compress(state, SCHEDULE, pad, 0);
      for (let i = 0; i < SHA256_BLOCK_LENGTH; i++) pad[i] ^= byte;
    }
    // Leave no copy of the key behind in scratch memory.
    pad.fill(0);
    SCHEDULE.fill(0);
    BLOCK.fill(0);
  }

  /**
   * `SHA256((K ⊕ opad) ‖ SHA256((K ⊕ ipad) ‖ message))` (32 bytes). `message` may be given in
   * several parts, which are hashed as their concatenation.
   */
  digest(...message: Uint8Array[]): Uint8Array {
    STATE.set(this.#inner);
    finish(STATE, SHA256_BLOCK_LENGTH, message, INNER_DIGEST);
    STATE.set(this.#outer);
    return finish(STATE, SHA256_BLOCK_LENGTH, [INNER_DIGEST], new Uint8Array(SHA256_DIGEST_LENGTH));
  }
}

/**
 * HMAC-SHA256 (RFC 2104): `SHA256((K ⊕ opad) ‖ SHA256((K ⊕ ipad) ‖ message))`, where `K` is
 * the key zero-padded to 64 bytes, or its digest when it is longer than 64 bytes.
 * `message` may be given in several parts, which are hashed as their concatenation. To MAC
 * many messages under one key, prepare it once with {@link HmacSha256Key}.
 */
export function hmacSha256(key: Uint8Array, ...message: Uint8Array[]): Uint8Array {
  return new HmacSha256Key(key).digest(...message);
}

/**
 * True when `a` and `b` hold the same bytes, in time that depends only on their lengths: every
 * byte pair is XORed into one accumulator, with no exit before the end, so comparing a MAC an
 * attacker chose does not tell how many of its leading bytes were right. (Lengths are public:
 * they are compared first.) JavaScript promises nothing about timing; this is the usual
 * branch-free loop that engines run in the same time whatever the bytes are.
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
