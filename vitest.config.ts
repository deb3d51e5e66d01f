import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['test/support/build-once.ts'],
    include: ['test/**/*.test.ts', 'client-harness/**/*.test.ts'],
    // Pact runs in its own order (consumer, then provider): see vitest.pact.config.ts.
    exclude: ['**/node_modules/**', '**/*.pact.test.ts'],
    // Test files share their worker's module cache instead of re-importing the sandbox for each file
    // (about 20 s of the run's imports); each file still starts its own sandbox and cleans up after itself.
    isolate: false,
    // Three files at once even on a 2-core machine: most tests wait on sockets, child processes and
    // Chromium, and a third file fills those waits. In seven alternating pairs of `npm test` on a clean
    // clone (2026-12-06, load average 3.5-6) three took 62.9-73.6 s against 71.7-78.2 s with two;
    // with the full Chromium browser (before its headless shell) a third file had made it slower.
    maxWorkers: 3,
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
