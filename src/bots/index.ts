/**
 * `wirefilter-ts/bots`: verified bots, computed locally — `cf.client.bot` and
 * `cf.verified_bot_category` from a directory of bots, their operators' IP lists, forward-confirmed
 * reverse DNS and ASNs. Browser-safe: the DNS resolver is injected.
 *
 * ```ts
 * import { Resolver } from 'node:dns/promises';
 * import { createBotVerifier, botFields } from 'wirefilter-ts/bots';
 * const bots = createBotVerifier({ resolver: new Resolver({ timeout: 1000, tries: 2 }) });
 * const result = await bots.verify({ ip: '66.249.66.1', userAgent: req.headers['user-agent'] });
 * const values = { ...fields, ...botFields(result) };
 * ```
 *
 * @module
 */
export { createBotVerifier, bundledBotDirectory } from './verifier.js';
export type { BotVerifier, BotVerifierOptions, BotRequest, BotVerification, BotVerdictReason, BotCheck } from './verifier.js';
export { loadBotDirectory, validateBotDirectory, BotDirectory, BotDirectoryError } from './directory.js';
export type { BotDirectoryInput, BotEntry, BotMethod, BotMethodType, IpListMethod, ReverseDnsMethod, AsnMethod, BotDirectoryProblem } from './directory.js';
export { loadIpList, IpList, DEFAULT_MAX_IP_LIST_ENTRIES } from './ip-list.js';
export type { IpListFormat, LoadIpListOptions } from './ip-list.js';
export type { BotResolver, DnsLookup, DnsFailure, DnsRecordType } from './dns.js';
export { botFields, botFacts, BOT_FIELDS } from './fields.js';
export type { BotFieldValues } from './fields.js';
export { BOT_CATEGORIES, GENERIC_USER_AGENTS, MIN_USER_AGENT_PATTERN_LENGTH } from './policy.js';
