/**
 * The extension's key bindings, at high precedence so that they win over the basic setup's.
 *
 * @module
 */
import { Prec, type Extension } from '@codemirror/state';
import { keymap, type KeyBinding } from '@codemirror/view';
import { formatCommand } from './format.js';
import { closeSignatureCommand } from './signature-help.js';

/** Key bindings of the extension: Shift-Alt-F formats, Escape closes signature help. */
export const wirefilterKeymap: readonly KeyBinding[] = [
  { key: 'Shift-Alt-f', run: formatCommand, preventDefault: true },
  { key: 'Escape', run: closeSignatureCommand },
];

/** {@link wirefilterKeymap} at high precedence. */
export function wirefilterKeys(): Extension {
  return Prec.high(keymap.of(wirefilterKeymap));
}
