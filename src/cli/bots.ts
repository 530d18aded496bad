/**
 * `wirefilter bots check`: is this request a verified bot? Runs the bot verifier (the bundled
 * directory or `--directory`) on one client address and user agent, with real DNS, and
 * explains the verdict: which entries the user agent claims, every method tried, and what DNS
 * answered. Exit 0 verified, 1 not verified, 2 usage or I/O error.
 *
 * @module
 */
import { Resolver } from 'node:dns/promises';
import { Command, Option } from 'commander';
import { createBotVerifier, loadBotDirectory, loadIpList, type BotCheck, type BotVerification, type BotVerifierOptions, type IpList } from '../bots/index.js';
import { WirefilterError } from '../index.js';
import { withCommon, type CommandContext, type CommonOptions } from './command.js';
import { CliError, EXIT_OK, EXIT_PROBLEMS, readJson, readText, writeJson, type Colors, type Io } from './io.js';

interface BotsCheckOptions extends CommonOptions {
  ip: string;
  ua: string;
  asn?: string;
  directory?: string;
  ipList: string[];
  dnsServer: string[];
  timeout: string;
}

/** Collects a repeatable option. */
const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** Why a verdict is what it is, in words. */
const REASONS: Record<BotVerification['reason'], string> = {
  verified: 'the user agent claims a verified bot and the client address validates',
  'no-client-ip': 'no client address',
  'invalid-ip': 'the client address is not an IP address',
  'no-user-agent': 'no user agent',
  'user-agent-too-long': 'the user agent is longer than the verifier reads',
  'unknown-user-agent': "the user agent matches no directory entry's pattern (not a bot claim)",
  'not-validated': 'the user agent claims a bot, but the client address is not one of its (a spoofed user agent)',
  'lookup-failed': 'a DNS lookup the verdict needed failed or timed out (never verified on doubt)',
  unavailable: 'no method of the claimed entries could run (an IP list or the ASN was not given)',
};

function parseAsn(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const digits = text.replace(/^AS/i, '');
  const asn = /^\d{1,10}$/.test(digits) ? Number(digits) : NaN;
  if (!Number.isInteger(asn) || asn > 0xffffffff) throw new CliError(`--asn must be an AS number (e.g. 15169 or AS15169), got ${JSON.stringify(text.slice(0, 40))}`);
  return asn;
}

function parseTimeout(text: string): number {
  const ms = /^\d{1,6}$/.test(text) ? Number(text) : NaN;
  if (!(ms >= 1 && ms <= 60_000)) throw new CliError(`--timeout must be milliseconds from 1 to 60000, got ${JSON.stringify(text.slice(0, 40))}`);
  return ms;
}

/** `--ip-list name=file`: the lists by name. */
function readLists(specs: readonly string[], cwd: string): Record<string, IpList> {
  const lists: Record<string, IpList> = {};
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    if (eq <= 0 || eq === spec.length - 1) throw new CliError(`--ip-list takes name=file (e.g. googlebot=googlebot.json), got ${JSON.stringify(spec.slice(0, 80))}`);
    const name = spec.slice(0, eq);
    const file = spec.slice(eq + 1);
    try {
      lists[name] = loadIpList(readText(file, cwd), { name: file });
    } catch (error) {
      if (error instanceof WirefilterError) throw new CliError(error.message);
      throw error;
    }
  }
  return lists;
}

function resolverFor(servers: readonly string[], timeoutMs: number): Resolver {
  const resolver = new Resolver({ timeout: Math.max(1, Math.floor(timeoutMs / 2)), tries: 2 });
  if (servers.length > 0) {
    try {
      resolver.setServers([...servers]);
    } catch (error) {
      throw new CliError(`--dns-server takes host[:port] (e.g. 127.0.0.1:5353 or [::1]:53): ${(error as Error).message}`);
    }
  }
  return resolver;
}

function renderCheck(check: BotCheck, c: Colors): string[] {
  const mark = check.outcome === 'pass' ? c.green('✓') : check.outcome === 'fail' ? c.red('✗') : c.yellow('?');
  const lines = [`  ${mark} ${c.bold(check.bot)} ${c.dim(`(${check.method})`)} ${check.outcome}: ${check.detail}`];
  for (const lookup of check.lookups ?? []) {
    const said = lookup.answer !== undefined ? (lookup.answer.length === 0 ? 'no records' : lookup.answer.join(', ') + (lookup.omitted !== undefined ? ` (+${lookup.omitted} more)` : '')) : (lookup.failure ?? '').toUpperCase();
    lines.push(`      ${c.dim(lookup.type.padEnd(4))} ${lookup.name} → ${said}${lookup.cached ? c.dim(' (cached)') : ''}`);
  }
  return lines;
}

