/**
 * A verification as Cloudflare field values and request facts: `cf.client.bot`,
 * `cf.bot_management.verified_bot` and `cf.verified_bot_category`.
 *
 * @module
 */
import type { RequestFacts } from '../cloudflare/request/fields.js';
import { describeType, WirefilterError } from '../diagnostics/errors.js';
import type { BotVerification } from './verifier.js';

/** The fields a verification fills (a ruleset that reads none of them needs no verification). */
export const BOT_FIELDS: readonly ['cf.client.bot', 'cf.bot_management.verified_bot', 'cf.verified_bot_category'] = Object.freeze([
  'cf.client.bot',
  'cf.bot_management.verified_bot',
  'cf.verified_bot_category',
] as const);

/** Field values of a verification, keyed by field name. */
export interface BotFieldValues {
  'cf.client.bot': boolean;
  'cf.bot_management.verified_bot': boolean;
  /** The category when verified, else `""` (as Cloudflare reports non-verified traffic). */
  'cf.verified_bot_category': string;
}

function isVerified(result: Pick<BotVerification, 'verified' | 'category'> | null | undefined): { verified: boolean; category: string } {
  if (result === undefined || result === null) return { verified: false, category: '' };
  if (typeof result !== 'object') throw new WirefilterError(`expected a bot verification (the result of verify), got ${describeType(result)}`, [], undefined, 'invalid-argument');
  // Only a literal `true` counts: a truthy string or a getter's surprise must never verify.
  const verified = result.verified === true;
  return { verified, category: verified && typeof result.category === 'string' ? result.category : '' };
}

/**
 * The field values of a verification: `cf.client.bot` and `cf.bot_management.verified_bot`
 * true only when verified, `cf.verified_bot_category` its category or `""`. No result
 * (`undefined`, `null`) gives the values of non-verified traffic.
 *
 * @throws WirefilterError `invalid-argument` when `result` is not an object.
 */
export function botFields(result: Pick<BotVerification, 'verified' | 'category'> | null | undefined): BotFieldValues {
  const { verified, category } = isVerified(result);
  return { 'cf.client.bot': verified, 'cf.bot_management.verified_bot': verified, 'cf.verified_bot_category': category };
}

/**
 * The same as request facts (`requestFields(request, { ...facts, ...botFacts(result) })`):
 * `verifiedBot` and `verifiedBotCategory`.
 *
 * @throws WirefilterError `invalid-argument` when `result` is not an object.
 */
export function botFacts(result: Pick<BotVerification, 'verified' | 'category'> | null | undefined): Pick<RequestFacts, 'verifiedBot' | 'verifiedBotCategory'> {
  const { verified, category } = isVerified(result);
  return { verifiedBot: verified, verifiedBotCategory: category };
}
