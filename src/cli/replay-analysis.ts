/**
 * Analyses of `wirefilter replay` over Cloudflare Logpush logs: the diff of each request's
 * decision against what Cloudflare's custom rules did (`--diff`), and the bot score
 * distribution of the requests each rule matched (`--score-histogram`). Both count in a form
 * that merges exactly across worker threads (sums, and the first samples in traffic order).
 *
 * @module
 */
import type { LogpushSecurity } from '../cloudflare/logpush/index.js';
import type { Decision } from '../index.js';
import { pad, type Colors } from './io.js';

/** The source Cloudflare logs for WAF custom rules in `SecuritySources`. */
export const CUSTOM_RULES_SOURCE = 'firewallCustom';
/** Sample ray ids kept per diff cell. */
export const SAMPLES_PER_CELL = 5;

/** What a request's custom-rules decision amounts to, for the diff. */
export type Outcome = 'allow' | 'block' | 'challenge';

/** How our decision compares with Cloudflare's. */
export type DiffCell = 'agree' | 'newly-blocked' | 'newly-challenged' | 'no-longer-blocked' | 'no-longer-challenged';

const CELLS: readonly DiffCell[] = ['agree', 'newly-blocked', 'newly-challenged', 'no-longer-blocked', 'no-longer-challenged'];

const outcomeOf = (action: string | undefined): Outcome => (action === 'block' ? 'block' : action !== undefined && action.endsWith('challenge') ? 'challenge' : 'allow');

/**
 * What Cloudflare's custom rules did to a request: the first `firewallCustom` entry of
 * `SecurityActions` that blocked or challenged (a challenge counts whatever became of it —
 * issued, solved, failed or bypassed by clearance — since the rule matched), else `allow`.
 */
export function cloudflareCustomOutcome(security: LogpushSecurity): { outcome: Outcome; ruleId: string | undefined } {
  for (let i = 0; i < security.actions.length; i++) {
    if (security.sources[i] !== CUSTOM_RULES_SOURCE) continue;
    const outcome = outcomeOf(security.actions[i]);
    if (outcome !== 'allow') return { outcome, ruleId: security.ruleIds[i] };
  }
  return { outcome: 'allow', ruleId: undefined };
}

/** The cell of a comparison: ours (the replayed ruleset) against theirs (Cloudflare's log). */
export function diffCell(ours: Outcome, theirs: Outcome): DiffCell {
  if (ours === theirs) return 'agree';
  if (ours === 'block') return 'newly-blocked';
  if (theirs === 'block') return 'no-longer-blocked';
  return ours === 'challenge' ? 'newly-challenged' : 'no-longer-challenged';
}

/** One cell's count and first ray ids. */
interface CellData {
  count: number;
  samples: string[];
}

/** {@link DiffStats} as plain data. */
export interface DiffData {
  /** Cell → count and samples. */
  cells: [DiffCell, CellData][];
  /** `cell\u0000rule` → count and samples: the rule is ours for "newly", Cloudflare's for "no longer" and its own for "agree". */
  byRule: [string, CellData][];
}

/** Counts of the diff against Cloudflare's logged custom-rules decisions. */
export class DiffStats {
  readonly cells = new Map<DiffCell, CellData>(CELLS.map((cell) => [cell, { count: 0, samples: [] }]));
  readonly byRule = new Map<string, CellData>();

  /** Records one request. */
  record(decision: Decision, security: LogpushSecurity): void {
    const theirs = cloudflareCustomOutcome(security);
    const ours = outcomeOf(decision.action);
    const cell = diffCell(ours, theirs.outcome);
    const rule = cell === 'no-longer-blocked' || cell === 'no-longer-challenged' ? theirs.ruleId : (decision.ruleId ?? theirs.ruleId);
    add(this.cells.get(cell)!, security.rayId);
    const key = `${cell}\u0000${rule ?? ''}`;
    let row = this.byRule.get(key);
    if (row === undefined) this.byRule.set(key, (row = { count: 0, samples: [] }));
    add(row, security.rayId);
  }

  data(): DiffData {
    return { cells: [...this.cells], byRule: [...this.byRule] };
  }

  /** Adds the counts of the traffic that follows. */
  merge(other: DiffData): void {
    for (const [cell, data] of other.cells) mergeCell(this.cells.get(cell)!, data);
    for (const [key, data] of other.byRule) {
      let row = this.byRule.get(key);
      if (row === undefined) this.byRule.set(key, (row = { count: 0, samples: [] }));
      mergeCell(row, data);
    }
  }

  json(): Record<string, unknown> {
    const rules = [...this.byRule].map(([key, data]) => {
      const [cell, rule] = key.split('\u0000') as [DiffCell, string];
      return { cell, rule: rule === '' ? null : rule, count: data.count, sampleRayIds: data.samples };
    });
    return {
      cells: Object.fromEntries([...this.cells].map(([cell, data]) => [cell, { count: data.count, sampleRayIds: data.samples }])),
      rules: rules.filter((r) => r.cell !== 'agree' || r.rule !== null).sort((a, b) => CELLS.indexOf(a.cell) - CELLS.indexOf(b.cell) || b.count - a.count),
    };
  }

