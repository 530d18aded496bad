/**
 * `wirefilter-ts/middleware`: enforce a ruleset's decisions in your own server — block
 * responses, challenges a browser solves, signed clearance cookies — with adapters for Node
 * (`http`, Express, Connect) and Fetch runtimes (Workers, Deno, Bun, Hono).
 *
 * ```ts
 * import { createFirewall } from 'wirefilter-ts/middleware';
 * const firewall = createFirewall({ ruleset, secret: process.env.FIREWALL_SECRET });
 * http.createServer((req, res) => firewall.node(req, res, () => app(req, res)));
 * ```
 *
 * @module
 */
export { createFirewall } from './firewall.js';
export type { Firewall, NodeRequest, NodeResponse } from './firewall.js';
export type { FirewallOptions, FirewallRequest, ChallengeOptions, TurnstileOptions } from './options.js';
export type { FirewallEvent, FirewallOutcome } from './events.js';
