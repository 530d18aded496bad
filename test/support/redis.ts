/**
 * A throw-away Redis server for the tests: Debian's `redis-server` on 127.0.0.1 and a free
 * port, no persistence, in a temporary directory; `stop()` (or `kill()`, SIGKILL) ends it and
 * waits for the process to exit. No client library is involved: readiness is a raw PING.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** A running server. */
export interface RedisServer {
  readonly host: string;
  readonly port: number;
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  readonly process: ChildProcess;
  /** SIGKILL, then waits for the process to exit (the data directory stays until `stop`). */
  kill(): Promise<void>;
  /** Ends the server (SIGTERM unless already dead), waits for it and deletes its directory. */
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
const STARTUP_MS = 10_000;

/** The `redis-server` binary: `$REDIS_SERVER`, else the first on PATH, else Debian's path. */
export function redisServerBinary(): string {
  const candidates = [process.env.REDIS_SERVER, ...(process.env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, 'redis-server')), '/usr/bin/redis-server'];
  for (const candidate of candidates) {
    if (candidate === undefined) continue;
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // try the next
    }
  }
  throw new Error('redis-server is not installed: the Redis store tests need a real server (Debian: apt-get install -y redis-server; .ci/run installs it). Set REDIS_SERVER to use another binary.');
}

/** A port free right now on 127.0.0.1 (the OS picks it; the listener is closed at once). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, HOST);
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/** Resolves once `PING` on a fresh connection answers `+PONG`; rejects on any failure. */
export function ping(port: number, host = HOST, timeoutMs = 500): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host, port });
    let answer = '';
    const fail = (error: Error): void => {
      socket.destroy();
      reject(error);
    };
    socket.setTimeout(timeoutMs, () => fail(new Error('PING timed out')));
    socket.on('error', fail);
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
      if (!answer.includes('\r\n')) return;
      socket.destroy();
      if (answer.startsWith('+PONG')) resolve();
      else reject(new Error(`PING answered ${JSON.stringify(answer)}`));
    });
  });
}

/** Starts a server; retries on another port when the chosen one was taken meanwhile. */
export async function startRedis(): Promise<RedisServer> {
  const binary = redisServerBinary();
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const dir = mkdtempSync(join(tmpdir(), 'wirefilter-redis-'));
    const port = await freePort();
    const child = spawn(binary, ['--port', String(port), '--bind', HOST, '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no', '--loglevel', 'warning'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    let exited = false;
    const exit = once(child, 'exit').then(() => {
      exited = true;
    });
    const deadline = Date.now() + STARTUP_MS;
    let ready = false;
    while (!exited && Date.now() < deadline) {
      try {
        await ping(port);
        ready = true;
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 25));
      }
    }
    if (ready) {
      const kill = async (): Promise<void> => {
        if (!exited) {
          child.kill('SIGKILL');
          await exit;
        }
      };
      return {
        host: HOST,
        port,
        url: `redis://${HOST}:${port}`,
        process: child,
        kill,
        stop: async () => {
          if (!exited) {
            child.kill('SIGTERM');
            const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
            await exit;
            clearTimeout(timer);
          }
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    if (!exited) {
      child.kill('SIGKILL');
      await exit;
    }
    rmSync(dir, { recursive: true, force: true });
    lastError = new Error(`redis-server on port ${port} did not answer PING within ${STARTUP_MS} ms${output ? `:\n${output.trim()}` : ''}`);
    if (!/address already in use/i.test(output)) break; // only a port collision is worth a retry
  }
  throw lastError;
}
