/**
 * Both in-process adapters around a test file: an msw sandbox whose handlers listen through
 * setupServer, and a sandbox behind an undici MockAgent (each its own core, as a user's suite has one).
 */
import { setupServer } from 'msw/node';
import { afterAll, beforeAll } from 'vitest';
import { createMswSandbox, type MswSandbox } from '../../mock-server/msw/index.js';
import { createMockAgentSandbox, type MockAgentSandbox } from '../../mock-server/undici/index.js';

export interface InProcessSandboxes {
  readonly msw: MswSandbox;
  readonly agent: MockAgentSandbox;
}

/** `onUnhandledRequest` as msw takes it: 'error' where a request the handlers miss must not reach the network. */
export function useInProcessSandboxes(onUnhandledRequest: 'bypass' | 'error' = 'bypass'): () => InProcessSandboxes {
  let sandboxes: InProcessSandboxes | undefined;
  let server: ReturnType<typeof setupServer> | undefined;
  beforeAll(async () => {
    sandboxes = { msw: await createMswSandbox(), agent: await createMockAgentSandbox() };
    server = setupServer(...sandboxes.msw.handlers);
    server.listen({ onUnhandledRequest });
  });
  afterAll(() => server?.close());
  return () => {
    if (!sandboxes) throw new Error('the in-process sandboxes are not set up');
    return sandboxes;
  };
}
