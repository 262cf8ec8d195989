/**
 * Headless Debian Chromium (`apt-get install -y chromium`) driven by playwright-core, which
 * downloads no browser of its own. The flags keep Chromium off the network (this machine's is
 * closed: background services would only fail) and let it run as root.
 */
import { mkdirSync } from 'node:fs';
import type { ExecutionContext } from 'ava';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** Where browser tests write screenshots (gitignored). */
export const ARTIFACTS_DIR = new URL('../artifacts/', import.meta.url).pathname;

const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A headless Chromium, closed when the test ends. */
export async function launchChromium(t: ExecutionContext): Promise<Browser> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  t.teardown(() => browser.close());
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return browser;
}
