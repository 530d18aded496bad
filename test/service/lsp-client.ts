/**
 * A test client for the language server: spawns the built `dist/lsp.js` over stdio, as an
 * editor would, and talks JSON-RPC to it, recording what the server sends on its own
 * (diagnostics, messages, stderr). Shared by the LSP test files.
 *
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';

/** An LSP position. */
export interface Position { line: number; character: number }
/** An LSP range. */
export interface Range { start: Position; end: Position }
/** A published diagnostic. */
export interface LspDiagnostic { range: Range; code: string; severity: number; message: string; source: string; tags?: number[] }
/** One `textDocument/publishDiagnostics` notification. */
export interface Publication { version?: number; diagnostics: LspDiagnostic[]; at: number }
/** One `window/showMessage` or `window/logMessage` notification. */
export interface ServerMessage { method: 'window/showMessage' | 'window/logMessage'; type: number; message: string }

/** The repository root. */
export const repository = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Position of `offset` in `text` (UTF-16, like LSP's default encoding). */
export function positionOf(text: string, offset: number): Position {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

/** The range of the first `fragment` in `text` at or after `from`. */
export function rangeOf(text: string, fragment: string, from = 0): Range {
  const start = text.indexOf(fragment, from);
  if (start < 0) throw new Error(`${fragment} not in ${text}`);
  return { start: positionOf(text, start), end: positionOf(text, start + fragment.length) };
}

/** A base-protocol frame for a JSON-RPC message, for writing raw bytes. */
export function frame(message: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(message), 'utf8');
  return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]);
}

/** A spawned server and a client connection to it. */
export class Client {
  readonly child: ChildProcess;
  readonly connection: MessageConnection;
  readonly exited: Promise<number | null>;
  /** Every publication, per document URI, in arrival order. */
  readonly published = new Map<string, Publication[]>();
  /** Every `window/showMessage` and `window/logMessage`, in arrival order. */
  readonly messages: ServerMessage[] = [];
  private readonly waiters: (() => void)[] = [];
  stderr = '';

  constructor(onRequest?: (connection: MessageConnection) => void, args: readonly string[] = []) {
    // The shipped bin (dist/lsp.js, built by `npm test`), spawned as an editor would.
    this.child = spawn(process.execPath, [join(repository, 'dist/lsp.js'), '--stdio', ...args], {
      cwd: repository,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stderr!.on('data', (chunk) => {
      this.stderr += String(chunk);
      this.wake();
    });
    // A server that died must not fail the test run with EPIPE on a later write.
    this.child.stdin!.on('error', () => {});
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
    this.connection = createMessageConnection(new StreamMessageReader(this.child.stdout!), new StreamMessageWriter(this.child.stdin!));
    this.connection.onNotification('textDocument/publishDiagnostics', (params: { uri: string; version?: number; diagnostics: LspDiagnostic[] }) => {
      const list = this.published.get(params.uri) ?? [];
      list.push({ ...(params.version !== undefined && { version: params.version }), diagnostics: params.diagnostics, at: performance.now() });
      this.published.set(params.uri, list);
      this.wake();
    });
    for (const method of ['window/showMessage', 'window/logMessage'] as const) {
      this.connection.onNotification(method, (params: { type: number; message: string }) => {
        this.messages.push({ method, ...params });
        this.wake();
      });
    }
    onRequest?.(this.connection);
    this.connection.listen();
  }

  private wake(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** Waits until `check` returns a value other than `undefined` (it is re-run on every server event). */
  async until<T>(check: () => T | undefined, what: string, timeoutMs = 20_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = check();
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\nstderr: ${this.stderr}\nmessages: ${JSON.stringify(this.messages)}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }

  /** The first published diagnostics for `uri` that satisfy `accept` (waits for them). */
  diagnostics(uri: string, accept: (d: LspDiagnostic[]) => boolean = () => true): Promise<LspDiagnostic[]> {
    return this.until(() => (this.published.get(uri) ?? []).find((p) => accept(p.diagnostics))?.diagnostics, `diagnostics for ${uri}: ${JSON.stringify(this.published.get(uri))}`);
  }

  /** The first server message (of `method`, when given) whose text matches `pattern` (waits for it). */
  message(pattern: RegExp, method?: ServerMessage['method']): Promise<ServerMessage> {
    return this.until(() => this.messages.find((m) => (method === undefined || m.method === method) && pattern.test(m.message)), `a ${method ?? 'message'} matching ${pattern}`);
  }

  /** Sends `initialize` and `initialized`. */
  async initialize(initializationOptions: unknown, capabilities: Record<string, unknown> = {}): Promise<{ capabilities: Record<string, any> }> {
    const result = await this.connection.sendRequest<{ capabilities: Record<string, any> }>('initialize', {
      processId: process.pid,
      rootUri: null,
      capabilities: {
        textDocument: { signatureHelp: { signatureInformation: { parameterInformation: { labelOffsetSupport: true } } } },
        ...capabilities,
      },
      initializationOptions,
    });
    await this.connection.sendNotification('initialized', {});
    return result;
  }

  /** Sends `textDocument/didOpen`. */
  open(uri: string, languageId: string, text: string): Promise<void> {
    return this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
  }

  /** Sends a request and waits for its answer. */
  request<T>(method: string, params: unknown): Promise<T> {
    return this.connection.sendRequest<T>(method, params);
  }

  /**
   * Writes raw bytes to the server's input. Only between messages: await the connection's
   * own sends first, or the bytes could land inside one of its frames.
   */
  write(bytes: string | Buffer): Promise<void> {
    return new Promise((resolve, reject) => this.child.stdin!.write(bytes, (error) => (error ? reject(error) : resolve())));
  }

  /** Sends `shutdown` and `exit`; the exit code, or -1 when the server did not exit in time. */
  async shutdown(): Promise<number | null> {
    await this.connection.sendRequest('shutdown');
    await this.connection.sendNotification('exit');
    const code = await Promise.race([this.exited, new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 10_000))]);
    this.connection.dispose();
    return code === 'timeout' ? -1 : code;
  }

  /** Stops the server process if it is still running. */
  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill();
    this.connection.dispose();
  }
}
