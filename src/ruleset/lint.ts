/**
 * Static checks over loaded rulesets: ordering mistakes Cloudflare's API accepts but that
 * make rules behave differently from what their author intended. All are warnings.
 *
 * @module
 */
import { CHALLENGES, isTerminating } from './actions.js';
import type { LoadedRule, LoadedRuleset } from './load.js';
import type { RulesetProblem } from './types.js';

/** Enabled and compiled: the rules that run. */
const active = (rule: LoadedRule): boolean => rule.condition !== undefined;

/** Names the first few rules and counts the rest, so warnings stay short in large rulesets. */
function listRules(rules: readonly LoadedRule[], name: (rule: LoadedRule) => string): string {
  const shown = rules.slice(0, 3).map(name).join(', ');
  return rules.length > 3 ? `${shown} and ${rules.length - 3} more` : shown;
}

/** Runs every static check; returns warnings in rule order. */
export function lintRulesets(rulesets: readonly LoadedRuleset[]): RulesetProblem[] {
  const warnings: RulesetProblem[] = [];
  const warn = (ruleset: LoadedRuleset, rule: LoadedRule, code: string, message: string): void => {
    warnings.push({ code, severity: 'warning', message, ruleset: ruleset.label, rule: rule.id, index: rule.index, path: `rules[${rule.index}]` });
  };
  for (const ruleset of rulesets) {
    const terminatingBefore: LoadedRule[] = [];
    const challengesBefore: LoadedRule[] = [];
    let catchAll: LoadedRule | undefined;
    for (const rule of ruleset.rules) {
      if (!active(rule)) continue;
      if (catchAll !== undefined) {
        warn(ruleset, rule, 'unreachable-rule', `never evaluated: rule ${catchAll.id} (${catchAll.action}) matches every request and ends the phase first`);
        continue;
      }
      if (rule.action === 'skip' && (rule.skip?.ruleset === true || rule.skip?.phase === true) && terminatingBefore.length > 0) {
        const names = listRules(terminatingBefore, (r) => `${r.id} (${r.action})`);
        warn(ruleset, rule, 'skip-after-terminating-rule', `a skip rule only affects rules after it; it does not exempt requests from ${names}, which come first`);
      }
      if (rule.action === 'block' && challengesBefore.length > 0) {
        const names = listRules(challengesBefore, (r) => r.id);
        warn(ruleset, rule, 'block-after-challenge', `visitors who pass the earlier challenge (${names}) end the phase there, so this block never applies to them; put block rules first`);
      }
      if (isTerminating(rule.action)) {
        terminatingBefore.push(rule);
        if (Object.hasOwn(CHALLENGES, rule.action)) challengesBefore.push(rule);
        if (rule.filter!.constant === true) catchAll = rule;
      }
    }
  }
  return warnings;
}
