import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['test/support/build-once.ts'],
    include: ['test/**/*.test.ts', 'client-harness/**/*.test.ts'],
    // Pact runs in its own order (consumer, then provider): see vitest.pact.config.ts.
    exclude: ['**/node_modules/**', '**/*.pact.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
