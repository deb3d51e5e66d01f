/**
 * `alipay-gateway-sandbox/undici`: the sandbox behind an undici MockAgent, for alipay-sdk.
 *
 *   const sandbox = await createMockAgentSandbox();
 *   const alipay = new AlipaySdk({ ..., proxyAgent: sandbox.mockAgent });
 *
 * or, for every undici request of the process (beside msw's setupServer, say):
 *
 *   const interception = interceptAlipayHosts(sandbox);   // sandbox from any of the kit's entry points
 *   ...
 *   await interception.restore();
 */
import type { MockAgent } from 'undici';
import { createSandboxCore, type SandboxControls, type SandboxCoreOptions } from '../sandbox-core.js';
import { createAlipayMockAgent, type AlipayMockAgentOptions } from './alipay-mock-agent.js';

export {
  AlipayHostRefusedError,
  createAlipayMockAgent,
  interceptAlipayHosts,
  isAlipayHost,
  type AlipayInterception,
  type AlipayMockAgentOptions,
} from './alipay-mock-agent.js';

export interface MockAgentSandbox extends SandboxControls {
  readonly mockAgent: MockAgent;
  dispose(): void;
}

/** An in-memory sandbox and an undici MockAgent that answers Alipay's gateway URLs with it. */
export async function createMockAgentSandbox(options: Omit<SandboxCoreOptions, 'signer'> & AlipayMockAgentOptions = {}): Promise<MockAgentSandbox> {
  const core = await createSandboxCore({ inMemory: true, quiet: true, ...options });
  return { ...core, mockAgent: createAlipayMockAgent(core, options) };
}
