/**
 * An in-process sandbox behind msw's setupServer for the calling test file: made and listening before
 * its tests, closed after them. Unhandled requests pass through, so a test sees what msw leaves alone.
 */
import { setupServer } from 'msw/node';
import { usePerFile } from './per-file.js';
import { createMswSandbox, type MswSandbox } from '../../mock-server/msw/index.js';

export function useMswSandbox(): () => MswSandbox {
  const listening = usePerFile({
    what: 'the msw sandbox',
    start: async () => {
      const sandbox = await createMswSandbox();
      const server = setupServer(...sandbox.handlers);
      server.listen({ onUnhandledRequest: 'bypass' });
      return { sandbox, server };
    },
    stop: ({ server }) => server.close(),
  });
  return () => listening().sandbox;
}
