/// <reference lib="dom" />
/**
 * Signature help: inside a function call, a tooltip with the function's signature, the
 * parameter at the cursor underlined and documented. Escape closes it until the next edit.
 *
 * @module
 */
import { StateEffect, StateField, type EditorState, type Extension } from '@codemirror/state';
import { showTooltip, type Command, type EditorView, type Tooltip } from '@codemirror/view';
import type { SignatureHelpInfo } from '../types.js';
import { languageServiceOf } from './config.js';
import { documentation } from './documentation.js';

const closeSignature = StateEffect.define<null>();

interface SignatureState {
  tooltip: Tooltip | null;
  /** Escape was pressed: stay closed until the document changes. */
  dismissed: boolean;
}

function signatureTooltip(state: EditorState, dismissed: boolean): Tooltip | null {
  const selection = state.selection.main;
  if (dismissed || !selection.empty) return null;
  const service = languageServiceOf(state);
  const help = service?.signatureHelp(state.doc.toString(), selection.head);
  if (help === undefined || help.signatures.length === 0) return null;
  return { pos: selection.head, above: true, strictSide: false, create: (view) => ({ dom: renderSignature(view, help) }) };
}

function renderSignature(view: EditorView, help: SignatureHelpInfo): HTMLElement {
  const doc = view.dom.ownerDocument;
  const signature = help.signatures[help.activeSignature] ?? help.signatures[0]!;
  const dom = doc.createElement('div');
  dom.className = 'cm-wf-signature';
  const label = doc.createElement('div');
  label.className = 'cm-wf-signature-label';
  const parameter = signature.parameters[help.activeParameter];
  let range: [number, number] | undefined;
  if (parameter !== undefined) {
    if (Array.isArray(parameter.label)) range = parameter.label;
    else {
      const at = signature.label.indexOf(parameter.label);
      if (at >= 0) range = [at, at + parameter.label.length];
    }
  }
  if (range === undefined) label.textContent = signature.label;
  else {
    const active = doc.createElement('span');
    active.className = 'cm-wf-signature-active';
    active.textContent = signature.label.slice(range[0], range[1]);
    label.append(signature.label.slice(0, range[0]), active, signature.label.slice(range[1]));
  }
  dom.append(label);
  const docs = parameter?.documentation;
  if (docs !== undefined) dom.append(documentation(view, docs));
  return dom;
}

const signatureField = StateField.define<SignatureState>({
  create: (state) => ({ tooltip: signatureTooltip(state, false), dismissed: false }),
  update(value, tr) {
    let dismissed = tr.docChanged ? false : value.dismissed;
    if (tr.effects.some((e) => e.is(closeSignature))) dismissed = true;
    if (!tr.docChanged && !tr.selection && dismissed === value.dismissed && !tr.reconfigured) return value;
    return { tooltip: signatureTooltip(tr.state, dismissed), dismissed };
  },
  provide: (field) => showTooltip.compute([field], (state) => state.field(field).tooltip),
});

/** The signature-help tooltip, following the cursor. */
export function wirefilterSignatureHelp(): Extension {
  return signatureField;
}

/** Closes the signature help (until the document changes); false when it is not open. */
export const closeSignatureCommand: Command = (view) => {
  const value = view.state.field(signatureField, false);
  if (value?.tooltip == null) return false;
  view.dispatch({ effects: closeSignature.of(null) });
  return true;
};
