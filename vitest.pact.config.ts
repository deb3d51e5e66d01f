import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { defineConfig } from 'vitest/config';

/**
 * The consumer tests write the pact that the provider verification then reads: client-harness's
 * *.pact.test.ts first, then contracts/, one file at a time, in one vitest run (a second run cost
 * `npm test` 1.6 CPU-s of start-up for nothing).
 */
class ConsumerFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const consumerFirst = (spec: TestSpecification) => (spec.moduleId.endsWith('.pact.test.ts') ? 0 : 1);
    return [...(await super.sort(files))].sort((a, b) => consumerFirst(a) - consumerFirst(b));
  }
}

/** `npm run test:contracts`: the consumer (client-harness/*.pact.test.ts), then the provider (contracts/). */
export default defineConfig({
  test: {
    globalSetup: ['test/support/build-once.ts'],
    include: ['client-harness/**/*.pact.test.ts', 'contracts/**/*.test.ts'],
    fileParallelism: false,
    // One worker for the three files, one after the other: a worker of its own per file cost each
    // its start (together about 0.6 CPU-s). They mock nothing and leave nothing set that another reads.
    isolate: false,
    sequence: { sequencer: ConsumerFirst },
    testTimeout: 30_000,
    hookTimeout: 30_000,
    env: { PACT_DO_NOT_TRACK: 'true' },
  },
});