/** The verdict as text. */
export function renderVerification(result: BotVerification, c: Colors): string {
  const lines: string[] = [];
  if (result.verified) lines.push(`${c.bold(c.green('verified'))} ${c.bold(result.name!)} ${c.dim(`— ${result.category}, by ${result.method}`)}`);
  else lines.push(`${c.bold(c.red('not verified'))} ${c.dim(`(${result.reason})`)}`);
  lines.push(`  ${c.dim('why')}      ${REASONS[result.reason]}`);
  if (result.claimed.length > 0) lines.push(`  ${c.dim('claims')}   ${result.claimed.join(', ')}`);
  lines.push(`  ${c.dim('fields')}   cf.client.bot = ${result.verified}, cf.verified_bot_category = ${JSON.stringify(result.verified ? (result.category ?? '') : '')}`);
  if (result.checks.length > 0) {
    lines.push(`  ${c.dim('checks')}`);
    for (const check of result.checks) lines.push(...renderCheck(check, c));
  }
  return lines.join('\n');
}

async function runCheck(options: BotsCheckOptions, io: Io): Promise<number> {
  const asn = parseAsn(options.asn);
  const timeoutMs = parseTimeout(options.timeout);
  const verifierOptions: BotVerifierOptions = { timeoutMs, resolver: resolverFor(options.dnsServer, timeoutMs) };
  try {
    if (options.directory !== undefined) verifierOptions.directory = loadBotDirectory(readJson(options.directory, io.cwd, 'JSON'));
    verifierOptions.ipLists = readLists(options.ipList, io.cwd);
    const bots = createBotVerifier(verifierOptions);
    const result = await bots.verify({ ip: options.ip, userAgent: options.ua, ...(asn !== undefined && { asn }) });
    if (result.reason === 'invalid-ip') throw new CliError(`--ip must be an IPv4 or IPv6 address, got ${JSON.stringify(options.ip.slice(0, 60))}`);
    if (options.format === 'json') writeJson(io, result);
    else io.out(`${renderVerification(result, io.c)}\n`);
    return result.verified ? EXIT_OK : EXIT_PROBLEMS;
  } catch (error) {
    if (error instanceof WirefilterError) throw new CliError(error.message);
    throw error;
  }
}

/** Defines the `bots` command (`bots check`). */
export function botsCommand(cli: CommandContext): Command {
  const command = new Command('bots').summary('verify bot claims: user agent + IP list, reverse DNS or ASN').description(
    'Verified bots computed locally, as cf.client.bot and cf.verified_bot_category: a request is a verified bot when its user agent matches a directory entry and its client address validates by one of the entry\'s methods (IP list, forward-confirmed reverse DNS, ASN).',
  );
  const check = new Command('check')
    .summary('explain whether one request is a verified bot')
    .description(
      'Verify one client address and user agent against the bundled bot directory (or --directory), with real DNS lookups, and explain the verdict: ' +
        'the entries the user agent claims, every method tried and what DNS answered.\n' +
        'Exit codes: 0 verified, 1 not verified, 2 usage or I/O error.',
    )
    .requiredOption('--ip <address>', 'the client address (IPv4 or IPv6)')
    .requiredOption('--ua <user-agent>', 'the User-Agent header')
    .option('--asn <number>', "the client's AS number, for asn methods (e.g. 32934 or AS32934)")
    .option('--directory <file>', 'a bot directory (JSON: {"bots": [...]}, see docs/bots.md); default: the bundled one')
    .option('--ip-list <name=file>', 'an IP list an entry names (text, CSV or JSON, e.g. googlebot=googlebot.json); repeatable', collect, [])
    .option('--dns-server <host[:port]>', 'ask this DNS server (default: the system\'s); repeatable', collect, [])
    .addOption(new Option('--timeout <ms>', 'longest wait for DNS, in milliseconds').default('3000'));
  withCommon(check);
  check.addHelpText(
    'after',
    `
Examples:
  $ wirefilter bots check --ip 66.249.66.1 --ua 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)'
  $ wirefilter bots check --ip 203.0.113.9 --ua 'UptimeRobot/2.0' --ip-list uptimerobot=uptimerobot.txt
  $ wirefilter bots check --ip 2a03:2880:f800::1 --ua 'facebookexternalhit/1.1' --asn 32934 --format json`,
  );
  check.action(async (options: BotsCheckOptions) => cli.done(await runCheck(options, cli.io(options))));
  return command.addCommand(check);
}
