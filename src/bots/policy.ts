/**
 * What Cloudflare's Verified Bots Policy says about user agents and categories, as data: the
 * generic user agents a verified bot may not use, the shortest acceptable pattern, and the
 * values of `cf.verified_bot_category`.
 *
 * @module
 */

/**
 * The generic user agents the Verified Bots Policy refuses (libraries, browsers and tools
 * whose user agent says nothing about who runs them), as the policy lists them.
 */
export const GENERIC_USER_AGENTS: readonly string[] = Object.freeze([
  'Dart',
  'Go-http-client',
  'GuzzleHttp',
  'Google Chrome',
  'Mozilla Firefox',
  'Safari',
  'Nessus',
  'Websocket++',
  'cloudflare-go',
  'fasthttp',
  'got',
  'nginx-ssl early hints',
  'node',
  'node-fetch',
  'okhttp',
  'python-requests',
  'uTorrent',
]);

/**
 * The product tokens those clients put in their `User-Agent` headers (lower-case): a pattern
 * that is one of them followed only by a version (`python-requests/2.31`) is generic too.
 */
const GENERIC_PRODUCT_TOKENS: readonly string[] = [
  'dart',
  'go-http-client',
  'guzzlehttp',
  'chrome',
  'firefox',
  'mozilla',
  'safari',
  'nessus',
  'websocket++',
  'websocketpp',
  'cloudflare-go',
  'fasthttp',
  'got',
  'node',
  'node-fetch',
  'okhttp',
  'python-requests',
  'utorrent',
  'nginx-ssl early hints',
];

/**
 * User agents those generic clients send (browsers, HTTP libraries): a pattern found inside
 * one of them would match ordinary traffic, so it is refused (`Mozilla/5.0`, `AppleWebKit`,
 * `Safari/537`, …). Lower-case.
 */
const GENERIC_USER_AGENT_SAMPLES: readonly string[] = [
  'mozilla/5.0 (windows nt 10.0; win64; x64) applewebkit/537.36 (khtml, like gecko) chrome/126.0.0.0 safari/537.36 edg/126.0.0.0',
  'mozilla/5.0 (macintosh; intel mac os x 10_15_7) applewebkit/537.36 (khtml, like gecko) chrome/126.0.0.0 safari/537.36',
  'mozilla/5.0 (linux; android 10; k) applewebkit/537.36 (khtml, like gecko) chrome/126.0.0.0 mobile safari/537.36',
  'mozilla/5.0 (x11; linux x86_64; rv:127.0) gecko/20100101 firefox/127.0',
  'mozilla/5.0 (windows nt 10.0; win64; x64; rv:127.0) gecko/20100101 firefox/127.0',
  'mozilla/5.0 (macintosh; intel mac os x 10_15_7) applewebkit/605.1.15 (khtml, like gecko) version/17.4 safari/605.1.15',
  'mozilla/5.0 (iphone; cpu iphone os 17_4 like mac os x) applewebkit/605.1.15 (khtml, like gecko) version/17.4 mobile/15e148 safari/604.1',
  'dart/3.4 (dart:io)',
  'go-http-client/1.1',
  'go-http-client/2.0',
  'guzzlehttp/7',
  'nessus',
  'websocket++/0.8.2',
  'websocketpp/0.8.2',
  'cloudflare-go/v4',
  'fasthttp',
  'got (https://github.com/sindresorhus/got)',
  'node',
  'node-fetch/1.0 (+https://github.com/bitinn/node-fetch)',
  'okhttp/4.12.0',
  'python-requests/2.32.3',
  'utorrent/3.6.0',
  'nginx-ssl early hints',
];

/** The shortest user-agent pattern the policy accepts ("at least five characters"). */
export const MIN_USER_AGENT_PATTERN_LENGTH = 5;

/** The longest user-agent pattern a directory may hold. */
export const MAX_USER_AGENT_PATTERN_LENGTH = 256;

/**
 * Why a user-agent pattern is unacceptable, or `undefined` when it is fine. A pattern is a
 * case-insensitive substring of the `User-Agent` header. Refused: fewer than
 * {@link MIN_USER_AGENT_PATTERN_LENGTH} characters, characters outside printable ASCII, or a
 * generic pattern — one found inside a generic client's user agent or name (so it would match
 * ordinary traffic), or a generic product token followed only by a version.
 */
export function userAgentPatternProblem(pattern: string): { code: 'user-agent-too-short' | 'invalid-user-agent' | 'generic-user-agent'; message: string } | undefined {
  if (pattern.trim().length < MIN_USER_AGENT_PATTERN_LENGTH) {
    return { code: 'user-agent-too-short', message: `user-agent patterns need at least ${MIN_USER_AGENT_PATTERN_LENGTH} characters (the Verified Bots Policy), got ${pattern.trim().length}` };
  }
  if (pattern.length > MAX_USER_AGENT_PATTERN_LENGTH) {
    return { code: 'invalid-user-agent', message: `user-agent patterns have at most ${MAX_USER_AGENT_PATTERN_LENGTH} characters, got ${pattern.length}` };
  }
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return { code: 'invalid-user-agent', message: `user-agent patterns are printable ASCII; character ${i + 1} is U+${c.toString(16).toUpperCase().padStart(4, '0')}` };
  }
  const lower = pattern.toLowerCase();
  const inside = GENERIC_USER_AGENTS.find((name) => name.toLowerCase().includes(lower)) ?? GENERIC_USER_AGENT_SAMPLES.find((sample) => sample.includes(lower));
  if (inside !== undefined) return { code: 'generic-user-agent', message: `the pattern would match generic clients (it occurs in ${JSON.stringify(inside)}); the Verified Bots Policy refuses generic user agents` };
  for (const token of GENERIC_PRODUCT_TOKENS) {
    if (lower.startsWith(token) && /^[\s/0-9.()_;:+v-]*$/.test(lower.slice(token.length))) {
      return { code: 'generic-user-agent', message: `the pattern is the generic client ${JSON.stringify(token)} with a version; the Verified Bots Policy refuses generic user agents` };
    }
  }
  return undefined;
}

/**
 * Values of `cf.verified_bot_category`, as Cloudflare spells them. A directory entry's
 * `category` is one of these.
 */
export const BOT_CATEGORIES: readonly string[] = Object.freeze([
  'Academic Research',
  'Accessibility',
  'Advertising & Marketing',
  'Aggregator',
  'AI Assistant',
  'AI Crawler',
  'AI Search',
  'Archiver',
  'Feed Fetcher',
  'Monitoring & Analytics',
  'Page Preview',
  'Search Engine Crawler',
  'Search Engine Optimization',
  'Security',
  'Social Media Marketing',
  'Webhooks',
  'Other',
]);
