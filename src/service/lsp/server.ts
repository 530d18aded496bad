/**
 * The language server: the {@link LanguageService} over the Language Server Protocol
 * (Node only). It serves documents of language id `wirefilter` (one expression each) and
 * Cloudflare Rulesets API JSON documents (every rule `expression` inside them), with
 * diagnostics on open and change, completion, hover, signature help, formatting and
 * semantic tokens.
 *
 * Diagnostics are computed in the background: a document is validated once it has been quiet
 * for {@link VALIDATION_DELAY_MS}, in time slices that leave requests answered in between, and
 * a newer change cancels the validation of the older text (only the latest text is published).
 * In Rulesets JSON, each expression's diagnostics are cached by its text and phase, so an edit
 * re-checks only the expressions it changed. Requests never wait for validation: they are
 * answered from the current text.
 *
 * Settings (`initializationOptions`, flat or under `wirefilter`, and the workspace
 * configuration section `wirefilter`):
 * - `schemeFile`: a JSON scheme definition (`{ fields, lists?, options? }`, as given to
 *   `new Scheme(…)`), relative to the first workspace folder; default: Cloudflare's fields.
 *   Only a regular file of at most {@link MAX_SCHEME_FILE_BYTES} is read; anything else is
 *   reported to the user (`window/showMessage`) and Cloudflare's fields are used.
 * - `phase`: the Cloudflare phase to validate for (a ruleset's own `phase` takes precedence).
 * - `lists`: `{ name: "Ip" | "Int" | "Bytes" }`, account lists known to the Cloudflare scheme.
 * - `format.width`, `format.operators` (`english` | `symbolic`).
 *
 * @module
 */
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CompletionItemKind,
  CompletionItemTag,
  DiagnosticSeverity,
  DiagnosticTag,
  InsertTextFormat,
  MarkupKind,
  MessageType,
  SemanticTokensBuilder,
  ShowMessageNotification,
  TextDocuments,
  TextDocumentSyncKind,
  type ClientCapabilities,
  type CompletionItem as LspCompletionItem,
  type Connection,
  type Diagnostic as LspDiagnostic,
  type InitializeParams,
  type InitializeResult,
  type Range,
  type TextDocumentContentChangeEvent,
  type TextEdit,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { cloudflareScheme } from '../../cloudflare/scheme.js';
import type { Diagnostic } from '../../diagnostics/diagnostics.js';
import { Scheme } from '../../engine/scheme.js';
import { type ListDefinition, type SchemeDefinition } from '../../scheme/environment.js';
import { LanguageService } from '../language-service.js';
import { SEMANTIC_TOKEN_MODIFIERS, SEMANTIC_TOKEN_TYPES, type CompletionKind, type FormatOptions } from '../types.js';
import { documentKind, expressionRegions, type ExpressionRegion } from './regions.js';
import { JobScheduler, VALIDATION_DELAY_MS } from './scheduler.js';
import { MAX_SCHEME_FILE_BYTES, readSchemeFile } from './scheme-file.js';

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

/**
 * How many expression texts a document's diagnostic cache keeps beyond its current
 * expressions: texts of earlier versions, kept when a validation is cancelled before it
 * completes (a completed one keeps exactly the current expressions).
 */
const EXTRA_CACHED_EXPRESSIONS = 1024;

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

/** A change the text document model can apply: text is a string, and a range has integer positions. */
function isApplicableChange(change: unknown): change is TextDocumentContentChangeEvent {
  if (change === null || typeof change !== 'object') return false;
  const { text, range } = change as { text?: unknown; range?: unknown };
  if (typeof text !== 'string') return false;
  if (range === undefined) return true;
  const position = (p: unknown): boolean =>
    p !== null && typeof p === 'object' && Number.isSafeInteger((p as { line?: unknown }).line) && Number.isSafeInteger((p as { character?: unknown }).character);
  return range !== null && typeof range === 'object' && position((range as { start?: unknown }).start) && position((range as { end?: unknown }).end);
}

/**
 * Ignores the outcome of a notification sent to the client: sending fails only when the
 * connection is going away, and an unhandled rejection would end the process.
 */
function settle(sent: Promise<void>): void {
  sent.catch(() => undefined);
}

/**
 * Registers every handler of the language server on `connection`. The caller calls
 * `connection.listen()`.
 */
