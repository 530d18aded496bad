/// <reference lib="dom" />
/**
 * Lint: the library's diagnostics as CodeMirror lint markers, each message rendered from
 * Markdown with its diagnostic code, and quick fixes as lint actions.
 *
 * @module
 */
import { forEachDiagnostic, linter, type Diagnostic as LintDiagnostic } from '@codemirror/lint';
import type { EditorState, Extension } from '@codemirror/state';
import type { EditorView } from '@codemirror/view';
import { wirefilterDiagnostics } from './config.js';
import { toLintDiagnostic } from './convert.js';
import { parseInline, renderInline, type MarkdownDocument, type MarkdownElement } from './markdown.js';

function lintSource(view: EditorView): LintDiagnostic[] {
  const text = view.state.doc.toString();
  return wirefilterDiagnostics(view.state).map((diagnostic) => {
    const data = toLintDiagnostic(diagnostic, text);
    const lint: LintDiagnostic = {
      from: data.from,
      to: data.to,
      severity: data.severity,
      message: data.message,
      source: data.source,
      renderMessage: (v) => {
        const doc = v.dom.ownerDocument;
        const element = doc.createElement('span');
        renderInline(parseInline(diagnostic.message), element as unknown as MarkdownElement, doc as unknown as MarkdownDocument);
        const code = doc.createElement('span');
        code.className = 'cm-wf-code';
        code.textContent = diagnostic.code;
        element.append(code);
        return element;
      },
    };
    if (data.fixes.length > 0) {
      lint.actions = data.fixes.map((fix) => ({
        name: fix.name,
        apply: (v: EditorView, from: number, to: number) => {
          v.dispatch({ changes: { from, to, insert: fix.insert }, userEvent: 'input.fix' });
        },
      }));
    }
    return lint;
  });
}

/** Lint markers for the document, refreshed after `delay` milliseconds of inactivity. */
export function wirefilterLinter(delay: number): Extension {
  return linter(lintSource, { delay });
}

/** The lint diagnostics CodeMirror currently shows (after the lint delay), from every linter. */
export function lintDiagnostics(state: EditorState): LintDiagnostic[] {
  const found: LintDiagnostic[] = [];
  forEachDiagnostic(state, (d, from, to) => found.push({ ...d, from, to }));
  return found;
}
