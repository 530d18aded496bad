/**
 * The extension's structural styles: deprecated fields struck through, Markdown in tooltips,
 * signature help. Colors of tokens are the highlight style's (`highlight.ts`).
 *
 * @module
 */
import type { Extension } from '@codemirror/state';
import { EditorView } from '@codemirror/view';

/** Structural styles: deprecated fields struck through, tooltips, signature help. */
export const wirefilterTheme: Extension = EditorView.baseTheme({
  '.cm-wf-deprecated': { textDecoration: 'line-through', textDecorationThickness: '1px' },
  '.cm-completionIcon-snippet:after': { content: "'⌘'" },
  '.cm-tooltip .cm-wf-markdown': {
    maxWidth: '34em',
    padding: '4px 8px',
    fontSize: '90%',
    lineHeight: '1.45',
  },
  '.cm-wf-markdown p, .cm-wf-markdown ul, .cm-wf-markdown ol': { margin: '4px 0' },
  '.cm-wf-markdown ul, .cm-wf-markdown ol': { paddingLeft: '1.4em' },
  '.cm-wf-markdown pre': {
    margin: '4px 0',
    padding: '4px 6px',
    borderRadius: '4px',
    whiteSpace: 'pre-wrap',
    fontFamily: 'var(--wf-code-font, ui-monospace, SFMono-Regular, Menlo, Consolas, monospace)',
  },
  '.cm-wf-markdown code': {
    fontFamily: 'var(--wf-code-font, ui-monospace, SFMono-Regular, Menlo, Consolas, monospace)',
    fontSize: '95%',
  },
  '&light .cm-wf-markdown pre, &light .cm-wf-markdown :not(pre) > code': { background: '#f0f2f5' },
  '&dark .cm-wf-markdown pre, &dark .cm-wf-markdown :not(pre) > code': { background: '#2b3038' },
  '.cm-wf-markdown :not(pre) > code': { padding: '0 3px', borderRadius: '3px' },
  '.cm-wf-signature': {
    padding: '4px 8px',
    maxWidth: '40em',
    fontSize: '90%',
  },
  '.cm-wf-signature-label': {
    fontFamily: 'var(--wf-code-font, ui-monospace, SFMono-Regular, Menlo, Consolas, monospace)',
  },
  '.cm-wf-signature-active': { fontWeight: '700', textDecoration: 'underline' },
  '.cm-wf-signature .cm-wf-markdown': { padding: '0', marginTop: '2px' },
  '.cm-wf-code': { opacity: '0.7', fontSize: '85%', marginLeft: '0.5em' },
});
