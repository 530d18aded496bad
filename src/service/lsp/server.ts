/**
 * The language server: the {@link LanguageService} over the Language Server Protocol
 * (Node only). It serves documents of language id `wirefilter` (one expression each) and
 * Cloudflare Rulesets API JSON documents (every rule `expression` inside them), with
 * diagnostics on open and change, completion, hover, signature help, formatting and
 * semantic tokens.
 *
 * Settings (`initializationOptions`, flat or under `wirefilter`, and the workspace
 * configuration section `wirefilter`):
 * - `schemeFile`: a JSON scheme definition (`{ fields, lists?, options? }`, as given to
 *   `new Scheme(…)`), relative to the first workspace folder; default: Cloudflare's fields.
 * - `phase`: the Cloudflare phase to validate for (a ruleset's own `phase` takes precedence).
 * - `lists`: `{ name: "Ip" | "Int" | "Bytes" }`, account lists known to the Cloudflare scheme.
 * - `format.width`, `format.operators` (`english` | `symbolic`).
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CompletionItemKind,
  CompletionItemTag,
  DiagnosticSeverity,
  DiagnosticTag,
  InsertTextFormat,
  MarkupKind,
  SemanticTokensBuilder,
  TextDocuments,
  TextDocumentSyncKind,
  type ClientCapabilities,
  type CompletionItem as LspCompletionItem,
  type Connection,
  type Diagnostic as LspDiagnostic,
  type InitializeParams,
  type InitializeResult,
  type Range,
  type TextEdit,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { cloudflareScheme } from '../../cloudflare/scheme.js';
import type { Diagnostic } from '../../check/diagnostics.js';
import { Scheme, type ListDefinition, type SchemeDefinition } from '../../scheme/scheme.js';
import { LanguageService } from '../language-service.js';
import { SEMANTIC_TOKEN_MODIFIERS, SEMANTIC_TOKEN_TYPES, type CompletionKind, type FormatOptions } from '../types.js';
import { documentKind, expressionRegions, type ExpressionRegion } from './regions.js';

/** The server's settings (see the module documentation). */
export interface ServerSettings {
  schemeFile?: string;
  phase?: string;
  lists?: Record<string, 'Ip' | 'Int' | 'Bytes'>;
  format?: { width?: number; operators?: 'english' | 'symbolic' };
}

/** The semantic token legend: the language service's own token types and modifiers. */
export const SEMANTIC_TOKENS_LEGEND = { tokenTypes: [...SEMANTIC_TOKEN_TYPES], tokenModifiers: [...SEMANTIC_TOKEN_MODIFIERS] };

const COMPLETION_KINDS: Record<CompletionKind, CompletionItemKind> = {
  field: CompletionItemKind.Field,
  function: CompletionItemKind.Function,
  operator: CompletionItemKind.Operator,
  keyword: CompletionItemKind.Keyword,
  list: CompletionItemKind.Variable,
  value: CompletionItemKind.Value,
  snippet: CompletionItemKind.Snippet,
};

const SEVERITIES = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information } as const;

/**
 * Reads settings given flat or under a `wirefilter` key, keeping only well-typed values
 * (clients send `null` for cleared settings).
 */
function settingsFrom(value: unknown): ServerSettings {
  if (value === null || typeof value !== 'object') return {};
  const record = value as Record<string, unknown>;
  const nested = record.wirefilter;
  const raw = (nested !== null && typeof nested === 'object' ? nested : record) as Record<string, unknown>;
  const settings: ServerSettings = {};
  if (typeof raw.schemeFile === 'string') settings.schemeFile = raw.schemeFile;
  if (typeof raw.phase === 'string' && raw.phase !== '') settings.phase = raw.phase;
  if (raw.lists !== null && typeof raw.lists === 'object') {
    const lists: Record<string, 'Ip' | 'Int' | 'Bytes'> = {};
    for (const [name, type] of Object.entries(raw.lists as Record<string, unknown>)) {
      if (type === 'Ip' || type === 'Int' || type === 'Bytes') lists[name] = type;
    }
    settings.lists = lists;
  }
  const format = raw.format as Record<string, unknown> | null | undefined;
  if (format !== null && typeof format === 'object') {
    settings.format = {
      ...(typeof format.width === 'number' && format.width > 0 && { width: format.width }),
      ...((format.operators === 'english' || format.operators === 'symbolic') && { operators: format.operators }),
    };
  }
  return settings;
}

/**
 * Registers every handler of the language server on `connection`. The caller calls
 * `connection.listen()`.
 */
