/**
 * The Cloudflare profile: every field of Cloudflare's catalogue (a copy of the spec's
 * `fields.json` ships with the package) plus the standard function library.
 *
 * @module
 */
import { Scheme } from '../engine/scheme.js';
import { type FieldDefinition, type ListDefinition } from '../scheme/environment.js';
import { type SchemeOptions } from '../scheme/options.js';
import type { FunctionDefinition } from '../scheme/functions.js';
import catalogue from './fields.json';

/** One entry of Cloudflare's field catalogue, as shipped in `fields.json`. */
export interface CatalogueField {
  name: string;
  type: string;
  description: string;
  category: string;
  notes?: string;
  plan?: string;
  deprecated?: boolean;
}

/** The field catalogue, in Cloudflare's order. */
export const CLOUDFLARE_FIELDS: readonly CatalogueField[] = catalogue as CatalogueField[];

/** Cloudflare's managed IP lists (`$cf.open_proxies`, …); their items are Cloudflare's secret. */
export const MANAGED_IP_LISTS = ['cf.open_proxies', 'cf.anonymizer', 'cf.vpn', 'cf.malware', 'cf.botnetcc'] as const;

/** The phase of WAF custom rules. */
export const WAF_CUSTOM_RULES_PHASE = 'http_request_firewall_custom';

/** Configuration of {@link cloudflareScheme}. */
export interface CloudflareSchemeConfig {
  /**
   * Lists for `in $name`. The managed lists (`cf.open_proxies`, …) exist by default with no
   * items (they never match); pass items under the same names to use your own data.
   */
  lists?: Record<string, ListDefinition>;
  /** Extra functions (added to the standard library). */
  functions?: Record<string, FunctionDefinition>;
  /** Scheme options; set `phase: 'http_request_firewall_custom'` to validate for WAF custom rules. */
  options?: SchemeOptions;
}

/**
 * Fields Cloudflare documents as carrying the same value: `[canonical, alias]`. The scheme
 * declares each alias with `aliasOf`, so supplying either name gives both (contexts,
 * `Filter.execute`); `requestFields` writes both names.
 */
export const FIELD_ALIASES: readonly (readonly [string, string])[] = [
  ['ip.src.asnum', 'ip.geoip.asnum'],
  ['ip.src.country', 'ip.geoip.country'],
  ['ip.src.continent', 'ip.geoip.continent'],
  ['ip.src.subdivision_1_iso_code', 'ip.geoip.subdivision_1_iso_code'],
  ['ip.src.subdivision_2_iso_code', 'ip.geoip.subdivision_2_iso_code'],
  ['ip.src.is_in_european_union', 'ip.geoip.is_in_european_union'],
  ['cf.bot_management.verified_bot', 'cf.client.bot'],
];

/** The replacement a deprecated field's notes name ("prefer ip.src.asnum"), or its notes. */
function deprecationText(field: CatalogueField): string {
  const replacement = /prefer ([a-z0-9_.]+[a-z0-9_])/.exec(field.notes ?? '')?.[1];
  if (replacement !== undefined) return `use ${replacement} instead`;
  return field.notes ?? 'Cloudflare has deprecated this field';
}

/** Scheme field definitions of the catalogue, with metadata for tools. */
export function cloudflareFieldDefinitions(): Record<string, FieldDefinition> {
  const fields: Record<string, FieldDefinition> = {};
  // Built here, not at module load: a bundle that never builds the Cloudflare scheme drops it.
  const aliasOf = new Map(FIELD_ALIASES.map(([canonical, alias]) => [alias, canonical]));
  for (const field of CLOUDFLARE_FIELDS) {
    fields[field.name] = {
      type: field.type,
      description: field.description,
      category: field.category,
      ...(field.notes !== undefined && { notes: field.notes }),
      ...(field.plan !== undefined && { plan: field.plan }),
      ...(field.deprecated === true && { deprecated: deprecationText(field) }),
      ...(aliasOf.has(field.name) && { aliasOf: aliasOf.get(field.name) }),
    };
  }
  return fields;
}

/**
 * A scheme with every Cloudflare field and the standard functions. Deprecated fields
 * (`ip.geoip.*`, `cf.threat_score`, …) validate with a `deprecated-field` warning naming the
 * replacement.
 */
export function cloudflareScheme(config: CloudflareSchemeConfig = {}): Scheme {
  const lists: Record<string, ListDefinition> = {};
  for (const name of MANAGED_IP_LISTS) lists[name] = { type: 'Ip', items: [], description: 'Cloudflare managed list' };
  // Own properties, so that a list named `__proto__` (valid list name) is a list, not a prototype.
  for (const [name, list] of Object.entries(config.lists ?? {})) Object.defineProperty(lists, name, { value: list, enumerable: true, writable: true, configurable: true });
  return new Scheme({ fields: cloudflareFieldDefinitions(), functions: config.functions, lists, options: config.options });
}
