/**
 * SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104) in plain TypeScript.
 *
 * Why not Web Crypto or `node:crypto`: `crypto.subtle.digest` is asynchronous, and filter
 * evaluation is synchronous; `node:crypto` is not available in browsers. Both the `sha256()`
 * function of the Rules language and `is_timed_hmac_valid_v0()` need a synchronous digest
 * that runs everywhere, so it is written out here. Inputs are hashed in place (only the last
 * one or two blocks are copied), so large request bodies cost no extra allocation.
 *
 * @module
 */

/** Round constants: the first 32 bits of the fractional parts of the cube roots of the first 64 primes. */
const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be,
  0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa,
  0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85,
  0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
  0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f,
  0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/** Initial hash value: the first 32 bits of the fractional parts of the square roots of the first 8 primes. */
const H0 = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

/** Length of the digest in bytes. */
export const SHA256_DIGEST_LENGTH = 32;

/** Size of one SHA-256 block in bytes (also the HMAC key block size). */
export const SHA256_BLOCK_LENGTH = 64;

/** Processes the 64-byte block of `data` at `offset` into the state `h`. */
function compress(h: Uint32Array, w: Uint32Array, data: Uint8Array, offset: number): void {
  for (let t = 0; t < 16; t++) {
    const o = offset + t * 4;
    w[t] = ((data[o]! << 24) | (data[o + 1]! << 16) | (data[o + 2]! << 8) | data[o + 3]!) >>> 0;
  }
  for (let t = 16; t < 64; t++) {
    const x = w[t - 15]!;
    const y = w[t - 2]!;
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    w[t] = (w[t - 16]! + s0 + w[t - 7]! + s1) >>> 0;
  }
  let a = h[0]!;
  let b = h[1]!;
  let c = h[2]!;
  let d = h[3]!;
  let e = h[4]!;
  let f = h[5]!;
  let g = h[6]!;
  let k = h[7]!;
  for (let t = 0; t < 64; t++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const ch = (e & f) ^ (~e & g);
    const t1 = (k + S1 + ch + K[t]! + w[t]!) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const maj = (a & b) ^ (a & c) ^ (b & c);
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
  h[0] = (h[0]! + a) >>> 0;
  h[1] = (h[1]! + b) >>> 0;
  h[2] = (h[2]! + c) >>> 0;
  h[3] = (h[3]! + d) >>> 0;
  h[4] = (h[4]! + e) >>> 0;
  h[5] = (h[5]! + f) >>> 0;
  h[6] = (h[6]! + g) >>> 0;
  h[7] = (h[7]! + k) >>> 0;
}

/**
 * The SHA-256 digest of the concatenation of `parts` (32 bytes). Taking several parts lets
 * HMAC hash `key ⊕ pad ‖ message` without building the concatenation.
 */
export function sha256(...parts: Uint8Array[]): Uint8Array {
  const h = Uint32Array.from(H0);
  const w = new Uint32Array(64);
  // `block` collects bytes that straddle part boundaries and, at the end, the padding.
  const block = new Uint8Array(SHA256_BLOCK_LENGTH * 2);
  let filled = 0;
  let total = 0;
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
  const out = new Uint8Array(SHA256_DIGEST_LENGTH);
  for (let j = 0; j < 8; j++) {
    out[j * 4] = h[j]! >>> 24;
    out[j * 4 + 1] = (h[j]! >>> 16) & 0xff;
    out[j * 4 + 2] = (h[j]! >>> 8) & 0xff;
    out[j * 4 + 3] = h[j]! & 0xff;
  }
  return out;
}

/**
 * HMAC-SHA256 (RFC 2104): `SHA256((K ⊕ opad) ‖ SHA256((K ⊕ ipad) ‖ message))`, where `K` is
 * the key zero-padded to 64 bytes, or its digest when it is longer than 64 bytes.
 * `message` may be given in several parts, which are hashed as their concatenation.
 */
export function hmacSha256(key: Uint8Array, ...message: Uint8Array[]): Uint8Array {
  const k = key.length > SHA256_BLOCK_LENGTH ? sha256(key) : key;
  const inner = new Uint8Array(SHA256_BLOCK_LENGTH).fill(0x36);
  const outer = new Uint8Array(SHA256_BLOCK_LENGTH).fill(0x5c);
  for (let i = 0; i < k.length; i++) {
    inner[i] ^= k[i]!;
    outer[i] ^= k[i]!;
  }
  return sha256(outer, sha256(inner, ...message));
}
