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
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { usePerFile } from './per-file.js';
import { skipsTool, toolPath } from './required-tools.js';

/** Chromium's path; throws, saying what to install, where there is none. */
export const chromiumPath = (): string => toolPath('chromium');

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * What a page on another origin needs: evil.example resolves to this machine, as a DNS-rebinding
 * domain would after its first answer. No other test uses the name, so the worker's one Chromium
 * carries the rule for all.
 */
const EVIL_EXAMPLE_IS_LOOPBACK = '--host-resolver-rules=MAP evil.example 127.0.0.1';

let workerChromium: Promise<Browser> | undefined;

/**
 * The vitest worker's one Chromium, launched by the first file that asks. The worker runs its files
 * one after another in one module cache (`isolate: false`), so the files after it reuse it instead of
 * each launching and closing one of their own (about 0.3 CPU-s each). Each file gets a context of its
 * own (cookies, storage, service workers). It is never closed here: it ends with the worker, since
 * playwright kills the browsers it launched when the process exits, and Chromium quits when the pipe
 * it is driven through closes. A Chromium that crashed or was closed is launched anew.
 */
export function sharedChromium(): Promise<Browser> {
  if (workerChromium === undefined) {
    const launching = chromium.launch({ executablePath: chromiumPath(), args: [...CHROMIUM_ARGS, EVIL_EXAMPLE_IS_LOOPBACK] });
    const forget = () => {
      if (workerChromium === launching) workerChromium = undefined;
    };
    workerChromium = launching;
    void launching.then((browser) => browser.on('disconnected', forget), forget);
  }
  return workerChromium;
}

/**
 * A browser context of the calling test file's own, in the worker's Chromium: opened before its
 * tests, closed after them, with its pages. Where its tests skip for want of Chromium, none is
 * opened.
 */
export function useChromium(): () => BrowserContext {
  return usePerFile({
    what: 'Chromium (for tests tagged chromium)',
    start: async () => (skipsTool('chromium') ? undefined : (await sharedChromium()).newContext()),
    stop: (context) => context.close(),
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
export async function chooseOnPage(context: BrowserContext, url: string, { check, reason, choice }: PageChoice): Promise<string> {
  const page = await context.newPage();
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
