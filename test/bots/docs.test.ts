/** docs/bots.md: its ruleset loads and decides as its table says. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { botFields } from '../../src/bots/index.js';
import { cloudflareScheme, Ruleset } from '../../src/index.js';

const doc = readFileSync(new URL('../../docs/bots.md', import.meta.url), 'utf8');

describe('docs/bots.md', () => {
  it('"Keep Uptrends and Googlebot out of your blocks": the ruleset decides as documented', () => {
    const json = /```json\n(\{\n {2}"rules"[\s\S]*?)```/.exec(doc)![1]!;
    const ruleset = new Ruleset(cloudflareScheme(), JSON.parse(json));
    const action = (ua: string, result?: { verified: boolean; category?: string }) => ruleset.evaluate({ 'http.user_agent': ua, ...botFields(result) }).action;
    expect(action('Googlebot/2.1', { verified: true, category: 'Search Engine Crawler' })).toBe('allow');
    expect(action('Mozilla/5.0 (compatible; Uptrends)', { verified: true, category: 'Monitoring & Analytics' })).toBe('allow');
    expect(action('Googlebot/2.1', { verified: false })).toBe('block');
    expect(action('python-requests/2.32', undefined)).toBe('managed_challenge');
  });

  it('documents every verdict reason', () => {
    for (const reason of ['verified', 'no-client-ip', 'invalid-ip', 'no-user-agent', 'user-agent-too-long', 'unknown-user-agent', 'not-validated', 'lookup-failed', 'unavailable']) expect(doc).toContain(`\`${reason}\``);
  });
});
