/**
 * requestFields() on real Node `http.IncomingMessage`s: local servers on 127.0.0.1, on ::1
 * and on the dual-stack wildcard (when the machine has IPv6 loopback), real clients
 * (`node:http` and raw `node:net` sockets), conversion inside the request handler.
 */
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Scheme } from '../../src/index.js';
import catalogue from '../../src/cloudflare/fields.json';
import { requestFields, type RequestFieldValues } from '../../src/cloudflare/request/fields.js';

const scheme = new Scheme({ fields: Object.fromEntries((catalogue as { name: string; type: string }[]).map((f) => [f.name, f.type])) });

/** A local server that converts each request inside its handler and hands the result to the test. */
interface TestServer {
  readonly server: http.Server;
  readonly port: number;
  /** The fields of the next request the server receives. */
  next(): Promise<RequestFieldValues>;
}

async function startServer(host: string): Promise<TestServer> {
  const waiting: { resolve(values: RequestFieldValues): void; reject(error: unknown): void }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = chunks.length > 0 ? new Uint8Array(Buffer.concat(chunks)) : undefined;
      const waiter = waiting.shift();
      try {
        // Converted here, while the socket and request are live, as an application would.
        waiter?.resolve(requestFields(req, { body, timestamp: 1_700_000_000_500 }));
      } catch (error) {
        waiter?.reject(error);
      }
      res.setHeader('connection', 'close');
      res.end('ok');
    });
  });
  // A request the server rejects (e.g. 400 for a malformed head) fails the waiting test at once.
  server.on('clientError', (error, socket) => {
    waiting.shift()?.reject(error);
    socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    next: () => new Promise((resolve, reject) => waiting.push({ resolve, reject })),
  };
}

function stopServer(test: TestServer | undefined): Promise<void> {
  if (test === undefined) return Promise.resolve();
  test.server.closeAllConnections();
  return new Promise((resolve) => test.server.close(() => resolve()));
}

/**
 * Sends a request with `node:http`; `headers` as a flat raw array keeps repeats and case (Node
 * then adds no Host header of its own, so tests pass one: the server answers 400 without it).
 */
function send(options: http.RequestOptions & { headers?: string[] }, body?: string | Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request({ agent: false, ...options } as http.RequestOptions, (res) => {
      res.resume();
      res.on('end', () => resolve());
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Sends raw bytes over TCP, for request targets and header bytes `node:http` would refuse to send. */
function sendRaw(host: string, port: number, data: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, host, () => socket.end(data));
    socket.on('data', () => {});
    socket.on('error', reject);
    socket.on('close', () => resolve());
  });
}

/** Whether this machine can listen on the IPv6 loopback address. */
async function hasIpv6Loopback(): Promise<boolean> {
  const probe = net.createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen(0, '::1', () => resolve());
    });
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    return true;
  } catch {
    return false;
  }
}

const ipv6 = await hasIpv6Loopback();
if (!ipv6) console.warn('request-node.test: no IPv6 loopback on this machine; the ::1 tests are skipped');

