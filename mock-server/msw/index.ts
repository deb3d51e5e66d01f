/**
 * `alipay-gateway-sandbox/msw`: the sandbox as msw handlers, in-process.
 *
 *   const sandbox = await createMswSandbox();
 *   const server = setupServer(...sandbox.handlers);
 */
import type { HttpHandler } from 'msw';
import { createSandboxCore, type SandboxControls, type SandboxCoreOptions } from '../sandbox-core.js';
import { alipayHandlers, type AlipayHandlerOptions } from './alipay-handlers.js';

export { alipayHandlers, type AlipayHandlerOptions } from './alipay-handlers.js';
export { ALIPAY_GATEWAYS } from '../core/engine/gateway-urls.js';

export interface MswSandbox extends SandboxControls {
  readonly handlers: HttpHandler[];
  /** Stops watching a scenario file, if one was given. */
  dispose(): void;
}

/** An in-memory sandbox and the msw handlers that answer Alipay's gateway URLs with it. */
export async function createMswSandbox(options: Omit<SandboxCoreOptions, 'signer'> & AlipayHandlerOptions = {}): Promise<MswSandbox> {
  const core = await createSandboxCore({ inMemory: true, quiet: true, ...options });
  return { ...core, handlers: alipayHandlers(core, options) };
}
