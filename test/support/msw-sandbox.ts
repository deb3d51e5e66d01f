/**
 * An in-process sandbox behind msw's setupServer for the calling test file: made and listening before
 * its tests, closed after them. Unhandled requests pass through, so a test sees what msw leaves alone.
 */
import { setupServer } from 'msw/node';
import { afterAll, beforeAll } from 'vitest';
import { createMswSandbox, type MswSandbox } from '../../mock-server/msw/index.js';

export function useMswSandbox(): () => MswSandbox {
  let sandbox: MswSandbox | undefined;
  let server: ReturnType<typeof setupServer> | undefined;
  beforeAll(async () => {
    sandbox = await createMswSandbox();
    server = setupServer(...sandbox.handlers);
    server.listen({ onUnhandledRequest: 'bypass' });
  });
  afterAll(() => server?.close());
  return () => {
    if (!sandbox) throw new Error('the msw sandbox exists inside tests only: useMswSandbox() makes it before them');
    return sandbox;
  };
}
