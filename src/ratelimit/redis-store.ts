/**
 * `redisStore`: rate limiting counters in Redis, shared by every process that points at the
 * same server. Each hit is one atomic Lua script (EVALSHA, falling back to EVAL when the
 * server does not know the script), computing exactly what {@link memoryStore} computes from
 * the same hits: the caller's clock is passed in, never Redis's, so replays and tests give the
 * same answers. Works with the client the application already has — node-redis v4/v5,
 * ioredis, or anything that can send one raw command — detected by shape; the library itself
 * depends on none of them.
 *
 * @module
 */
import { describeType, describeValue, WirefilterError } from '../diagnostics/errors.js';
import { closestName } from '../diagnostics/suggest.js';
import type { RateLimitCount, RateLimitHit, RateLimitStore } from './types.js';

/**
 * A node-redis v4/v5 client (`createClient()` from the `redis` or `@redis/client` package,
 * or `createCluster()`), connected by the application. Recognised by its camelCase `evalSha`.
 */
export interface NodeRedisClient {
  /** EVALSHA: runs a loaded script. */
  evalSha(sha1: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  /** EVAL: runs (and loads) a script. */
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  /** DEL: deletes keys. */
  del(keys: string[]): Promise<unknown>;
}

/**
 * An ioredis client (`new Redis()` or `new Redis.Cluster()`). Recognised by its lowercase
 * `evalsha` next to `call`. A `keyPrefix` configured on the client applies on top of
 * {@link RedisStoreOptions.keyPrefix}.
 */
export interface IORedisClient {
  /** EVALSHA: runs a loaded script. */
  evalsha(sha1: string, numkeys: number, ...keysAndArgs: string[]): Promise<unknown>;
  /** EVAL: runs (and loads) a script. */
  eval(script: string, numkeys: number, ...keysAndArgs: string[]): Promise<unknown>;
  /** DEL: deletes keys. */
  del(...keys: string[]): Promise<unknown>;
  /** Sends any command (not used; it tells ioredis apart from a custom object). */
  call(command: string, ...args: string[]): Promise<unknown>;
}

/**
 * Any other way to Redis (another library, a proxy, a cluster router): one function sending
 * one raw command such as `['EVALSHA', sha1, '2', key1, key2, ...args]`, resolving with the
 * reply (arrays as arrays, bulk strings as strings) and rejecting with error replies as errors
 * whose message keeps Redis's text (the store looks for `NOSCRIPT` in it).
 */
export interface RedisCommandSender {
  /** Sends one command, its name first, and resolves with Redis's reply. */
  sendCommand(command: string[]): Promise<unknown>;
}

/** The clients {@link redisStore} accepts; which one is told by shape, in this order. */
export type RedisStoreClient = NodeRedisClient | IORedisClient | RedisCommandSender;

/** Which kind of client a {@link RedisStore} found. */
export type RedisClientKind = 'node-redis' | 'ioredis' | 'command-sender';

/** Options of {@link redisStore}. */
export interface RedisStoreOptions {
  /**
   * Prefix of every key the store writes (default `'wirefilter:rl:'`): the counter `k` lives
   * in the hash `<prefix>{k}` and, with `sliding-log`, the list `<prefix>{k}:log` (the braces
   * keep both in one Redis Cluster slot).
   */
  keyPrefix?: string;
  /**
   * Milliseconds a hit or reset may take before its promise rejects with code
   * `store-timeout` (default 1000; from 1 to 2,147,483,647), so that an unreachable or hung
   * Redis never holds a request: the limiter then decides by `failOpen`. The command itself
   * is left to the client (its own reconnection and queueing).
   */
  timeoutMs?: number;
}

/** A {@link RateLimitStore} in Redis. */
export interface RedisStore extends RateLimitStore {
  /** The kind of client found. */
  readonly clientKind: RedisClientKind;
  /**
   * The SHA-1 of the Lua script (what EVALSHA sends), once computed with Web Crypto; where
   * that is missing it rejects and every hit sends the script itself (EVAL).
   */
  readonly scriptSha1: Promise<string>;
  /** The Redis keys of counter `key`: its hash, and its list of hit times (`sliding-log`). */
  redisKeys(key: string): { state: string; log: string };
}

/** Default of {@link RedisStoreOptions.keyPrefix}. */
export const DEFAULT_REDIS_KEY_PREFIX = 'wirefilter:rl:';

/** Default of {@link RedisStoreOptions.timeoutMs}. */
export const DEFAULT_REDIS_TIMEOUT_MS = 1000;

/** The longest timer `setTimeout` keeps (a longer one fires at once). */
const MAX_TIMEOUT_MS = 2_147_483_647;

const OPTION_NAMES: ReadonlySet<string> = new Set(['keyPrefix', 'timeoutMs']);

/**
 * One hit, atomically: {@link memoryStore}'s `hit` in Lua, operation for operation (Lua
 * numbers are doubles, as JavaScript's are, so the arithmetic gives the same bits).
 *
 * KEYS: the counter's hash, its list of hit times (`sliding-log`). ARGV: now, periodMs,
 * algorithm, limit, mitigationMs, cost, as decimal strings (JavaScript's shortest round-trip
 * form, which `tonumber` reads back exactly). The hash holds the algorithm, period and limit
 * the counter was made with (as given, compared as strings), when it stops mattering
 * (`expires`, on the caller's clock), the sliding-window state and the mitigation end; a hit
 * writes only the fields it changed, and moves the key's expiry only when `expires` moved
 * (the list's on every sliding-log hit). Numbers reach Redis as Lua numbers, which Redis
 * writes with 17 significant digits (or the shortest exact form): every double round-trips.
 * The answer is `{ count, mitigatedUntil or "" }`: integers as integer replies, other numbers
 * as `%.17g` strings, because Redis truncates Lua numbers in replies to integers.
 */
const SCRIPT = `local now = tonumber(ARGV[1])
local period = tonumber(ARGV[2])
local algorithm = ARGV[3]
local limit = tonumber(ARGV[4])
local mitigation = tonumber(ARGV[5])
local cost = tonumber(ARGV[6])
if not (now and period and limit and mitigation and cost) or period <= 0 then
  return redis.error_reply('ERR wirefilter rate limit: bad arguments')
end
if algorithm ~= 'sliding-window' and algorithm ~= 'sliding-log' then
  return redis.error_reply('ERR wirefilter rate limit: unknown algorithm')
end
local function exact(x)
  if x == math.floor(x) and x > -9007199254740992 and x < 9007199254740992 then return x end
  return string.format('%.17g', x)
end
local state = redis.call('HMGET', KEYS[1], 'algorithm', 'period', 'expires', 'window', 'current', 'previous', 'mitigated', 'limit')
local fresh = not (state[1] == algorithm and state[2] == ARGV[2] and tonumber(state[3]) > now)
local changes = {}
local function set(field, value)
  changes[#changes + 1] = field
  changes[#changes + 1] = value
end
local window, current, previous, mitigated, expires
if fresh then
  window = math.floor(now / period) * period
  current = 0
  previous = 0
  mitigated = 0
  redis.call('DEL', KEYS[2])
  set('algorithm', algorithm)
  set('period', ARGV[2])
else
  window = tonumber(state[4])
  current = tonumber(state[5])
  previous = tonumber(state[6])
  mitigated = tonumber(state[7])
  expires = tonumber(state[3])
end
local count, lifetime
if algorithm == 'sliding-window' then
  local start = math.floor(now / period) * period
  local before = current
  if start > window then
    if start - window == period then previous = current else previous = 0 end
    current = 0
    window = start
    set('window', window)
    set('previous', previous)
  elseif fresh then
    set('window', window)
    set('previous', previous)
  end
  current = current + cost
  if current ~= before or fresh then set('current', current) end
  local elapsed = math.max(0, now - window)
  count = previous * ((period - elapsed) / period) + current
  lifetime = window + 2 * period
else
  local capacity = limit + 1
  if not fresh and state[8] ~= ARGV[4] then redis.call('DEL', KEYS[2]) end
  if fresh or state[8] ~= ARGV[4] then set('limit', ARGV[4]) end
  local oldest = now - period
  while true do
    local first = redis.call('LINDEX', KEYS[2], 0)
    if not first or tonumber(first) > oldest then break end
    redis.call('LPOP', KEYS[2])
  end
  local pushes = math.ceil(math.min(cost, capacity))
  while pushes > 0 do
    local chunk = math.min(pushes, 1000)
    local items = {}
    for i = 1, chunk do items[i] = ARGV[1] end
    redis.call('RPUSH', KEYS[2], unpack(items))
    pushes = pushes - chunk
  end
  if cost > 0 then redis.call('LTRIM', KEYS[2], -capacity, -1) end
  count = redis.call('LLEN', KEYS[2])
  lifetime = now + period
end
if mitigated <= now and count > limit and mitigation > 0 then
  mitigated = now + mitigation
  set('mitigated', mitigated)
elseif fresh then
  set('mitigated', mitigated)
end
local newExpires = math.max(lifetime, mitigated)
if newExpires ~= expires then set('expires', newExpires) end
if #changes > 0 then redis.call('HSET', KEYS[1], unpack(changes)) end
local ttl = math.max(1, math.ceil(newExpires - now))
if newExpires ~= expires then redis.call('PEXPIRE', KEYS[1], ttl) end
if algorithm == 'sliding-log' then redis.call('PEXPIRE', KEYS[2], ttl) end
if mitigated > now then return { exact(count), exact(mitigated) } end
return { exact(count), '' }
`;

/** The three commands the store sends, whatever the client. */
interface RedisCommands {
  kind: RedisClientKind;
  evalsha(sha1: string, keys: string[], args: string[]): Promise<unknown>;
  eval(script: string, keys: string[], args: string[]): Promise<unknown>;
  del(keys: string[]): Promise<unknown>;
}

type Method = (...args: unknown[]) => Promise<unknown>;

/** Finds which kind of client `client` is (by shape only: nothing is called). */
function adapt(client: unknown): RedisCommands | undefined {
  if ((typeof client !== 'object' && typeof client !== 'function') || client === null) return undefined;
  const c = client as Record<string, unknown>;
  const has = (...names: string[]): boolean => names.every((name) => typeof c[name] === 'function');
  const call = (name: string, ...args: unknown[]): Promise<unknown> => (c[name] as Method).apply(client, args);
  if (has('evalSha', 'eval', 'del')) {
    return {
      kind: 'node-redis',
      evalsha: (sha1, keys, args) => call('evalSha', sha1, { keys, arguments: args }),
      eval: (script, keys, args) => call('eval', script, { keys, arguments: args }),
      del: (keys) => call('del', keys),
    };
  }
  if (has('evalsha', 'eval', 'del', 'call')) {
    return {
      kind: 'ioredis',
      evalsha: (sha1, keys, args) => call('evalsha', sha1, keys.length, ...keys, ...args),
      eval: (script, keys, args) => call('eval', script, keys.length, ...keys, ...args),
      del: (keys) => call('del', ...keys),
    };
  }
  if (has('sendCommand')) {
    return {
      kind: 'command-sender',
      evalsha: (sha1, keys, args) => call('sendCommand', ['EVALSHA', sha1, String(keys.length), ...keys, ...args]),
      eval: (script, keys, args) => call('sendCommand', ['EVAL', script, String(keys.length), ...keys, ...args]),
      del: (keys) => call('sendCommand', ['DEL', ...keys]),
    };
  }
  return undefined;
}

const invalidOption = (message: string): WirefilterError => new WirefilterError(message, [], undefined, 'invalid-option');

/** The hex SHA-1 of `text` (Web Crypto: Node 20+, Deno, Bun, workers). */
async function sha1Hex(text: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-1', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** True for Redis's "script not loaded" error reply, from any client. */
function isNoScript(error: unknown): boolean {
  const message = typeof error === 'object' && error !== null ? (error as { message?: unknown }).message : error;
  return typeof message === 'string' && message.includes('NOSCRIPT');
}

/** A reply element as a number: integer replies as they are, exact decimals from strings or bytes. */
function replyNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  const text = typeof value === 'string' ? value : value instanceof Uint8Array ? new TextDecoder().decode(value) : undefined;
  return text === undefined || text === '' ? undefined : Number(text);
}

/** True for the empty string (or no bytes) the script answers when the counter is not mitigated. */
const isEmptyReply = (value: unknown): boolean => value === '' || (value instanceof Uint8Array && value.length === 0);

/** Reads the script's `{ count, mitigatedUntil or "" }`; anything else is a store error. */
function readReply(reply: unknown): RateLimitCount {
  if (Array.isArray(reply) && reply.length === 2) {
    const count = replyNumber(reply[0]);
    const mitigatedUntil = isEmptyReply(reply[1]) ? undefined : replyNumber(reply[1]);
    if (count !== undefined && Number.isFinite(count)) {
      if (mitigatedUntil === undefined && isEmptyReply(reply[1])) return { count };
      if (mitigatedUntil !== undefined && Number.isFinite(mitigatedUntil)) return { count, mitigatedUntil };
    }
  }
  const shown = Array.isArray(reply) ? `[${reply.map((part) => describeValue(part)).join(', ')}]` : describeValue(reply);
  throw new WirefilterError(`redisStore: the rate limit script answered ${shown}, not [count, mitigatedUntil]`, [], undefined, 'store-reply');
}

/**
 * A counter store in Redis, through the application's own client (see
 * {@link RedisStoreClient}): node-redis v4/v5 (`createClient()`, connected), ioredis
 * (`new Redis()`), or `{ sendCommand(command: string[]) }` for anything else. Needs Redis 4
 * or later (multi-field HSET).
 *
 * Every hit runs one Lua script atomically in Redis, so counters add up exactly across
 * processes, and answers exactly as {@link memoryStore} would for the same hits. Keys expire
 * (PEXPIRE) after the lifetime the memory store gives a counter: the end of the next window
 * (`sliding-window`), one period after the last hit (`sliding-log`), or the end of its
 * mitigation if later. Client errors are rejected promises; a command not answered within
 * `timeoutMs` rejects with code `store-timeout`. Throws `invalid-option` for an unrecognised
 * client or bad options.
 */
export function redisStore(client: RedisStoreClient, options: RedisStoreOptions = {}): RedisStore {
  const commands = adapt(client);
  if (commands === undefined) {
    throw invalidOption(`redisStore: expected a node-redis client (evalSha), an ioredis client (evalsha, call) or an object with sendCommand(command), got ${describeType(client)}`);
  }
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw invalidOption(`redisStore: expected an options object, got ${describeType(options)}`);
  const problems: string[] = [];
  for (const name of Object.keys(options)) {
    if (OPTION_NAMES.has(name)) continue;
    const near = closestName(name, OPTION_NAMES);
    problems.push(`unknown option \`${name.slice(0, 60)}\`${near === undefined ? '' : `; did you mean \`${near}\`?`}`);
  }
  const keyPrefix = options.keyPrefix ?? DEFAULT_REDIS_KEY_PREFIX;
  if (typeof keyPrefix !== 'string') problems.push(`\`keyPrefix\` must be a string, got ${describeValue(keyPrefix)}`);
  const timeoutMs = options.timeoutMs ?? DEFAULT_REDIS_TIMEOUT_MS;
  if (typeof timeoutMs !== 'number' || !Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > MAX_TIMEOUT_MS) {
    problems.push(`\`timeoutMs\` must be an integer from 1 to ${MAX_TIMEOUT_MS}, got ${describeValue(timeoutMs)}`);
  }
  if (problems.length > 0) throw invalidOption(`redisStore: ${problems.join('; ')}`);

  let sha1: string | undefined;
  const scriptSha1 = sha1Hex(SCRIPT).then((hex) => (sha1 = hex));
  let sha1Failed = false; // no Web Crypto: every hit sends the script itself (EVAL)
  scriptSha1.catch(() => (sha1Failed = true));
  const redisKeys = (key: string) => {
    const state = `${keyPrefix}{${key}}`;
    return { state, log: `${state}:log` };
  };

  /** Runs `work`, rejecting with `store-timeout` when it has not settled after `timeoutMs`. */
  const bounded = <T>(what: string, work: () => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new WirefilterError(`redisStore: Redis did not answer ${what} within ${timeoutMs} ms`, [], undefined, 'store-timeout')), timeoutMs);
      (timer as { unref?: () => void }).unref?.();
      let running: Promise<T>;
      try {
        running = work();
      } catch (error) {
        running = Promise.reject(error); // a client throwing synchronously (closed, say)
      }
      running.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });

  const runScript = async (keys: string[], args: string[]): Promise<unknown> => {
    const sha = sha1 ?? (sha1Failed ? undefined : await scriptSha1.catch(() => undefined));
    if (sha === undefined) return commands.eval(SCRIPT, keys, args);
    try {
      return await commands.evalsha(sha, keys, args);
    } catch (error) {
      if (!isNoScript(error)) throw error;
      return commands.eval(SCRIPT, keys, args); // loads the script for the next EVALSHA too
    }
  };

  return {
    clientKind: commands.kind,
    scriptSha1,
    redisKeys,
    hit: (key: string, h: RateLimitHit) => {
      const { state, log } = redisKeys(key);
      const args = [String(h.now), String(h.periodMs), h.algorithm, String(h.limit), String(h.mitigationMs), String(h.cost)];
      return bounded('a hit', () => runScript([state, log], args)).then(readReply);
    },
    reset: async (key: string) => {
      const { state, log } = redisKeys(key);
      await bounded('a reset', () => commands.del([state, log]));
    },
  };
}
