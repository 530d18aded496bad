/**
 * A real DNS server on loopback for tests (dns2, UDP and TCP on one free port), answering
 * PTR, A and AAAA from a zone the test writes, with failures on demand (NXDOMAIN, SERVFAIL,
 * REFUSED, silence) and a log of every query it received — so a test can prove that an
 * answer came from a cache.
 *
 * @module
 */
import { Resolver } from 'node:dns/promises';
import dns2 from 'dns2';

const { Packet } = dns2;
/** Response codes (RFC 1035 §4.1.1); dns2's typings lack `Packet.RCODE`. */
const RCODE = { SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 } as const;

/** What the server does for a name (and, optionally, one record type). */
export type DnsBehaviour = 'nxdomain' | 'servfail' | 'refused' | 'timeout';

/** One query the server received. */
export interface ReceivedQuery {
  type: 'PTR' | 'A' | 'AAAA' | string;
  /** Lower case, no trailing dot. */
  name: string;
  transport: 'udp' | 'tcp';
}

/** The reverse name of an address: `1.66.249.66.in-addr.arpa`, or nibbles under `ip6.arpa`. */
export function reverseName(ip: string): string {
  if (ip.includes(':')) {
    const [head, tail = ''] = ip.split('::');
    const h = head ? head.split(':') : [];
    const t = tail ? tail.split(':') : [];
    const groups = ip.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
    const nibbles = groups.map((g) => g.padStart(4, '0')).join('');
    return `${[...nibbles].reverse().join('.')}.ip6.arpa`;
  }
  return `${ip.split('.').reverse().join('.')}.in-addr.arpa`;
}

const TYPE_NAMES: Record<number, string> = { [Packet.TYPE.A]: 'A', [Packet.TYPE.AAAA]: 'AAAA', [Packet.TYPE.PTR]: 'PTR' };

/** A running test server. */
export class TestDnsServer {
  /** Every query received, in order. */
  readonly queries: ReceivedQuery[] = [];
  private readonly records = new Map<string, { PTR: string[]; A: string[]; AAAA: string[] }>();
  private readonly behaviours = new Map<string, DnsBehaviour>();

  private constructor(
    private readonly udp: ReturnType<typeof dns2.createUDPServer>,
    private readonly tcp: ReturnType<typeof dns2.createTCPServer>,
    /** The port (UDP and TCP). */
    readonly port: number,
  ) {}

  /** Starts a server on 127.0.0.1 with a free port (the same for UDP and TCP). */
  static async start(): Promise<TestDnsServer> {
    for (let attempt = 0; ; attempt++) {
      const udp = dns2.createUDPServer({ type: 'udp4' });
      const tcp = dns2.createTCPServer();
      await udp.listen(0, '127.0.0.1');
      const port = (udp.address() as { port: number }).port;
      const ok = await new Promise<boolean>((resolve) => {
        tcp.once('error', () => resolve(false));
        tcp.listen(port, '127.0.0.1', () => resolve(true));
      });
      if (!ok) {
        udp.close();
        if (attempt < 20) continue;
        throw new Error('no port free for both UDP and TCP');
      }
      const server = new TestDnsServer(udp, tcp, port);
      udp.on('request', (request, send) => server.handle(request, send, 'udp'));
      tcp.on('request', (request, send) => server.handle(request, send, 'tcp'));
      return server;
    }
  }

  /** `127.0.0.1:PORT`, for `Resolver.setServers`. */
  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** A real Node resolver that asks only this server (one try each, `timeout` ms). */
  resolver(timeout = 1000): Resolver {
    const resolver = new Resolver({ timeout, tries: 1 });
    resolver.setServers([this.address]);
    return resolver;
  }

  /** PTR records of an address. */
  ptr(ip: string, ...names: string[]): this {
    this.zone(reverseName(ip)).PTR.push(...names);
    return this;
  }

  /** A records of a name. */
  a(name: string, ...addresses: string[]): this {
    this.zone(name).A.push(...addresses);
    return this;
  }

  /** AAAA records of a name. */
  aaaa(name: string, ...addresses: string[]): this {
    this.zone(name).AAAA.push(...addresses);
    return this;
  }

  /** Makes queries for `name` (an address stands for its reverse name) fail, or go unanswered. */
  fail(name: string, behaviour: DnsBehaviour, type?: 'PTR' | 'A' | 'AAAA'): this {
    const key = /^[\d.]+$|:/.test(name) ? reverseName(name) : name.toLowerCase();
    this.behaviours.set(type !== undefined ? `${type} ${key}` : key, behaviour);
    return this;
  }

  /** Queries received, optionally of one type and name (an address stands for its reverse name). */
  count(type?: string, name?: string): number {
    const key = name === undefined ? undefined : /^[\d.]+$|:/.test(name) ? reverseName(name) : name.toLowerCase();
    return this.queries.filter((q) => (type === undefined || q.type === type) && (key === undefined || q.name === key)).length;
  }

  /** Forgets the query log. */
  resetLog(): void {
    this.queries.length = 0;
  }

  /** Stops both sockets. */
  async close(): Promise<void> {
    await Promise.all([new Promise<void>((resolve) => this.udp.close(() => resolve())), new Promise<void>((resolve) => this.tcp.close(() => resolve()))]);
  }

  private zone(name: string): { PTR: string[]; A: string[]; AAAA: string[] } {
    const key = name.toLowerCase().replace(/\.$/, '');
    let zone = this.records.get(key);
    if (zone === undefined) {
      zone = { PTR: [], A: [], AAAA: [] };
      this.records.set(key, zone);
    }
    return zone;
  }

  private handle(request: InstanceType<typeof Packet>, send: (response: InstanceType<typeof Packet>) => Promise<Buffer>, transport: 'udp' | 'tcp'): void {
    const response = Packet.createResponseFromRequest(request);
    const [question] = request.questions;
    if (question === undefined) return void send(response).catch(() => {});
    const name = question.name.toLowerCase().replace(/\.$/, '');
    const type = TYPE_NAMES[question.type] ?? String(question.type);
    this.queries.push({ type, name, transport });
    const behaviour = this.behaviours.get(`${type} ${name}`) ?? this.behaviours.get(name);
    if (behaviour === 'timeout') return;
    if (behaviour !== undefined) {
      response.header.rcode = behaviour === 'nxdomain' ? RCODE.NXDOMAIN : behaviour === 'servfail' ? RCODE.SERVFAIL : RCODE.REFUSED;
      return void send(response).catch(() => {});
    }
    const zone = this.records.get(name);
    if (zone === undefined) {
      response.header.rcode = RCODE.NXDOMAIN;
      return void send(response).catch(() => {});
    }
    const base = { name: question.name, class: Packet.CLASS.IN, ttl: 300 };
    // dns2 encodes plain record objects; its typings expect class instances.
    const answers = response.answers as unknown as object[];
    if (type === 'PTR') for (const domain of zone.PTR) answers.push({ ...base, type: Packet.TYPE.PTR, domain });
    if (type === 'A') for (const address of zone.A) answers.push({ ...base, type: Packet.TYPE.A, address });
    if (type === 'AAAA') for (const address of zone.AAAA) answers.push({ ...base, type: Packet.TYPE.AAAA, address });
    send(response).catch(() => {});
  }
}
