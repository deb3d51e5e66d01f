/**
 * Debian's Chromium driven by playwright-core: nothing is downloaded; the flags keep it off the network.
 *
 * Its headless shell (`apt-get install chromium-headless-shell`, the same Blink and V8 build) is taken
 * when installed: it is what Playwright itself runs headless. The full browser in headless mode cost
 * the console's test 26 CPU-s of the machine against 12 with the shell (its processes are not
 * children the test runner counts, so only the machine's own CPU time shows it).
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';

const DEBIAN_BROWSERS = ['/usr/bin/chromium-headless-shell', '/usr/bin/chromium'];

export const CHROMIUM = process.env.CHROMIUM_PATH ?? DEBIAN_BROWSERS.find((path) => existsSync(path)) ?? DEBIAN_BROWSERS[0]!;

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: install Debian's package (apt-get install chromium-headless-shell, or chromium) or set CHROMIUM_PATH`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Why the browser tests cannot run here, or undefined; with CI=true they must run (.ci/run installs Chromium). */
export const CHROMIUM_MISSING = existsSync(CHROMIUM) || process.env.CI === 'true' ? undefined : `no Chromium at ${CHROMIUM} (apt-get install chromium-headless-shell)`;

/** One Chromium for the calling test file: launched before its tests, closed after them. */
export function useChromium(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchChromium();
  }, 30_000);
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error('Chromium is not running: useChromium() hands out the browser inside tests only');
    return browser;
  };
}
