/**
 * Minimal editing commands for the playground's editors: Backspace/Delete (by grapheme, so
 * widgets such as lint points never block native deletion) and an undo history (Mod-z,
 * Mod-Shift-z / Mod-y; typing within half a second is one step). `@codemirror/commands`
 * (`history()`, `defaultKeymap`) provides the full set; it is not a dependency of this
 * repository, and these few cover what a one-expression editor needs.
 */
import { EditorSelection, StateEffect, StateField, Transaction, findClusterBreak, type ChangeSet, type Extension } from '@codemirror/state';
import { keymap, type Command } from '@codemirror/view';

function deleteBy(forward: boolean): Command {
  return (view) => {
    const { state } = view;
    const spec = state.changeByRange((range) => {
      if (!range.empty) return { changes: { from: range.from, to: range.to }, range: EditorSelection.cursor(range.from) };
      const line = state.doc.lineAt(range.head);
      let target: number;
      if (forward) target = range.head === line.to ? Math.min(range.head + 1, state.doc.length) : line.from + findClusterBreak(line.text, range.head - line.from, true);
      else target = range.head === line.from ? Math.max(range.head - 1, 0) : line.from + findClusterBreak(line.text, range.head - line.from, false);
      const from = Math.min(range.head, target);
      const to = Math.max(range.head, target);
      return { changes: { from, to }, range: EditorSelection.cursor(from) };
    });
    if (spec.changes.empty) return true;
    view.dispatch(state.update(spec, { scrollIntoView: true, userEvent: forward ? 'delete.forward' : 'delete.backward' }));
    return true;
  };
}

interface Step {
  /** Changes that revert the step (from the document after it). */
  inverse: ChangeSet;
  selection: EditorSelection;
  time: number;
  /** Typing and deleting: consecutive steps of the same kind merge. */
  kind: 'input' | 'delete' | 'other';
}

interface History {
  done: readonly Step[];
  undone: readonly Step[];
}

const GROUP_MS = 500;
const replay = StateEffect.define<History>();

const historyField = StateField.define<History>({
  create: () => ({ done: [], undone: [] }),
  update(history, tr) {
    for (const effect of tr.effects) if (effect.is(replay)) return effect.value;
    if (!tr.docChanged || tr.annotation(Transaction.addToHistory) === false) return history;
    const inverse = tr.changes.invert(tr.startState.doc);
    const time = tr.annotation(Transaction.time) ?? Date.now();
    const last = history.done[history.done.length - 1];
    const kind = tr.isUserEvent('input.type') ? 'input' : tr.isUserEvent('delete') ? 'delete' : 'other';
    if (last !== undefined && kind !== 'other' && kind === last.kind && time - last.time < GROUP_MS) {
      const merged: Step = { inverse: inverse.compose(last.inverse), selection: last.selection, time, kind };
      return { done: [...history.done.slice(0, -1), merged], undone: [] };
    }
    return { done: [...history.done.slice(-200), { inverse, selection: tr.startState.selection, time, kind }], undone: [] };
  },
});

function travel(back: boolean): Command {
  return (view) => {
    const history = view.state.field(historyField, false);
    if (history === undefined) return false;
    const from = back ? history.done : history.undone;
    const step = from[from.length - 1];
    if (step === undefined) return false;
    const opposite: Step = { inverse: step.inverse.invert(view.state.doc), selection: view.state.selection, time: 0, kind: 'other' };
    const rest = from.slice(0, -1);
    const next: History = back ? { done: rest, undone: [...history.undone, opposite] } : { done: [...history.done, opposite], undone: rest };
    view.dispatch({
      changes: step.inverse,
      selection: step.selection,
      effects: replay.of(next),
      annotations: Transaction.addToHistory.of(false),
      userEvent: back ? 'undo' : 'redo',
      scrollIntoView: true,
    });
    return true;
  };
}

/** Backspace, Delete, undo and redo. */
export function basicEditing(): Extension {
  return [
    historyField,
    keymap.of([
      { key: 'Backspace', run: deleteBy(false), shift: deleteBy(false) },
      { key: 'Delete', run: deleteBy(true) },
      { key: 'Mod-z', run: travel(true), preventDefault: true },
      { key: 'Mod-Shift-z', run: travel(false), preventDefault: true },
      { key: 'Mod-y', run: travel(false), preventDefault: true },
    ]),
  ];
}
