/**
 * The format command: the language service's canonical printer applied as the smallest
 * edit that turns the document into its formatted text.
 *
 * @module
 */
import type { Command } from '@codemirror/view';
import { configFacet } from './config.js';
import { minimalChange } from './convert.js';

/**
 * Formats the document with the language service's canonical printer (the `format` options
 * given to `wirefilter()`). Returns false when the document has syntax errors (it is left
 * unchanged) or the extension is not configured.
 */
export const formatCommand: Command = (view) => {
  const config = view.state.facet(configFacet);
  if (config === undefined) return false;
  const text = view.state.doc.toString();
  const formatted = config.service.format(text, config.format);
  if (formatted === undefined) return false;
  const change = minimalChange(text, formatted);
  if (change !== undefined) view.dispatch({ changes: change, userEvent: 'format', scrollIntoView: true });
  return true;
};
