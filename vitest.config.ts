import { defineConfig } from 'vitest/config';
import MissingToolsReporter from './test/support/missing-tools-reporter.js';
import { skipsTool, TOOL_NAMES } from './test/support/required-tools.js';

export default defineConfig({
  test: {
    globalSetup: ['test/support/build-once.ts'],
    include: ['test/**/*.test.ts', 'client-harness/**/*.test.ts'],
    // Pact runs in its own order (consumer, then provider): see vitest.pact.config.ts.
    exclude: ['**/node_modules/**', '**/*.pact.test.ts'],
    // A test that needs a program outside Node carries its name as a tag; where it is missing (and
    // CI is not set) the tag skips the test, and the reporter says what to install.
    tags: TOOL_NAMES.map((name) => ({ name, description: `needs ${name}`, skip: skipsTool(name) })),
    reporters: ['dot', new MissingToolsReporter()],
    // What a passing test writes to the console is noise; a failing test's is kept with its failure.
    silent: 'passed-only',
    // Test files share their worker's module cache instead of re-importing the sandbox for each file
    // (about 20 s of the run's imports); each file still starts its own sandbox and cleans up after itself.
    isolate: false,
    // Three files at once even on a 2-core machine: most tests wait on sockets, child processes and
    // Chromium, and a third file fills those waits (against two, it took a tenth less wall time).
    maxWorkers: 3,
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
