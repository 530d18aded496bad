/// <reference lib="dom" />
/**
 * Documentation in tooltips (hover, completion info, signature help): Markdown rendered
 * with DOM calls, its code blocks colored like the editor.
 *
 * @module
 */
import type { EditorView } from '@codemirror/view';
import { highlightExpression } from './highlight.js';
import { renderMarkdown, type MarkdownDocument, type MarkdownElement } from './markdown.js';

/** Renders Markdown documentation for a tooltip in this editor. */
export function documentation(view: EditorView, markdown: string): HTMLElement {
  return renderMarkdown(markdown, {
    document: view.dom.ownerDocument as unknown as MarkdownDocument,
    highlightCode: (code, language) =>
      language === '' || language === 'wirefilter' ? (highlightExpression(view.state, code, view.dom.ownerDocument) as unknown as MarkdownElement) : undefined,
  }) as unknown as HTMLElement;
}