describe('requestFields on a Node server (127.0.0.1)', () => {
  let srv: TestServer | undefined;
  beforeAll(async () => {
    srv = await startServer('127.0.0.1');
  });
  afterAll(() => stopServer(srv));

  it('reads the request line, raw header lines with their case, and the socket', async () => {
    const got = srv!.next();
    await send({
      host: '127.0.0.1',
      port: srv!.port,
      method: 'GET',
      path: '/Shop/./Item%2e%2E/../Cart.PHP?a=1&a=2&q=%7e+x&a=3',
      headers: [
        'Host', 'Shop.Example:8443',
        'X-Dup', 'one',
        'x-DUP', 'two, three',
        'User-Agent', 'node-test/1.0',
        'Cookie', 'sid=abc==; pref=a=b',
        'Cookie', 'sid=second',
        'X-Forwarded-For', '203.0.113.9',
        'Accept-Language', 'de;q=0.5, en-GB',
        'Referer', 'https://ref.example/',
      ],
    });
    const v = await got;
    expect(v['http.request.method']).toBe('GET');
    expect(v['http.request.version']).toBe('HTTP/1.1');
    expect(v['http.host']).toBe('Shop.Example:8443');
    expect(v['ssl']).toBe(false);
    expect(v['ip.src']).toBe('127.0.0.1');
    expect(v['cf.edge.server_ip']).toBe('127.0.0.1');
    expect(v['cf.edge.server_port']).toBe(srv!.port);
    expect(v['cf.edge.client_tcp']).toBe(true);
    expect(v['raw.http.request.uri']).toBe('/Shop/./Item%2e%2E/../Cart.PHP?a=1&a=2&q=%7e+x&a=3');
    expect(v['raw.http.request.uri.path']).toBe('/Shop/./Item%2e%2E/../Cart.PHP');
    expect(v['raw.http.request.uri.path.extension']).toBe('PHP');
    expect(v['raw.http.request.full_uri']).toBe('http://Shop.Example:8443/Shop/./Item%2e%2E/../Cart.PHP?a=1&a=2&q=%7e+x&a=3');
    expect(v['http.request.uri.path']).toBe('/Shop/Cart.PHP');
    expect(v['http.request.uri.path.extension']).toBe('php');
    expect(v['http.request.uri']).toBe('/Shop/Cart.PHP?a=1&a=2&q=%7e+x&a=3');
    expect(v['http.request.full_uri']).toBe('http://Shop.Example:8443/Shop/Cart.PHP?a=1&a=2&q=%7e+x&a=3');
    expect(v['http.request.uri.args']).toEqual({ a: ['1', '2', '3'], q: ['%7e+x'] });
    expect(v['http.request.uri.args.names']).toEqual(['a', 'a', 'q', 'a']);
    // rawHeaders: one entry per line, original case, in order (Node adds Connection itself).
    const names = v['http.request.headers.names'] as string[];
    expect(names.slice(0, 10)).toEqual(['Host', 'X-Dup', 'x-DUP', 'User-Agent', 'Cookie', 'Cookie', 'X-Forwarded-For', 'Accept-Language', 'Referer', 'Connection']);
    expect((v['http.request.headers.values'] as string[]).slice(1, 3)).toEqual(['one', 'two, three']);
    const headers = v['http.request.headers'] as Record<string, string[]>;
    expect(headers['x-dup']).toEqual(['one', 'two, three']);
    expect(headers['cookie']).toEqual(['sid=abc==; pref=a=b', 'sid=second']);
    expect(v['http.cookie']).toBe('sid=abc==; pref=a=b; sid=second');
    expect(v['http.request.cookies']).toEqual({ sid: ['abc==', 'second'], pref: ['a=b'] });
    expect(v['http.user_agent']).toBe('node-test/1.0');
    expect(v['http.referer']).toBe('https://ref.example/');
    expect(v['http.x_forwarded_for']).toBe('203.0.113.9');
    expect(v['http.request.accepted_languages']).toEqual(['en-GB', 'de']);
    expect(v['http.request.timestamp.sec']).toBe(1_700_000_000);
    expect(v['http.request.timestamp.msec']).toBe(500);
    expect(v['cf.tls_client_auth.cert_presented']).toBe(false);
    expect('http.request.body.raw' in v).toBe(false);

    const ctx = scheme.context(v);
    const check = (expression: string) => scheme.compile(expression).execute(ctx);
    expect(check('http.request.uri.args["a"][1] eq "2"')).toBe(true);
    expect(check('any(http.request.headers["x-dup"][*] eq "one")')).toBe(true);
    expect(check('any(http.request.headers.names[*] eq "x-DUP")')).toBe(true);
    expect(check('http.request.cookies["sid"][1] eq "second"')).toBe(true);
    expect(check('ip.src in {127.0.0.0/8} and not ssl')).toBe(true);
    expect(check('lower(http.host) eq "shop.example:8443"')).toBe(true);
    expect(check('raw.http.request.uri.path contains "/../" and not http.request.uri.path contains "/../"')).toBe(true);
  });

  it('converts a multipart upload read in the handler', async () => {
    const form = new FormData();
    form.append('comment', 'hello');
    form.append('upload', new Blob([Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 0xfe])], { type: 'application/octet-stream' }), 'run.sh');
    const encoded = new Request('http://x/', { method: 'POST', body: form });
    const body = new Uint8Array(await encoded.arrayBuffer());
    const got = srv!.next();
    await send({ host: '127.0.0.1', port: srv!.port, method: 'POST', path: '/upload', headers: ['Host', 'up.test', 'Content-Type', encoded.headers.get('content-type')!] }, body);
    const v = await got;
    expect(v['http.request.body.size']).toBe(body.length);
    expect(v['http.request.body.truncated']).toBe(false);
    expect(v['http.request.body.multipart.names']).toEqual([['comment'], ['upload']]);
    expect(v['http.request.body.multipart.filenames']).toEqual([[], ['run.sh']]);
    expect((v['http.request.body.multipart.values'] as unknown[])[1]).toEqual(Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 0xfe]));
    expect(scheme.compile('any(http.request.body.multipart.filenames[*][0] wildcard "*.sh")').execute(v)).toBe(true);
  });

  it('keeps the bytes of a raw request: backslashes, double slashes, non-UTF-8 header values', async () => {
    const got = srv!.next();
    const head = 'POST /a//b\\..\\c/%7Efile.TXT?x=%ff HTTP/1.0\r\nhOsT: raw.test\r\nX-Bin: ';
    const data = Buffer.concat([
      Buffer.from(head, 'latin1'),
      Buffer.from([0xc3, 0xa9, 0x20, 0xff]),
      Buffer.from('\r\nX-Utf8: caf\xc3\xa9\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 9\r\n\r\nk=v&k=%41', 'latin1'),
    ]);
    await sendRaw('127.0.0.1', srv!.port, data);
    const v = await got;
    expect(v['http.request.version']).toBe('HTTP/1.0');
    expect(v['http.host']).toBe('raw.test');
    expect(v['http.request.headers.names']).toEqual(['hOsT', 'X-Bin', 'X-Utf8', 'Content-Type', 'Content-Length']);
    const headers = v['http.request.headers'] as Record<string, unknown[]>;
    expect(headers['x-bin']![0]).toEqual(Uint8Array.from([0xc3, 0xa9, 0x20, 0xff]));
    expect(headers['x-utf8']![0]).toBe('café');
    expect(v['raw.http.request.uri.path']).toBe('/a//b\\..\\c/%7Efile.TXT');
    expect(v['http.request.uri.path']).toBe('/a/c/~file.TXT');
    expect(v['http.request.uri.query']).toBe('x=%ff');
    expect(v['http.request.body.form']).toEqual({ k: ['v', '%41'] });
    expect(v['http.request.body.raw']).toBe('k=v&k=%41');
  });
});

