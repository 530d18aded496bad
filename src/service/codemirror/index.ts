/**
 * A CodeMirror 6 extension for the Rules language, built on the `LanguageService`:
 * semantic highlighting (deprecated fields struck through), lint diagnostics with quick
 * fixes, context-aware autocompletion with snippets, hover documentation, signature help
 * inside function calls and a format command (Shift-Alt-F).
 *
 * ```ts
 * import { EditorView } from '@codemirror/view';
 * import { wirefilter } from 'wirefilter-ts/codemirror';
 *
 * new EditorView({
 *   doc: 'http.host eq "example.com" and not cf.client.bot',
 *   extensions: [wirefilter({ phase: 'http_request_firewall_custom' })],
 *   parent: document.querySelector('#editor')!,
 * });
 * ```
 *
 * Browser-safe: it imports only `@codemirror/*`, `@lezer/highlight` and this library, and
 * never parses text as HTML (hover and completion documentation is rendered from Markdown
 * with DOM calls). Each feature is its own module beside this one; this entry composes them.
 *
 * @module
 */
import type { Extension } from '@codemirror/state';
import { cloudflareScheme } from '../../cloudflare/scheme.js';
import type { Scheme } from '../../engine/scheme.js';
import { LanguageService } from '../language-service.js';
import type { FormatOptions } from '../types.js';
import { wirefilterCompletion } from './completion.js';
import { configFacet } from './config.js';
import { semanticHighlighting } from './highlight.js';
import { wirefilterHover } from './hover.js';
import { wirefilterKeys } from './keymap.js';
import { wirefilterLinter } from './lint.js';
import { wirefilterSignatureHelp } from './signature-help.js';
import { wirefilterTheme } from './theme.js';

/** Options of {@link wirefilter}. Every feature is on unless turned off. */
export interface WirefilterOptions {
  /** The scheme expressions are written against. Default: `cloudflareScheme()`. */
  scheme?: Scheme;
  /** The Cloudflare phase (e.g. `http_request_firewall_custom`): functions not offered there are errors and are not proposed. */
  phase?: string;
  /** A ready language service; when given, `scheme` and `phase` are ignored. */
  service?: LanguageService;
  /** Semantic highlighting. Default true. */
  highlight?: boolean;
  /** Lint diagnostics (errors and warnings with their code, quick fixes). Default true. */
  lint?: boolean;
  /** Milliseconds of inactivity before the document is linted again. Default 250. */
  lintDelay?: number;
  /** Autocompletion. Default true. */
  autocomplete?: boolean;
  /** Hover documentation of fields, functions and operators. Default true. */
  hover?: boolean;
  /** Signature help inside function calls. Default true. */
  signatureHelp?: boolean;
  /** Options of the format command (Shift-Alt-F). */
  format?: FormatOptions;
  /** The keymap: Shift-Alt-F formats, Escape closes signature help. Default true. */
  keymap?: boolean;
}

/**
 * The Rules-language editor extension. Every feature can be turned off in `options`; the
 * scheme defaults to Cloudflare's.
 */
export function wirefilter(options: WirefilterOptions = {}): Extension {
  const service =
    options.service ??
    new LanguageService(options.scheme ?? cloudflareScheme(), options.phase === undefined ? {} : { phase: options.phase });
  const extensions: Extension[] = [configFacet.of({ service, format: options.format ?? {} }), wirefilterTheme];
  if (options.highlight !== false) extensions.push(semanticHighlighting());
  if (options.lint !== false) extensions.push(wirefilterLinter(options.lintDelay ?? 250));
  if (options.autocomplete !== false) extensions.push(wirefilterCompletion());
  if (options.hover !== false) extensions.push(wirefilterHover());
  if (options.signatureHelp !== false) extensions.push(wirefilterSignatureHelp());
  if (options.keymap !== false) extensions.push(wirefilterKeys());
  return extensions;
}
