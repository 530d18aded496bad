/// <reference lib="dom" />
/**
 * The playground: Rules-language editors (the `wirefilter` CodeMirror extension over the
 * Cloudflare scheme), a JSON panel of request field values, the live result against those
 * values and the trace of why — recomputed on every edit. Two modes: one expression (its
 * `true`/`false`, traced as a one-rule ruleset), or a whole WAF custom-rules ruleset (the
 * decision, and a trace of every rule).
 */
import { closeBrackets, closeBracketsKeymap } from '@codemirror/autocomplete';
import type { Extension } from '@codemirror/state';
import { EditorView, drawSelection, highlightSpecialChars, keymap, placeholder } from '@codemirror/view';
import { cloudflareScheme, renderTrace, Ruleset, RulesetError, WAF_CUSTOM_RULES_PHASE, type Decision, type Diagnostic, type RuleInput, type RulesetProblem, type TraceValue } from '../src/index.js';
import { LanguageService } from '../src/service/index.js';
import { wirefilter } from '../src/service/codemirror/index.js';
import { basicEditing } from './editing.js';
import { renderTraceTree, showValue } from './trace-view.js';
import { checkRequestValues, SAMPLE_JSON, type ValueProblem } from './values.js';

const PHASE = WAF_CUSTOM_RULES_PHASE;
const scheme = cloudflareScheme();
// One language service for every editor on the page.
const service = new LanguageService(scheme, { phase: PHASE });

const EXAMPLES: { name: string; expression: string }[] = [
  {
    name: 'Shop search, humans only',
    expression:
      'http.host eq "example.com" and starts_with(http.request.uri.path, "/products") and not cf.client.bot and cf.bot_management.score gt 30',
  },
  { name: 'Admin area from abroad', expression: 'http.request.uri.path contains "/admin" and ip.src.country ne "GB"' },
  { name: 'Office networks', expression: 'ip.src in {203.0.113.0/24 198.51.100.0/24} or ip.src.asnum in {16509 15169 8075}' },
  { name: 'curl or wget user agents', expression: 'any(lower(http.request.headers["user-agent"][*])[*] contains "curl") or http.user_agent contains "Wget"' },
  { name: 'Writes to the API', expression: 'http.request.uri.path matches r"^/api/v[0-9]+/" and http.request.method in {"POST" "PUT" "DELETE"}' },
  { name: 'Likely attacks (WAF score)', expression: 'cf.waf.score lt 20 or http.request.uri.query contains "<script"' },
  { name: 'Deprecated field (warning)', expression: 'ip.geoip.country eq "GB"' },
  { name: 'Broken expression', expression: 'http.hots eq "example.com" and ip.src in {10.0.0.1/8}' },
];

/** The ruleset mode's starting rules: a realistic zone's custom rules. */
const SAMPLE_RULES: RuleInput[] = [
  { ref: 'office', expression: 'ip.src in {192.0.2.0/24}', action: 'skip' },
  { ref: 'env-files', expression: 'http.request.uri.path wildcard r"/.env*"', action: 'block' },
  { ref: 'admin', expression: 'starts_with(http.request.uri.path, "/admin") and not ip.src in {198.51.100.0/24}', action: 'block' },
  { ref: 'sqli-watch', expression: 'cf.waf.score lt 20', action: 'log' },
  { ref: 'cloud-asns', expression: 'ip.src.asnum in {16509 15169 8075} and not cf.client.bot', action: 'managed_challenge' },
  { ref: 'bad-bots', expression: 'cf.bot_management.score lt 30 and not cf.bot_management.verified_bot', action: 'managed_challenge' },
];

const ACTIONS = ['block', 'managed_challenge', 'js_challenge', 'challenge', 'log', 'skip'];

function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`#${id} is missing`);
  return element as T;
}

const ui = {
  phase: byId('phase'),
  tabExpression: byId<HTMLButtonElement>('tab-expression'),
  tabRuleset: byId<HTMLButtonElement>('tab-ruleset'),
  expressionMode: byId('expression-mode'),
  rulesetMode: byId('ruleset-mode'),
  editor: byId('editor'),
  examples: byId<HTMLSelectElement>('examples'),
  format: byId<HTMLButtonElement>('format'),
  diagnostics: byId<HTMLUListElement>('diagnostics'),
  rules: byId<HTMLOListElement>('rules'),
  addRule: byId<HTMLButtonElement>('add-rule'),
  action: byId<HTMLSelectElement>('action'),
  result: byId<HTMLOutputElement>('result'),
  summary: byId('result-summary'),
  decision: byId('decision'),
  reads: byId('reads'),
  trace: byId('trace'),
  traceText: byId('trace-text'),
  values: byId<HTMLTextAreaElement>('values'),
  resetValues: byId<HTMLButtonElement>('reset-values'),
  valueProblems: byId<HTMLUListElement>('value-problems'),
};

