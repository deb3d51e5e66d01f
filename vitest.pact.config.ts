import { defineConfig } from 'vitest/config';

/** `npm run test:consumer` (client-harness/*.pact.test.ts) then `npm run test:provider` (contracts/). */
export default defineConfig({
  test: {
    globalSetup: ['test/support/build-once.ts'],
    include: ['client-harness/**/*.pact.test.ts', 'contracts/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    env: { PACT_DO_NOT_TRACK: 'true' },
  },
});
