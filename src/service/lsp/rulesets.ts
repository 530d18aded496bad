/**
 * Finds the filter expressions inside Cloudflare Rulesets API JSON: a ruleset object
 * (`{"phase": …, "rules": [...]}`), an API response (`{"result": {...}}` or
 * `{"result": [...]}`), a bare rules array, or a single rule. Each rule's `expression` and
 * its rate-limiting `ratelimit.counting_expression` are expressions.
 *
 * @module
 */
import { jsonString, parseJsonNodes, scanStrings, type JsonNode, type JsonString } from '../../json/located.js';

/** An expression embedded in a JSON document. */
export interface EmbeddedExpression {
  /** The JSON string holding the expression (decoded value and offset map). */
  string: JsonString;
  /**
   * The phase of the ruleset it belongs to, when the document says; `http_ratelimit` for a
   * rule with a `ratelimit` block in a document that names no phase.
   */
  phase?: string;
  /** True for a rate limiting rule's `ratelimit.counting_expression` (response fields are valid there). */
  counting?: boolean;
}

type JsonObject = JsonNode & { kind: 'object' };

const RATE_LIMITING_PHASE = 'http_ratelimit';
type JsonStringNode = JsonNode & { kind: 'string' };

function member(node: JsonNode | undefined, name: string): JsonNode | undefined {
  return node?.kind === 'object' ? node.members?.get(name) : undefined;
}

function stringMember(node: JsonNode | undefined, name: string): JsonStringNode | undefined {
  const value = member(node, name);
  return value?.kind === 'string' ? (value as JsonStringNode) : undefined;
}

const isRule = (node: JsonNode): node is JsonObject => node.kind === 'object' && stringMember(node, 'expression') !== undefined;
const isRuleset = (node: JsonNode): node is JsonObject => node.kind === 'object' && member(node, 'rules')?.kind === 'array';

/** `text` is the document's: the offset maps of expressions are made from it. */
function fromRule(text: string, rule: JsonNode, phase: string | undefined, out: EmbeddedExpression[]): void {
  if (rule.kind !== 'object') return;
  const rateLimit = member(rule, 'ratelimit');
  const rulePhase = phase ?? (rateLimit?.kind === 'object' ? RATE_LIMITING_PHASE : undefined);
  const add = (node: JsonStringNode, counting: boolean): void => {
    const string = jsonString(text, node);
    out.push({ string, ...(rulePhase !== undefined && { phase: rulePhase }), ...(counting && { counting }) });
  };
  const expression = stringMember(rule, 'expression');
  if (expression !== undefined) add(expression, false);
  // An empty counting expression means "same as the rule expression": nothing to check.
  const counting = stringMember(rateLimit, 'counting_expression');
  if (counting !== undefined && counting.value !== '') add(counting, true);
}

function fromRuleset(text: string, ruleset: JsonObject, out: EmbeddedExpression[]): void {
  const phase = stringMember(ruleset, 'phase')?.value as string | undefined;
  const rules = member(ruleset, 'rules');
  if (rules?.kind === 'array') for (const rule of rules.elements!) fromRule(text, rule, phase, out);
}

/** The expressions of a parsed document, or `undefined` when it is not Rulesets JSON. */
function fromTree(text: string, root: JsonNode): EmbeddedExpression[] | undefined {
  const out: EmbeddedExpression[] = [];
  const top = member(root, 'result') ?? root;
  if (top.kind === 'array') {
    const items = top.elements!;
    if (!items.some((item) => isRule(item) || isRuleset(item))) return undefined;
    for (const item of items) {
      if (isRuleset(item)) fromRuleset(text, item, out);
      else fromRule(text, item, undefined, out);
    }
    return out;
  }
  if (isRuleset(top)) {
    fromRuleset(text, top, out);
    return out;
  }
  if (isRule(top)) {
    fromRule(text, top, undefined, out);
    return out;
  }
  return undefined;
}

/**
 * The expressions of a Rulesets JSON document, or `undefined` when the document does not
 * look like one. While the document is not valid JSON (mid-edit), every string that is the
 * value of an `"expression"` or `"counting_expression"` member is taken.
 */
export function findExpressions(text: string): EmbeddedExpression[] | undefined {
  let root: JsonNode;
  try {
    root = parseJsonNodes(text);
  } catch {
    return scanExpressions(text);
  }
  return fromTree(text, root);
}

function scanExpressions(text: string): EmbeddedExpression[] | undefined {
  const strings = scanStrings(text);
  const out: EmbeddedExpression[] = [];
  let phase: string | undefined;
  for (let i = 0; i + 1 < strings.length; i++) {
    const key = strings[i]!;
    const value = strings[i + 1]!;
    if (key.after !== ':' || value.before !== ':') continue;
    if (key.string.value === 'phase' && phase === undefined) phase = value.string.value;
    if (key.string.value === 'expression') out.push({ string: value.string });
    else if (key.string.value === 'counting_expression' && value.string.value !== '') out.push({ string: value.string, counting: true });
  }
  if (out.length === 0) return undefined;
  return phase === undefined ? out : out.map((e) => ({ ...e, phase }));
}