export function startServer(connection: Connection): void {
  // The document model trusts its input: a `null` text is stored as is and breaks every later
  // request on the document, and a change without a string text throws or inserts "null".
  // Malformed input is made harmless here, where documents are created, and logged.
  const documents = new TextDocuments<TextDocument>({
    create: (uri, languageId, version, content) => {
      if (typeof content !== 'string') {
        connection.console.warn(`wirefilter: textDocument/didOpen for ${String(uri)} has no string text (got ${content === null ? 'null' : typeof content}); treating it as empty`);
      }
      return TextDocument.create(
        typeof uri === 'string' ? uri : String(uri),
        typeof languageId === 'string' ? languageId : '',
        Number.isSafeInteger(version) ? version : 0,
        typeof content === 'string' ? content : '',
      );
    },
    update: (document, changes, version) => {
      const list: unknown[] = Array.isArray(changes) ? changes : [];
      const applicable = list.filter(isApplicableChange);
      if (applicable.length !== list.length) {
        connection.console.warn(`wirefilter: ignored ${list.length - applicable.length} malformed change(s) to ${document.uri} (text must be a string, positions integers)`);
      }
      return TextDocument.update(document, applicable, Number.isSafeInteger(version) ? version : document.version);
    },
  });
  let settings: ServerSettings = {};
  let workspaceRoot: string | undefined;
  let capabilities: ClientCapabilities = {};
  let scheme: Scheme = cloudflareScheme();
  const services = new Map<string, LanguageService>();

  /**
   * Shows an error to the user and logs it. A `window/showMessage` notification, not
   * `connection.window.showErrorMessage`: that one is a `window/showMessageRequest`, and a
   * client without it answers with an error that rejected the promise and, unhandled, ended
   * the server.
   */
  const showError = (message: string): void => {
    connection.console.error(message);
    settle(connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Error, message }));
  };

  const service = (phase: string | undefined, countingExpression = false): LanguageService => {
    const key = `${phase ?? ''}${countingExpression ? '\u0000counting' : ''}`;
    let found = services.get(key);
    if (found === undefined) {
      found = new LanguageService(scheme, { ...(phase !== undefined && { phase }), ...(countingExpression && { countingExpression }) });
      services.set(key, found);
    }
    return found;
  };
  const serviceFor = (region: ExpressionRegion): LanguageService => service(region.phase ?? settings.phase, region.counting === true);

  /** Builds the scheme from the settings; a bad scheme file falls back to Cloudflare's. */
  const loadScheme = (): void => {
    services.clear();
    const lists: Record<string, ListDefinition> = {};
    for (const [name, type] of Object.entries(settings.lists ?? {})) lists[name] = { type, items: [] };
    // Account lists the editor does not know about are common: warn instead of failing.
    try {
      scheme = cloudflareScheme({ lists, options: { unknownLists: 'warning' } });
    } catch (error) {
      showError(`wirefilter: invalid \`lists\` setting: ${error instanceof Error ? error.message : String(error)}`);
      scheme = cloudflareScheme({ options: { unknownLists: 'warning' } });
    }
    if (settings.schemeFile === undefined || settings.schemeFile.trim() === '') return;
    const path = isAbsolute(settings.schemeFile) || workspaceRoot === undefined ? settings.schemeFile : resolve(workspaceRoot, settings.schemeFile);
    try {
      // Bounded, and only a regular file: a device or FIFO there would hang or exhaust memory.
      const definition = JSON.parse(readSchemeFile(path, MAX_SCHEME_FILE_BYTES)) as SchemeDefinition;
      scheme = new Scheme(definition);
    } catch (error) {
      const message = `wirefilter: cannot load the scheme file ${path}: ${error instanceof Error ? error.message : String(error)}; using Cloudflare's fields`;
      showError(message);
    }
  };

  // The expressions of each open document, for its current text: parsing a large Rulesets
  // JSON document takes a while, and every request and validation needs them.
  const regionCache = new Map<string, { document: TextDocument; text: string; regions: ExpressionRegion[] }>();
  const regionsOf = (document: TextDocument): ExpressionRegion[] => {
    const text = document.getText();
    const cached = regionCache.get(document.uri);
    if (cached !== undefined && cached.document === document && cached.text === text) return cached.regions;
    const kind = documentKind(document.languageId);
    const regions = kind === undefined ? [] : expressionRegions(kind, text);
    regionCache.set(document.uri, { document, text, regions });
    return regions;
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

  // Each document's diagnostics per expression, keyed by phase and text: an edit re-checks
  // only the expressions it changed. Emptied when the scheme or settings change.
  const diagnosticCache = new Map<string, Map<string, Diagnostic[]>>();
  const scheduler = new JobScheduler({
    onError: (uri, error) => connection.console.error(`wirefilter: validating ${uri} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
  });

  /** Validates the current text of `document` step by step, then publishes its diagnostics. */
  function* validation(document: TextDocument): Generator<void, void, void> {
    const text = document.getText();
    const version = document.version;
    const regions = regionsOf(document);
    yield;
    const previous = diagnosticCache.get(document.uri) ?? new Map<string, Diagnostic[]>();
    diagnosticCache.set(document.uri, previous);
    const used = new Map<string, Diagnostic[]>();
    const diagnostics: LspDiagnostic[] = [];
    for (const region of regions) {
      const phase = region.phase ?? settings.phase ?? '';
      const key = `${phase}\u0000${region.counting === true ? 'counting' : ''}\u0000${region.text}`;
      let found = used.get(key);
      if (found === undefined) {
        found = previous.get(key) ?? serviceFor(region).validate(region.text);
        // Kept at once (a validation cancelled by the next keystroke keeps what it computed),
        // most recently used last, so that the bound below drops the stalest entries.
        previous.delete(key);
        previous.set(key, found);
        if (previous.size > regions.length + EXTRA_CACHED_EXPRESSIONS) previous.delete(previous.keys().next().value!);
      }
      used.set(key, found);
      for (const d of found) diagnostics.push(toLspDiagnostic(document, region, d));
      yield;
    }
    // The generator is not resumed once a newer change cancelled it; this guards the rest
    // (a document closed or reopened in between).
    if (documents.get(document.uri) !== document || document.getText() !== text) return;
    diagnosticCache.set(document.uri, used);
    settle(connection.sendDiagnostics({ uri: document.uri, version, diagnostics }));
  }

  const scheduleValidation = (document: TextDocument): void => scheduler.schedule(document.uri, () => validation(document));

  const reload = (): void => {
    loadScheme();
    diagnosticCache.clear();
    for (const document of documents.all()) scheduleValidation(document);
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

  // Fired on open as well as on every change: only (re)starts the quiet-time timer.
  documents.onDidChangeContent((event) => scheduleValidation(event.document));
  documents.onDidClose((event) => {
    const { uri } = event.document;
    scheduler.cancel(uri);
    regionCache.delete(uri);
    diagnosticCache.delete(uri);
    settle(connection.sendDiagnostics({ uri, diagnostics: [] }));
  });
  connection.onShutdown(() => scheduler.cancelAll());

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
