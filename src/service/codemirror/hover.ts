/**
 * Hover documentation of fields, functions and operators, rendered from the language
 * service's Markdown.
 *
 * @module
 */
import type { Extension } from '@codemirror/state';
import { hoverTooltip } from '@codemirror/view';
import { languageServiceOf } from './config.js';
import { documentation } from './documentation.js';

const hoverSource = hoverTooltip((view, pos) => {
  const service = languageServiceOf(view.state);
  const info = service?.hover(view.state.doc.toString(), pos);
  if (info === undefined) return null;
  return {
    pos: info.span.start,
    end: info.span.end,
    above: true,
    create: (v) => {
      const dom = documentation(v, info.markdown);
      dom.classList.add('cm-wf-hover');
      return { dom };
    },
  };
});

/** Hover tooltips with the documentation of what is under the pointer. */
export function wirefilterHover(): Extension {
  return hoverSource;
}
