/**
 * `wirefilter bots check` (src/cli/bots.ts), run in-process against the loopback DNS server.
 * The command is built directly: main.ts registers it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { botsCommand } from '../../src/cli/bots.js';
import { CliError, hostIo } from '../../src/cli/io.js';
import { TestDnsServer } from '../support/dns.js';

const GOOGLEBOT_UA = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';
let server: TestDnsServer;
const dir = mkdtempSync(join(tmpdir(), 'wirefilter-bots-'));

beforeAll(async () => {
  server = await TestDnsServer.start();
  server.ptr('66.249.66.1', 'crawl-66-249-66-1.googlebot.com').a('crawl-66-249-66-1.googlebot.com', '66.249.66.1').ptr('203.0.113.66', 'crawl-66-249-66-1.googlebot.com');
  writeFileSync(join(dir, 'uptimerobot.txt'), '69.162.124.224/28\n');
  writeFileSync(join(dir, 'bad.txt'), 'not-an-ip\n');
  writeFileSync(join(dir, 'directory.json'), JSON.stringify({ bots: [{ name: 'Hook', category: 'Webhooks', userAgents: ['ExampleHook'], methods: [{ type: 'asn', asns: [64500] }] }] }));
  writeFileSync(join(dir, 'bad-directory.json'), JSON.stringify({ bots: [{ name: 'Hook', category: 'Webhooks', userAgents: ['node'], methods: [] }] }));
});

afterAll(async () => {
  await server.close();
});

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  let code = -1;
  const host = {
    stdout: { write: (t: string) => ((stdout += t), true) },
    stderr: { write: (t: string) => ((stderr += t), true) },
    stdin: Readable.from([]),
    env: { NO_COLOR: '1' },
    cwd: dir,
  };
  const command = botsCommand({ done: (c) => (code = c), io: (o) => hostIo(host, o.color) });
  command.exitOverride();
  for (const sub of command.commands) sub.exitOverride().configureOutput({ writeErr: (t) => (stderr += t), writeOut: (t) => (stdout += t) });
  try {
    await command.parseAsync(args, { from: 'user' });
  } catch (error) {
    if (error instanceof CliError) {
      stderr += error.message;
      code = error.exitCode;
    } else if ((error as { code?: string }).code?.startsWith('commander.')) code = 2;
    else throw error;
  }
  return { code, stdout, stderr };
}

const dns = () => ['--dns-server', server.address, '--timeout', '1000'];

describe('wirefilter bots check', () => {
  it('explains a verified Googlebot: the entry, the method and what DNS said (exit 0)', async () => {
    const { code, stdout } = await run(['check', '--ip', '66.249.66.1', '--ua', GOOGLEBOT_UA, ...dns()]);
    expect(code).toBe(0);
    expect(stdout).toContain('verified Googlebot — Search Engine Crawler, by reverse-dns');
    expect(stdout).toContain('PTR  66.249.66.1 → crawl-66-249-66-1.googlebot.com');
    expect(stdout).toContain('A    crawl-66-249-66-1.googlebot.com → 66.249.66.1');
    expect(stdout).toContain('cf.client.bot = true');
  });

  it('explains a spoofed Googlebot (exit 1)', async () => {
    const { code, stdout } = await run(['check', '--ip', '203.0.113.66', '--ua', GOOGLEBOT_UA, ...dns()]);
    expect(code).toBe(1);
    expect(stdout).toContain('not verified (not-validated)');
    expect(stdout).toContain('spoofed');
    expect(stdout).toContain('does not include 203.0.113.66');
  });

  it('prints JSON', async () => {
    const { code, stdout } = await run(['check', '--ip', '66.249.66.1', '--ua', GOOGLEBOT_UA, '--format', 'json', ...dns()]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ verified: true, name: 'Googlebot', method: 'reverse-dns' });
  });

  it('reads IP lists, directories and ASNs', async () => {
    expect((await run(['check', '--ip', '69.162.124.230', '--ua', 'UptimeRobot/2.0', '--ip-list', 'uptimerobot=uptimerobot.txt', ...dns()])).code).toBe(0);
    expect((await run(['check', '--ip', '192.0.2.1', '--ua', 'ExampleHook/1', '--asn', 'AS64500', '--directory', 'directory.json'])).code).toBe(0);
    expect((await run(['check', '--ip', '192.0.2.1', '--ua', 'ExampleHook/1', '--asn', '64501', '--directory', 'directory.json'])).code).toBe(1);
  });

  it('exits 2 on usage and input errors, naming the problem', async () => {
    const cases: [string[], RegExp][] = [
      [['check', '--ip', 'nope', '--ua', GOOGLEBOT_UA, ...dns()], /--ip must be an IPv4 or IPv6 address/],
      [['check', '--ip', '192.0.2.1', '--ua', 'x', '--asn', 'x'], /--asn/],
      [['check', '--ip', '192.0.2.1', '--ua', 'x', '--timeout', '0'], /--timeout/],
      [['check', '--ip', '192.0.2.1', '--ua', 'x', '--ip-list', 'nameonly'], /name=file/],
      [['check', '--ip', '192.0.2.1', '--ua', 'x', '--ip-list', 'uptimerobot=bad.txt', ...dns()], /invalid IP list/],
      [['check', '--ip', '192.0.2.1', '--ua', 'x', '--ip-list', 'uptimerobt=uptimerobot.txt', ...dns()], /did you mean "uptimerobot"/],
      [['check', '--ip', '192.0.2.1', '--ua', 'x', '--directory', 'bad-directory.json'], /invalid bot directory/],
      [['check', '--ip', '192.0.2.1', '--ua', 'x', '--directory', 'missing.json'], /missing\.json/],
      [['check', '--ip', '192.0.2.1', '--ua', 'x', '--dns-server', 'not a server'], /--dns-server/],
      [['check', '--ip', '192.0.2.1'], /--ua/],
    ];
    for (const [args, message] of cases) {
      const { code, stderr } = await run(args);
      expect(code, args.join(' ')).toBe(2);
      expect(stderr, args.join(' ')).toMatch(message);
    }
  });
});
