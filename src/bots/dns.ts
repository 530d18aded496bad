/**
 * DNS lookups for forward-confirmed reverse DNS, through a resolver the caller injects (Node's
 * `dns.promises.Resolver`, or a DNS-over-HTTPS client on Fetch runtimes): every answer is
 * cached (positive and negative, bounded), concurrent lookups of one name share one query,
 * lookups in flight are bounded, and a lookup that takes too long counts as failed.
 *
 * @module
 */
import { parseIpAddress, type IpAddress } from '../values/ip.js';

/**
 * The methods of Node's `dns.promises.Resolver` that bot verification uses. Any object with
 * them works (a DNS-over-HTTPS client on Workers, a stub in tests). Errors are read like
 * Node's: `code` `ENOTFOUND` (NXDOMAIN), `ENODATA`, `ESERVFAIL`, `ETIMEOUT`, `EREFUSED`, ….
 */
export interface BotResolver {
  /** PTR names of an address (`in-addr.arpa` / `ip6.arpa`), e.g. `['crawl-66-249-66-1.googlebot.com']`. */
  reverse(ip: string): Promise<string[]>;
  /**
   * PTR records of a reverse name (`1.66.249.66.in-addr.arpa`). Used instead of `reverse` when
   * present: Node's `reverse` reports every failure (SERVFAIL, timeout, …) as `ENOTFOUND`,
   * while `resolvePtr` tells them apart, which explanations and negative caching need.
   */
  resolvePtr?(name: string): Promise<string[]>;
  /** A records of a name, as dotted quads. */
  resolve4(hostname: string): Promise<string[]>;
  /** AAAA records of a name. */
  resolve6(hostname: string): Promise<string[]>;
}

/** The reverse-DNS name of an address: `1.66.249.66.in-addr.arpa`, or 32 nibbles under `ip6.arpa`. */
export function reverseName(address: IpAddress): string {
  if (address.family === 4) {
    const v = address.value;
    return `${v & 255}.${(v >>> 8) & 255}.${(v >>> 16) & 255}.${v >>> 24}.in-addr.arpa`;
  }
  const nibbles: string[] = [];
  for (const word of [address.w3, address.w2, address.w1, address.w0]) {
    for (let shift = 0; shift < 32; shift += 4) nibbles.push(((word >>> shift) & 15).toString(16));
  }
  return `${nibbles.join('.')}.ip6.arpa`;
}

/** Record types looked up. */
export type DnsRecordType = 'PTR' | 'A' | 'AAAA';

/**
 * Why a lookup gave no usable answer: `nxdomain` (no such name), `nodata` (the name has no
 * record of that type), `servfail`, `refused`, `timeout` (the resolver's or the verifier's),
 * `busy` (too many lookups queued), `error` (anything else).
 */
export type DnsFailure = 'nxdomain' | 'nodata' | 'servfail' | 'refused' | 'timeout' | 'busy' | 'error';

/** The outcome of one lookup. */
export type DnsAnswer = { ok: true; values: string[]; omitted?: number } | { ok: false; failure: DnsFailure; detail: string };

/** One lookup as a verification saw it (for explanations). */
export interface DnsLookup {
  type: DnsRecordType;
  name: string;
  /** The records, when the lookup answered (of a long PTR answer, the names that matter and a few others). */
  answer?: string[];
  /** Records of the answer left out of `answer`. */
  omitted?: number;
  /** Why it did not. */
  failure?: DnsFailure;
  /** True when the answer came from the cache (no query was sent). */
  cached: boolean;
}

/** Limits and clock of a {@link DnsCache}. */
export interface DnsCacheOptions {
  resolver: BotResolver;
  positiveTtlMs: number;
  negativeTtlMs: number;
  timeoutMs: number;
  maxConcurrent: number;
  maxQueued: number;
  maxEntries: number;
  now: () => number;
  /**
   * Which PTR names matter (those under a directory suffix): all of them are kept, with a few
   * others for explanations, so a hostile zone's thousand names cost no memory in the cache.
   */
  relevantName: (name: string) => boolean;
}

interface CacheEntry {
  /** Infinity while the lookup is in flight. */
  expires: number;
  answer: Promise<DnsAnswer>;
}

/** Most records kept from one answer (a hostile zone can return thousands). */
export const MAX_RECORDS_PER_ANSWER = 64;
/** PTR names that match no suffix, kept for explanations. */
const MAX_IRRELEVANT_NAMES = 8;

/** Node's error codes (and c-ares's names) → failures. */
function failureOf(error: unknown): { failure: DnsFailure; detail: string } {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  const detail = typeof code === 'string' ? code : error instanceof Error ? error.message.slice(0, 200) : 'lookup failed';
  switch (code) {
    case 'ENOTFOUND':
      return { failure: 'nxdomain', detail };
    case 'ENODATA':
      return { failure: 'nodata', detail };
    case 'ESERVFAIL':
      return { failure: 'servfail', detail };
    case 'EREFUSED':
      return { failure: 'refused', detail };
    case 'ETIMEOUT':
    case 'ETIMEDOUT':
      return { failure: 'timeout', detail };
    default:
      return { failure: 'error', detail };
  }
}