  text(c: Colors): string[] {
    const total = [...this.cells.values()].reduce((n, d) => n + d.count, 0);
    const out = ['', `${c.bold('Against what Cloudflare did')} ${c.dim('(custom rules: SecurityActions entries from firewallCustom)')}`];
    const labels: Record<DiffCell, string> = {
      agree: 'agree',
      'newly-blocked': 'newly blocked',
      'newly-challenged': 'newly challenged',
      'no-longer-blocked': 'no longer blocked',
      'no-longer-challenged': 'no longer challenged',
    };
    for (const cell of CELLS) {
      const data = this.cells.get(cell)!;
      const share = total > 0 ? `${((100 * data.count) / total).toFixed(1)}%` : '0.0%';
      const color = cell === 'agree' ? c.green : cell.startsWith('newly') ? c.red : c.yellow;
      out.push(`  ${pad(color(labels[cell]), 22)} ${pad(data.count.toLocaleString('en-US'), 9, 'right')} ${pad(share, 6, 'right')}  ${c.dim(data.samples.slice(0, 3).join(' '))}`);
      if (cell === 'agree') continue;
      const rows = [...this.byRule].filter(([key]) => key.startsWith(`${cell}\u0000`)).sort((a, b) => b[1].count - a[1].count);
      for (const [key, row] of rows.slice(0, 10)) {
        const rule = key.split('\u0000')[1] || '(no rule)';
        out.push(`      ${pad(row.count.toLocaleString('en-US'), 9, 'right')}  ${cell.startsWith('newly') ? 'by ' : 'was '}${rule}  ${c.dim(`e.g. ${row.samples.join(' ')}`)}`);
      }
    }
    return out;
  }
}

function add(cell: CellData, rayId: string | undefined): void {
  cell.count++;
  if (rayId !== undefined && cell.samples.length < SAMPLES_PER_CELL) cell.samples.push(rayId);
}

function mergeCell(mine: CellData, other: CellData): void {
  mine.count += other.count;
  for (const sample of other.samples) if (mine.samples.length < SAMPLES_PER_CELL) mine.samples.push(sample);
}

/** Thresholds shown for "where a cut would fall": `score < t`. */
export const SCORE_THRESHOLDS = [2, 10, 20, 30, 40, 50] as const;

/** {@link ScoreHistogram} as plain data: per rule, 100 counts (index 0: no score, 1–99: that score). */
export type ScoreData = number[][];

/**
 * `cf.bot_management.score` (1–99) of the requests each rule matched and acted on, to see
 * where a score threshold would cut: how many of a rule's matches a `score lt t` condition
 * would keep.
 */
export class ScoreHistogram {
  readonly counts: number[][];

  constructor(readonly ruleIds: readonly string[]) {
    this.counts = ruleIds.map(() => new Array<number>(100).fill(0));
  }

  /** Records the score of a request for every rule that matched it (an event of the decision). */
  record(decision: Decision, score: unknown): void {
    const bucket = typeof score === 'number' && Number.isInteger(score) && score >= 1 && score <= 99 ? score : 0;
    let previous: string | undefined;
    for (const event of decision.events) {
      if (event.ruleId === previous) continue;
      previous = event.ruleId;
      const index = this.ruleIds.indexOf(event.ruleId);
      if (index >= 0) this.counts[index]![bucket]!++;
    }
  }

  data(): ScoreData {
    return this.counts;
  }

  merge(other: ScoreData): void {
    other.forEach((row, i) => row.forEach((count, score) => (this.counts[i]![score]! += count)));
  }

  json(): Record<string, unknown>[] {
    return this.ruleIds.flatMap((rule, i) => {
      const row = this.counts[i]!;
      const total = row.reduce((a, b) => a + b, 0);
      if (total === 0) return [];
      const scores = Object.fromEntries(row.flatMap((count, score) => (count > 0 && score > 0 ? [[String(score), count]] : [])));
      const below = Object.fromEntries(SCORE_THRESHOLDS.map((t) => [String(t), row.slice(1, t).reduce((a, b) => a + b, 0)]));
      return [{ rule, matched: total, withoutScore: row[0], scores, below }];
    });
  }

  text(c: Colors): string[] {
    const out = ['', `${c.bold('Bot scores of matched requests')} ${c.dim('(cf.bot_management.score; 1 = automated … 99 = human)')}`];
    let any = false;
    this.ruleIds.forEach((rule, i) => {
      const row = this.counts[i]!;
      const total = row.reduce((a, b) => a + b, 0);
      if (total === 0) return;
      any = true;
      out.push(`  ${c.bold(rule)} ${c.dim(`(${total.toLocaleString('en-US')} matched${row[0]! > 0 ? `, ${row[0]!.toLocaleString('en-US')} without a score` : ''})`)}`);
      const scored = total - row[0]!;
      for (let from = 1; from <= 99; from += 10) {
        const to = Math.min(from + 9, 99);
        const n = row.slice(from, to + 1).reduce((a, b) => a + b, 0);
        const share = scored > 0 ? n / scored : 0;
        out.push(`    ${pad(`${from}–${to}`, 6)} ${pad(n.toLocaleString('en-US'), 9, 'right')}  ${c.dim('█'.repeat(Math.round(share * 40)))}`);
      }
      const cuts = SCORE_THRESHOLDS.map((t) => `< ${t}: ${row.slice(1, t).reduce((a, b) => a + b, 0).toLocaleString('en-US')}`);
      out.push(`    ${c.dim(`a "score lt t" condition would keep ${cuts.join(', ')}`)}`);
    });
    if (!any) out.push(c.dim('  no rule matched a request'));
    return out;
  }
}
