/// <reference lib="dom" />
/**
 * Autocompletion: the language service's context-aware items as CodeMirror completions,
 * snippets as templates with tab stops, documentation rendered from Markdown, deprecated
 * items struck through.
 *
 * @module
 */
import {
  autocompletion,
  insertCompletionText,
  pickedCompletion,
  snippet,
  startCompletion,
  type Completion,
  type CompletionContext,
  type CompletionResult,
  type CompletionSource,
} from '@codemirror/autocomplete';
import { EditorState, type Extension } from '@codemirror/state';
import type { EditorView } from '@codemirror/view';
import type { CompletionItem } from '../types.js';
import { languageServiceOf } from './config.js';
import { completionType, lspSnippetToCodeMirror } from './convert.js';
import { documentation } from './documentation.js';
import { renderMarkdown } from './markdown.js';

const deprecatedCompletions = new WeakSet<Completion>();

/** Characters after which the list opens by itself even though no word was typed yet. */
const TRIGGERS = /[$["(]$/;

function toCompletion(item: CompletionItem, index: number, view: EditorView | undefined): Completion {
  const filter = item.filterText ?? item.label;
  let detail = item.detail;
  if (detail !== undefined && item.kind === 'function' && detail.startsWith(`${item.label}(`)) {
    detail = detail.slice(item.label.length);
  }
  const completion: Completion = {
    label: filter,
    type: completionType(item.kind, item.label),
    // Ties in match quality keep the service's order.
    sortText: `${String(index).padStart(5, '0')}`,
  };
  if (filter !== item.label) completion.displayLabel = item.label;
  if (detail !== undefined) completion.detail = detail;
  if (item.documentation !== undefined) {
    const markdown = item.documentation;
    completion.info = () => (view === undefined ? (renderMarkdown(markdown) as unknown as HTMLElement) : documentation(view, markdown));
  }
  const template = item.isSnippet === true ? lspSnippetToCodeMirror(item.insertText) : undefined;
  const insert = template !== undefined && /[$#]\{/.test(template) ? template : undefined;
  const plain = insert === undefined ? (template !== undefined ? template.replace(/\\([{}])/g, '$1') : item.insertText) : undefined;
  completion.apply = (view, picked, from, to) => {
    if (insert !== undefined) snippet(insert)(view, picked, from, to);
    else view.dispatch({ ...insertCompletionText(view.state, plain!, from, to), annotations: pickedCompletion.of(picked) });
    if (item.retrigger === true) startCompletion(view);
  };
  if (item.deprecated === true) deprecatedCompletions.add(completion);
  return completion;
}

const completionSource: CompletionSource = (context: CompletionContext): CompletionResult | null => {
  const service = languageServiceOf(context.state);
  if (service === undefined) return null;
  const text = context.state.doc.toString();
  const list = service.complete(text, context.pos);
  if (list.items.length === 0) return null;
  const typed = text.slice(list.span.start, context.pos);
  if (!context.explicit && typed === '' && !TRIGGERS.test(text.slice(0, context.pos))) return null;
  return {
    from: list.span.start,
    to: Math.max(list.span.end, context.pos),
    options: list.items.map((item, index) => toCompletion(item, index, context.view)),
  };
};

/** Autocompletion from the language service (the document's completion source, and the list UI). */
export function wirefilterCompletion(): Extension {
  return [
    EditorState.languageData.of(() => [{ autocomplete: completionSource }]),
    autocompletion({
      icons: true,
      optionClass: (completion) => (deprecatedCompletions.has(completion) ? 'cm-wf-deprecated' : ''),
    }),
  ];
}