let mode: 'expression' | 'ruleset' = 'expression';

// ---------------------------------------------------------------------------------------
// DOM helpers (text only: expressions, values and messages are user input)

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className !== undefined) e.className = className;
  e.append(...children);
  return e;
}

/**
 * A Markdown code span: a run of backticks, text that neither starts nor ends with one, and
 * a run of the same length (unmatched backticks stay text).
 */
const CODE_SPAN = /(?<!`)(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)/g;

/** A message with its `code` spans as `<code>` (DOM calls only: messages quote user text). */
function message(text: string): HTMLSpanElement {
  const span = element('span', 'problem-message');
  let at = 0;
  for (const match of text.matchAll(CODE_SPAN)) {
    span.append(text.slice(at, match.index), element('code', undefined, match[2]!));
    at = match.index + match[0].length;
  }
  span.append(text.slice(at));
  return span;
}

function diagnosticList(list: HTMLUListElement, diagnostics: readonly Diagnostic[], view: EditorView): void {
  list.replaceChildren(
    ...diagnostics.map((d) => {
      const li = element('li', `problem problem-${d.severity}`, element('span', 'problem-where', `${d.line}:${d.column}`), message(d.message), element('span', 'problem-code', d.code));
      li.tabIndex = 0;
      li.title = 'Show in the editor';
      const reveal = (): void => {
        view.dispatch({ selection: { anchor: d.span.start, head: d.span.end }, scrollIntoView: true });
        view.focus();
      };
      li.addEventListener('click', reveal);
      li.addEventListener('keydown', (event) => {
        if (event.key === 'Enter') reveal();
      });
      return li;
    }),
  );
}

function showValueProblems(problems: readonly ValueProblem[]): void {
  ui.valueProblems.replaceChildren(
    ...problems.map((p) =>
      element(
        'li',
        `problem problem-${p.severity}`,
        element('span', 'problem-where', p.line !== undefined ? `line ${p.line}` : ''),
        element('span', 'problem-message', p.path === 'JSON' ? p.message : `${p.path}: ${p.message}`),
      ),
    ),
  );
  ui.values.classList.toggle('invalid', problems.some((p) => p.severity === 'error' && p.path === 'JSON'));
}

function setResult(state: string, text: string, summary: string): void {
  ui.result.dataset.state = state;
  ui.result.textContent = text;
  ui.summary.textContent = summary;
}

function clearOutcome(): void {
  ui.decision.replaceChildren();
  ui.reads.replaceChildren();
  ui.trace.replaceChildren();
  ui.traceText.textContent = '';
}

/**
 * An expression as `<code>` colored like the editors: the language service's semantic tokens
 * become spans with the extension's stable `cm-wf-<type>` and `cm-wf-<modifier>` classes
 * (colored in style.css); unknown and invalid tokens stay plain text.
 */
function highlight(expression: string): HTMLElement {
  const code = element('code', 'expr');
  let at = 0;
  for (const token of service.semanticTokens(expression)) {
    if (token.type === 'unknown' || token.modifiers.includes('invalid') || token.span.start < at) continue;
    const classes = [token.type, ...token.modifiers].map((name) => `cm-wf-${name}`).join(' ');
    code.append(expression.slice(at, token.span.start), element('span', classes, expression.slice(token.span.start, token.span.end)));
    at = token.span.end;
  }
  code.append(expression.slice(at));
  return code;
}

/** Which fields the expression reads, and what the request holds for them. */
function showReads(fields: readonly string[], values: Record<string, unknown>): void {
  if (fields.length === 0) {
    ui.reads.replaceChildren();
    return;
  }
  const chips = fields.map((name) => {
    const present = Object.prototype.hasOwnProperty.call(values, name);
    const chip = element('span', `chip ${present ? 'chip-value' : 'chip-missing'}`, element('span', 'chip-name', name), ' = ', element('span', 'chip-data', present ? showValue(values[name] as TraceValue) : 'missing'));
    if (!present) chip.title = 'not in the request values: comparisons with it are false';
    return chip;
  });
  ui.reads.replaceChildren(element('span', 'reads-label', 'reads'), ...chips);
}

function showDecision(decision: Decision): void {
  const parts: (Node | string)[] = ['Ruleset decision: ', element('span', `decision-action decision-${decision.action}`, decision.action)];
  if (decision.ruleId !== null) parts.push(' by ', element('code', undefined, decision.ruleId));
  if (decision.events.length > 0) parts.push(` · events: ${decision.events.map((e) => `${e.ruleId}:${e.action}`).join(', ')}`);
  if (decision.skipped.phases.length > 0) parts.push(` · skips ${decision.skipped.phases.join(', ')}`);
  ui.decision.replaceChildren(...parts);
  const traces = decision.trace ?? [];
  ui.trace.replaceChildren(renderTraceTree(traces, highlight));
  ui.traceText.textContent = renderTrace(traces);
}

function showRulesetProblems(problems: readonly RulesetProblem[]): void {
  ui.decision.replaceChildren(
    element(
      'ul',
      'diagnostics',
      ...problems.map((p) =>
        // Expression problems carry the rendered Cloudflare error: show its first diagnostic's message.
        element('li', `problem problem-${p.severity}`, element('span', 'problem-where', p.rule ?? ''), message(p.diagnostics?.[0]?.message ?? p.message), element('span', 'problem-code', p.code)),
      ),
    ),
  );
}

// ---------------------------------------------------------------------------------------
// Editors

function editorExtensions(label: string, onChange: () => void): Extension {
  return [
    wirefilter({ service }),
    highlightSpecialChars(),
    drawSelection(),
    closeBrackets(),
    keymap.of(closeBracketsKeymap),
    basicEditing(),
    EditorView.lineWrapping,
    placeholder('Type an expression, e.g. http.host eq "example.com"'),
    EditorView.contentAttributes.of({ 'aria-label': label, spellcheck: 'false' }),
    EditorView.updateListener.of((update) => {
      if (update.docChanged) onChange();
    }),
  ];
}

const expressionView = new EditorView({
  parent: ui.editor,
  doc: EXAMPLES[0]!.expression,
  extensions: editorExtensions('Expression', () => update()),
});

interface RuleCard {
  item: HTMLLIElement;
  ref: HTMLInputElement;
  action: HTMLSelectElement;
  enabled: HTMLInputElement;
  view: EditorView;
  diagnostics: HTMLUListElement;
}

const cards: RuleCard[] = [];
let lastFocused: EditorView = expressionView;

function addRule(rule: RuleInput): RuleCard {
  const ref = element('input', 'rule-ref');
  ref.value = rule.ref ?? `rule-${cards.length + 1}`;
  ref.setAttribute('aria-label', 'Rule reference');
  ref.spellcheck = false;
  const action = element('select', 'rule-action', ...ACTIONS.map((a) => new Option(a, a, a === rule.action, a === rule.action)));
  action.setAttribute('aria-label', 'Rule action');
  const enabled = element('input');
  enabled.type = 'checkbox';
  enabled.checked = rule.enabled !== false;
  const remove = element('button', 'rule-remove', '×');
  remove.type = 'button';
  remove.title = 'Remove this rule';
  const editor = element('div', 'editor rule-editor');
  const diagnostics = element('ul', 'diagnostics');
  const item = element(
    'li',
    'rule',
    element('div', 'rule-head', ref, action, element('label', 'rule-enabled', enabled, 'enabled'), remove),
    editor,
    diagnostics,
  );
  const view = new EditorView({ parent: editor, doc: rule.expression, extensions: editorExtensions(`Expression of rule ${ref.value}`, () => update()) });
  view.contentDOM.addEventListener('focus', () => (lastFocused = view));
  const card: RuleCard = { item, ref, action, enabled, view, diagnostics };
  for (const input of [ref, action, enabled]) input.addEventListener(input === ref ? 'input' : 'change', () => update());
  remove.addEventListener('click', () => {
    cards.splice(cards.indexOf(card), 1);
    view.destroy();
    item.remove();
    update();
  });
  cards.push(card);
  ui.rules.append(item);
  return card;
}

/**
 * Formats an editor's expression with the language service's canonical printer, as one
 * change replacing the document (none when it is already formatted or has syntax errors).
 */
function format(view: EditorView): void {
  const text = view.state.doc.toString();
  const formatted = service.format(text);
  if (formatted === undefined || formatted === text) return;
  view.dispatch({ changes: { from: 0, to: text.length, insert: formatted }, userEvent: 'format', scrollIntoView: true });
}

// ---------------------------------------------------------------------------------------
// Evaluation

function updateExpression(values: Record<string, unknown> | undefined): void {
  const expression = expressionView.state.doc.toString();
  const diagnostics = service.validate(expression);
  diagnosticList(ui.diagnostics, diagnostics, expressionView);
  if (expression.trim() === '') {
    clearOutcome();
    setResult('pending', '…', 'Type an expression.');
    return;
  }
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  if (errors > 0) {
    clearOutcome();
    setResult('invalid', 'invalid', `The expression has ${errors === 1 ? 'an error' : `${errors} errors`}: fix it to see the result.`);
    return;
  }
  if (values === undefined) {
    clearOutcome();
    setResult('invalid', 'no request', 'The request values are not a valid JSON object.');
    return;
  }
  const filter = scheme.compile(expression, { phase: PHASE });
  const matched = filter.execute(values);
  setResult(String(matched), String(matched), matched ? 'The expression matches this request.' : 'The expression does not match this request.');
  showReads(filter.fields, values);
  // The same expression as a one-rule WAF custom ruleset, traced.
  try {
    const ruleset = new Ruleset(scheme, { id: 'playground', phase: PHASE, rules: [ruleInput('my-rule', expression, ui.action.value, true)] });
    showDecision(ruleset.evaluate(values, { trace: true }));
  } catch (error) {
    if (!(error instanceof RulesetError)) throw error;
    showRulesetProblems(error.problems);
  }
}

function ruleInput(ref: string, expression: string, action: string, enabled: boolean): RuleInput {
  return { ref, expression, action, enabled, ...(action === 'skip' && { action_parameters: { ruleset: 'current' } }) };
}

function updateRuleset(values: Record<string, unknown> | undefined): void {
  for (const card of cards) diagnosticList(card.diagnostics, service.validate(card.view.state.doc.toString()), card.view);
  ui.reads.replaceChildren();
  const rules = cards.map((c) => ruleInput(c.ref.value.trim(), c.view.state.doc.toString(), c.action.value, c.enabled.checked));
  let ruleset: Ruleset;
  try {
    ruleset = new Ruleset(scheme, { id: 'zone', phase: PHASE, rules });
  } catch (error) {
    if (!(error instanceof RulesetError)) throw error;
    clearOutcome();
    const errors = error.problems.filter((p) => p.severity === 'error').length;
    setResult('invalid', 'invalid', `The ruleset has ${errors === 1 ? 'a problem' : `${errors} problems`}: fix it to see the decision.`);
    showRulesetProblems(error.problems);
    return;
  }
  if (values === undefined) {
    clearOutcome();
    setResult('invalid', 'no request', 'The request values are not a valid JSON object.');
    return;
  }
  const decision = ruleset.evaluate(values, { trace: true });
  const summary =
    decision.ruleId === null
      ? `No terminating rule matched: the request continues (${rules.length} rules).`
      : `Rule ${decision.ruleId} decided: ${decision.action}.`;
  setResult(decision.action, decision.action, summary);
  showDecision(decision);
  if (ruleset.warnings.length > 0) {
    ui.decision.append(element('ul', 'diagnostics', ...ruleset.warnings.map((w) => element('li', 'problem problem-warning', element('span', 'problem-where', w.rule ?? ''), message(w.message), element('span', 'problem-code', w.code)))));
  }
}

/** Recomputes everything from the editors and the request panel. */
function update(): void {
  const { values, problems } = checkRequestValues(ui.values.value, scheme);
  showValueProblems(problems);
  if (mode === 'expression') updateExpression(values);
  else updateRuleset(values);
}

function setMode(next: 'expression' | 'ruleset'): void {
  mode = next;
  ui.tabExpression.setAttribute('aria-selected', String(next === 'expression'));
  ui.tabRuleset.setAttribute('aria-selected', String(next === 'ruleset'));
  ui.expressionMode.hidden = next !== 'expression';
  ui.rulesetMode.hidden = next !== 'ruleset';
  document.querySelectorAll<HTMLElement>('[data-mode="expression"]').forEach((e) => (e.hidden = next !== 'expression'));
  if (next === 'ruleset' && cards.length === 0) for (const rule of SAMPLE_RULES) addRule(rule);
  lastFocused = next === 'expression' ? expressionView : (cards[0]?.view ?? expressionView);
  update();
}

// ---------------------------------------------------------------------------------------

ui.phase.textContent = PHASE;
for (const [i, example] of EXAMPLES.entries()) ui.examples.add(new Option(example.name, String(i)));
ui.values.value = SAMPLE_JSON;
expressionView.contentDOM.addEventListener('focus', () => (lastFocused = expressionView));

ui.tabExpression.addEventListener('click', () => setMode('expression'));
ui.tabRuleset.addEventListener('click', () => setMode('ruleset'));
ui.values.addEventListener('input', update);
ui.action.addEventListener('change', update);
ui.resetValues.addEventListener('click', () => {
  ui.values.value = SAMPLE_JSON;
  ui.values.scrollTop = 0;
  update();
});
ui.examples.addEventListener('change', () => {
  const example = EXAMPLES[Number(ui.examples.value)];
  if (example === undefined) return;
  expressionView.dispatch({ changes: { from: 0, to: expressionView.state.doc.length, insert: example.expression }, selection: { anchor: example.expression.length } });
  expressionView.focus();
});
ui.format.addEventListener('click', () => {
  const views = mode === 'expression' ? [expressionView] : cards.map((c) => c.view);
  for (const view of views) format(view);
  lastFocused.focus();
});
ui.addRule.addEventListener('click', () => {
  const card = addRule({ expression: '', action: 'block' });
  card.view.focus();
  update();
});

update();
