/**
 * Headless Chromium for the end-to-end tests: Debian's `/usr/bin/chromium` driven by
 * playwright-core, in a throw-away profile, with the flags every browser test needs (no
 * sandbox in containers, no background network traffic).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Where Debian installs Chromium (`apt-get install -y chromium`; `.ci/run` does it). */
export const CHROMIUM = '/usr/bin/chromium';

/** True when Chromium is installed; otherwise warns that `suite` is skipped. */
export function chromiumAvailable(suite: string): boolean {
  const available = existsSync(CHROMIUM);
  if (!available) console.warn(`SKIPPED ${suite}: ${CHROMIUM} is absent (install Debian's chromium: apt-get install -y chromium)`);
  return available;
}

/** A browser context in a fresh profile; `close()` closes it and deletes the profile. */
export async function launchChromium(options: { viewport: { width: number; height: number }; args?: readonly string[] }): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'wirefilter-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        ...(options.args ?? []),
      ],
      viewport: options.viewport,
    });
    return {
      context,
      close: async () => {
        await context.close().catch(() => undefined);
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
}