describe.skipIf(!ipv6)('requestFields on a Node server (::1)', () => {
  let srv: TestServer | undefined;
  beforeAll(async () => {
    srv = await startServer('::1');
  });
  afterAll(() => stopServer(srv));

  it('reports the IPv6 client address', async () => {
    const got = srv!.next();
    await send({ host: '::1', port: srv!.port, path: '/v6?z=1', headers: ['Host', `[::1]:${srv!.port}`, 'X-Dup', 'a', 'X-Dup', 'b'] });
    const v = await got;
    expect(v['ip.src']).toBe('::1');
    expect(v['cf.edge.server_ip']).toBe('::1');
    expect(v['http.host']).toBe(`[::1]:${srv!.port}`);
    expect(v['http.request.full_uri']).toBe(`http://[::1]:${srv!.port}/v6?z=1`);
    expect(scheme.compile('ip.src eq ::1 and any(http.request.headers["x-dup"][*] eq "b")').execute(v)).toBe(true);
  });
});

describe.skipIf(!ipv6)('requestFields on a dual-stack Node server (::)', () => {
  let srv: TestServer | undefined;
  beforeAll(async () => {
    srv = await startServer('::');
  });
  afterAll(() => stopServer(srv));

  it('unmaps the IPv4-mapped address Node reports for an IPv4 client', async () => {
    const got = srv!.next();
    await send({ host: '127.0.0.1', port: srv!.port, path: '/' });
    const v = await got;
    expect(v['ip.src']).toBe('127.0.0.1');
    expect(scheme.compile('ip.src in {127.0.0.0/8}').execute(v)).toBe(true);
  });
});
