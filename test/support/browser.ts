/**
 * Chromium driven by playwright-core: nothing is downloaded; the flags keep it off the network. Which
 * Chromium is required-tools.ts's choice: CHROMIUM_PATH, else Debian's headless shell (`apt-get install
 * chromium-headless-shell`, the same Blink and V8 build, what Playwright itself runs headless), else any
 * Chromium or Chrome on PATH. The full browser in headless mode cost the console's test 26 CPU-s of the
 * machine against 12 with the shell (its processes are not children the test runner counts, so only
 * the machine's own CPU time shows it).
 *
 * A test that opens a page is tagged `chromium` (`{ tags: ['chromium'] }`), so that it skips where
 * there is none.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { usePerFile } from './per-file.js';
import { skipsTool, toolPath } from './required-tools.js';

/** Chromium's path; throws, saying what to install, where there is none. */
export const chromiumPath = (): string => toolPath('chromium');

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** A Chromium of its own for the caller, with `extraArgs` beside the usual ones. */
export function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: [...CHROMIUM_ARGS, ...extraArgs] });
}

/**
 * One Chromium for the calling test file: launched before its tests, closed after them. Where its
 * tests skip for want of Chromium, none is launched.
 */
export function useChromium(): () => Browser {
  return usePerFile({
    what: 'Chromium (for tests tagged chromium)',
    start: async () => (skipsTool('chromium') ? undefined : launchChromium()),
    stop: (browser) => browser.close(),
    startTimeoutMs: 30_000,
  });
}

export interface PageChoice {
  /** What the page must show before anything is clicked. */
  readonly check?: (page: Page) => Promise<void>;
  /** Typed into #reason before the choice is clicked. */
  readonly reason?: string;
  readonly choice: string;
}

/**
 * Opens a hosted page (certification, 核身) as the merchant's front end would, checks what it shows,
 * types the reason, clicks the tester's choice: the heading the browser lands on.
 */
export async function chooseOnPage(browser: Browser, url: string, { check, reason, choice }: PageChoice): Promise<string> {
  const page = await browser.newPage();
  try {
    await page.goto(url);
    await check?.(page);
    if (reason) await page.fill('#reason', reason);
    await Promise.all([page.waitForLoadState(), page.click(choice)]);
    return (await page.textContent('h1')) ?? '';
  } finally {
    await page.close();
  }
}