/** Resolves to `fallback` after `ms` unless `promise` settles first; the timer never outlives the race. */
export function raceTimeout<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  if (ms <= 0) return Promise.resolve(fallback);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
    (timer as { unref?: () => void }).unref?.();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The DNS side of a verifier: cached, shared, bounded lookups. */
export class DnsCache {
  private readonly entries = new Map<string, CacheEntry>();
  private active = 0;
  private readonly queue: (() => void)[] = [];

  constructor(private readonly options: DnsCacheOptions) {}

  /**
   * Looks `name` up (an address for PTR, a host name for A/AAAA), from the cache when a fresh
   * answer is there. Never rejects.
   */
  async lookup(type: DnsRecordType, name: string): Promise<{ answer: DnsAnswer; cached: boolean }> {
    const key = `${type} ${name}`;
    const now = this.options.now();
    const hit = this.entries.get(key);
    if (hit !== undefined && hit.expires > now) {
      // Least recently used first: move the entry to the end.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return { answer: await hit.answer, cached: true };
    }
    if (hit !== undefined) this.entries.delete(key);
    const entry: CacheEntry = { expires: Infinity, answer: this.query(type, name) };
    this.entries.set(key, entry);
    this.evict();
    const answer = await entry.answer;
    // A lookup evicted or replaced meanwhile is not put back.
    if (this.entries.get(key) === entry) {
      entry.expires = this.options.now() + (answer.ok ? this.options.positiveTtlMs : answer.failure === 'busy' ? 0 : this.options.negativeTtlMs);
      if (entry.expires <= this.options.now()) this.entries.delete(key);
    }
    return { answer, cached: false };
  }

  /** Number of cached answers (including lookups in flight). */
  get size(): number {
    return this.entries.size;
  }

  /** Forgets every cached answer. */
  clear(): void {
    this.entries.clear();
  }

  private evict(): void {
    while (this.entries.size > this.options.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  private async query(type: DnsRecordType, name: string): Promise<DnsAnswer> {
    if (!(await this.acquire())) return { ok: false, failure: 'busy', detail: `more than ${this.options.maxQueued} lookups waiting` };
    try {
      const { resolver } = this.options;
      const call = (): Promise<string[]> => {
        if (type === 'A') return resolver.resolve4(name);
        if (type === 'AAAA') return resolver.resolve6(name);
        const address = typeof resolver.resolvePtr === 'function' ? parseIpAddress(name) : undefined;
        return address !== undefined ? resolver.resolvePtr!(reverseName(address)) : resolver.reverse(name);
      };
      const pending: Promise<DnsAnswer> = Promise.resolve()
        .then(call)
        .then(
          (values): DnsAnswer => {
            if (!Array.isArray(values)) return { ok: false, failure: 'error', detail: 'the resolver did not answer with an array' };
            return this.kept(type, values);
          },
          (error: unknown): DnsAnswer => ({ ok: false, ...failureOf(error) }),
        );
      // A resolver that never answers must not hold its slot for ever.
      return await raceTimeout(pending, this.options.timeoutMs, { ok: false, failure: 'timeout', detail: `no answer within ${this.options.timeoutMs} ms` });
    } finally {
      this.release();
    }
  }

  /** The records of an answer worth keeping (see {@link DnsCacheOptions.relevantName}). */
  private kept(type: DnsRecordType, values: readonly unknown[]): DnsAnswer {
    const strings = values.filter((v): v is string => typeof v === 'string' && v.length <= 1024);
    let relevant = strings;
    let others: string[] = [];
    if (type === 'PTR') {
      relevant = strings.filter((name) => this.options.relevantName(name));
      others = strings.filter((name) => !this.options.relevantName(name)).slice(0, MAX_IRRELEVANT_NAMES);
    }
    const kept = [...relevant.slice(0, MAX_RECORDS_PER_ANSWER), ...others];
    return kept.length === values.length ? { ok: true, values: kept } : { ok: true, values: kept, omitted: values.length - kept.length };
  }

  /** Waits for a lookup slot; false when the queue is full. */
  private acquire(): Promise<boolean> | boolean {
    if (this.active < this.options.maxConcurrent) {
      this.active++;
      return true;
    }
    if (this.queue.length >= this.options.maxQueued) return false;
    return new Promise<boolean>((resolve) => this.queue.push(() => resolve(true)));
  }

  private release(): void {
    const next = this.queue.shift();
    // The slot passes to the next waiter as it is: `active` stays the same.
    if (next !== undefined) next();
    else this.active--;
  }
}