export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  let settings: ServerSettings = {};
  let workspaceRoot: string | undefined;
  let capabilities: ClientCapabilities = {};
  let scheme: Scheme = cloudflareScheme();
  const services = new Map<string, LanguageService>();

  const service = (phase: string | undefined): LanguageService => {
    const key = phase ?? '';
    let found = services.get(key);
    if (found === undefined) {
      found = new LanguageService(scheme, phase === undefined ? {} : { phase });
      services.set(key, found);
    }
    return found;
  };
  const serviceFor = (region: ExpressionRegion): LanguageService => service(region.phase ?? settings.phase);

  /** Builds the scheme from the settings; a bad scheme file falls back to Cloudflare's. */
  const loadScheme = (): void => {
    services.clear();
    const lists: Record<string, ListDefinition> = {};
    for (const [name, type] of Object.entries(settings.lists ?? {})) lists[name] = { type, items: [] };
    // Account lists the editor does not know about are common: warn instead of failing.
    try {
      scheme = cloudflareScheme({ lists, options: { unknownLists: 'warning' } });
    } catch (error) {
      void connection.window.showErrorMessage(`wirefilter: invalid \`lists\` setting: ${(error as Error).message}`);
      scheme = cloudflareScheme({ options: { unknownLists: 'warning' } });
    }
    if (settings.schemeFile === undefined || settings.schemeFile.trim() === '') return;
    const path = isAbsolute(settings.schemeFile) || workspaceRoot === undefined ? settings.schemeFile : resolve(workspaceRoot, settings.schemeFile);
    try {
      const definition = JSON.parse(readFileSync(path, 'utf8')) as SchemeDefinition;
      scheme = new Scheme(definition);
    } catch (error) {
      void connection.window.showErrorMessage(`wirefilter: cannot load the scheme file ${path}: ${(error as Error).message}; using Cloudflare's fields`);
    }
  };

  const regionsOf = (document: TextDocument): ExpressionRegion[] => {
    const kind = documentKind(document.languageId);
    return kind === undefined ? [] : expressionRegions(kind, document.getText());
  };

  /** The region holding a document position, and the offset inside it. */
  const locate = (uri: string, position: { line: number; character: number }): { document: TextDocument; region: ExpressionRegion; offset: number } | undefined => {
    const document = documents.get(uri);
    if (document === undefined) return undefined;
    const at = document.offsetAt(position);
    for (const region of regionsOf(document)) {
      const offset = region.fromDocument(at);
      if (offset !== undefined) return { document, region, offset };
    }
    return undefined;
  };

  const rangeOf = (document: TextDocument, region: ExpressionRegion, span: { start: number; end: number }): Range => ({
    start: document.positionAt(region.toDocument(span.start)),
    end: document.positionAt(region.toDocument(span.end)),
  });

  const toLspDiagnostic = (document: TextDocument, region: ExpressionRegion, d: Diagnostic): LspDiagnostic => ({
    range: rangeOf(document, region, d.span),
    severity: SEVERITIES[d.severity],
    code: d.code,
    source: 'wirefilter',
    message: d.message,
    ...(d.code === 'deprecated-field' && { tags: [DiagnosticTag.Deprecated] }),
  });

  const validate = (document: TextDocument): void => {
    const diagnostics = regionsOf(document).flatMap((region) =>
      serviceFor(region).validate(region.text).map((d) => toLspDiagnostic(document, region, d)),
    );
    void connection.sendDiagnostics({ uri: document.uri, version: document.version, diagnostics });
  };

  const reload = (): void => {
    loadScheme();
    for (const document of documents.all()) validate(document);
  };

  const pullConfiguration = async (): Promise<void> => {
    if (capabilities.workspace?.configuration !== true) return;
    const value: unknown = await connection.workspace.getConfiguration('wirefilter');
    if (value !== null && typeof value === 'object') settings = { ...settings, ...settingsFrom(value) };
  };

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    capabilities = params.capabilities;
    const folder = params.workspaceFolders?.[0]?.uri ?? params.rootUri ?? undefined;
    if (folder?.startsWith('file:')) workspaceRoot = fileURLToPath(folder);
    settings = settingsFrom(params.initializationOptions);
    loadScheme();
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        completionProvider: { triggerCharacters: ['.', '$', '[', '"', '(', ','], resolveProvider: false },
        hoverProvider: true,
        signatureHelpProvider: { triggerCharacters: ['(', ','], retriggerCharacters: [','] },
        documentFormattingProvider: true,
        semanticTokensProvider: { legend: SEMANTIC_TOKENS_LEGEND, full: true },
      },
      serverInfo: { name: 'wirefilter-lsp' },
    };
  });

  connection.onInitialized(async () => {
    if (capabilities.workspace?.configuration !== true) return;
    await pullConfiguration();
    reload();
  });

  connection.onDidChangeConfiguration(async (change) => {
    const pushed = settingsFrom((change.settings as Record<string, unknown> | null)?.wirefilter ?? undefined);
    if (Object.keys(pushed).length > 0) settings = { ...settings, ...pushed };
    else await pullConfiguration();
    reload();
  });

  // Fired on open as well as on every change.
  documents.onDidChangeContent((event) => validate(event.document));
  documents.onDidClose((event) => void connection.sendDiagnostics({ uri: event.document.uri, diagnostics: [] }));

  connection.onCompletion((params) => {
    const found = locate(params.textDocument.uri, params.position);
    if (found === undefined) return null;
    const { document, region, offset } = found;
    const list = serviceFor(region).complete(region.text, offset);
    const range = rangeOf(document, region, list.span);
    const items = list.items.map((item): LspCompletionItem => {
      // Inside a JSON string the inserted text must be JSON-escaped, and in a snippet a
      // backslash is itself an escape character.
      const encoded = region.json ? region.encode(item.insertText).slice(1, -1) : item.insertText;
      const newText = region.json && item.isSnippet === true ? encoded.replace(/\\/g, '\\\\') : encoded;
      return {
        label: item.label,
        kind: COMPLETION_KINDS[item.kind],
        ...(item.detail !== undefined && { detail: item.detail }),
        ...(item.documentation !== undefined && { documentation: { kind: MarkupKind.Markdown, value: item.documentation } }),
        textEdit: { range, newText },
        ...(item.isSnippet === true && { insertTextFormat: InsertTextFormat.Snippet }),
        ...(item.sortText !== undefined && { sortText: item.sortText }),
        ...(item.filterText !== undefined && { filterText: item.filterText }),
        ...(item.deprecated === true && { tags: [CompletionItemTag.Deprecated] }),
        ...(item.retrigger === true && { command: { title: 'Suggest', command: 'editor.action.triggerSuggest' } }),
      };
    });
    return { isIncomplete: false, items };
  });

  connection.onHover((params) => {
    const found = locate(params.textDocument.uri, params.position);
    if (found === undefined) return null;
    const { document, region, offset } = found;
    const info = serviceFor(region).hover(region.text, offset);
    if (info === undefined) return null;
    return { contents: { kind: MarkupKind.Markdown, value: info.markdown }, range: rangeOf(document, region, info.span) };
  });

  connection.onSignatureHelp((params) => {
    const found = locate(params.textDocument.uri, params.position);
    if (found === undefined) return null;
    const help = serviceFor(found.region).signatureHelp(found.region.text, found.offset);
    if (help === undefined) return null;
    const offsets = capabilities.textDocument?.signatureHelp?.signatureInformation?.parameterInformation?.labelOffsetSupport === true;
    return {
      activeSignature: help.activeSignature,
      activeParameter: help.activeParameter,
      signatures: help.signatures.map((s) => ({
        label: s.label,
        ...(s.documentation !== undefined && { documentation: { kind: MarkupKind.Markdown, value: s.documentation } }),
        parameters: s.parameters.map((p) => ({
          label: typeof p.label === 'string' || offsets ? p.label : s.label.slice(p.label[0], p.label[1]),
          ...(p.documentation !== undefined && { documentation: { kind: MarkupKind.Markdown, value: p.documentation } }),
        })),
      })),
    };
  });

  connection.onDocumentFormatting((params) => {
    const document = documents.get(params.textDocument.uri);
    if (document === undefined) return null;
    const kind = documentKind(document.languageId);
    const edits: TextEdit[] = [];
    for (const region of regionsOf(document)) {
      const options: FormatOptions = {
        // Inside JSON a line break would be a `\n` escape: keep expressions on one line.
        width: region.json ? Number.POSITIVE_INFINITY : (settings.format?.width ?? 100),
        indent: params.options.insertSpaces ? params.options.tabSize : '\t',
        ...(settings.format?.operators !== undefined && { operators: settings.format.operators }),
      };
      let formatted = serviceFor(region).format(region.text, options);
      if (formatted === undefined) continue;
      if (kind === 'wirefilter' && /\r?\n$/.test(region.text)) formatted += region.text.endsWith('\r\n') ? '\r\n' : '\n';
      if (formatted === region.text) continue;
      edits.push({
        range: { start: document.positionAt(region.range.start), end: document.positionAt(region.range.end) },
        newText: region.encode(formatted),
      });
    }
    return edits;
  });

  connection.languages.semanticTokens.on((params) => {
    const document = documents.get(params.textDocument.uri);
    const builder = new SemanticTokensBuilder();
    if (document === undefined) return builder.build();
    for (const region of regionsOf(document)) {
      for (const token of serviceFor(region).semanticTokens(region.text)) {
        const type = SEMANTIC_TOKEN_TYPES.indexOf(token.type);
        const modifiers = token.modifiers.reduce((bits, m) => bits | (1 << SEMANTIC_TOKEN_MODIFIERS.indexOf(m)), 0);
        const start = document.positionAt(region.toDocument(token.span.start));
        const end = document.positionAt(region.toDocument(token.span.end));
        // LSP tokens cannot span lines (a raw string may): one piece per line.
        for (let line = start.line; line <= end.line; line++) {
          const from = line === start.line ? start.character : 0;
          const length = (line === end.line ? end.character : lineLength(document, line)) - from;
          if (length > 0) builder.push(line, from, length, type, modifiers);
        }
      }
    }
    return builder.build();
  });

  documents.listen(connection);
}

/** Length of a line without its line break. */
function lineLength(document: TextDocument, line: number): number {
  const text = document.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } });
  return text.replace(/\r?\n$/, '').length;
}
