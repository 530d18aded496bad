/**
 * The editor state the other extensions share: the language service and format options
 * configured by `wirefilter()`, and the library's results for the current document (computed
 * once per document version).
 *
 * @module
 */
import { Facet, type EditorState, type Text } from '@codemirror/state';
import type { Diagnostic } from '../../diagnostics/diagnostics.js';
import type { LanguageService } from '../language-service.js';
import type { FormatOptions, SemanticToken } from '../types.js';

/** What `wirefilter()` configures in an editor state. */
export interface WirefilterConfig {
  service: LanguageService;
  format: FormatOptions;
}

/** The configuration of the extension in a state (the first one given wins). */
export const configFacet = Facet.define<WirefilterConfig, WirefilterConfig | undefined>({ combine: (values) => values[0] });

/** The language service configured by `wirefilter()` in this state, if any. */
export function languageServiceOf(state: EditorState): LanguageService | undefined {
  return state.facet(configFacet)?.service;
}

interface DocumentCache {
  diagnostics?: Diagnostic[];
  tokens?: SemanticToken[];
}

// Documents are immutable: results are cached per service and per document version.
const caches = new WeakMap<LanguageService, WeakMap<Text, DocumentCache>>();

/** The configured service and its results for the current document, or undefined without the extension. */
function cacheOf(state: EditorState): { service: LanguageService; cache: DocumentCache } | undefined {
  const service = languageServiceOf(state);
  if (service === undefined) return undefined;
  let byDoc = caches.get(service);
  if (byDoc === undefined) caches.set(service, (byDoc = new WeakMap()));
  let cache = byDoc.get(state.doc);
  if (cache === undefined) byDoc.set(state.doc, (cache = {}));
  return { service, cache };
}

/**
 * The library diagnostics (errors and warnings, spans in document offsets) of the current
 * document — the same list the lint markers show, available at once (no lint delay). `[]`
 * without the `wirefilter()` extension.
 */
export function wirefilterDiagnostics(state: EditorState): Diagnostic[] {
  const found = cacheOf(state);
  if (found === undefined) return [];
  return (found.cache.diagnostics ??= found.service.validate(state.doc.toString()));
}

/** The semantic tokens of the current document (`[]` without the extension). */
export function semanticTokensOf(state: EditorState): SemanticToken[] {
  const found = cacheOf(state);
  if (found === undefined) return [];
  return (found.cache.tokens ??= found.service.semanticTokens(state.doc.toString()));
}
