/**
 * `alipay-gateway-sandbox/undici`: the sandbox behind an undici MockAgent, for alipay-sdk.
 *
 *   const sandbox = await createMockAgentSandbox();
 *   const alipay = new AlipaySdk(sandbox.alipaySdkOptions());   // with proxyAgent: sandbox.mockAgent
 *
 * or, for every undici request of the process (beside msw's setupServer, say):
 *
 *   const interception = interceptAlipayHosts(sandbox);   // sandbox from any of the kit's entry points
 *   ...
 *   await interception.restore();
 */
import type { MockAgent } from 'undici';
import type { AlipaySdkOptions } from '../sandbox-assembly.js';
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
  /** alipay-sdk's options for the default app, its requests going through `mockAgent`. */
  alipaySdkOptions(): AlipaySdkOptions & { readonly proxyAgent: MockAgent };
  dispose(): void;
}

/** An in-memory sandbox and an undici MockAgent that answers Alipay's gateway URLs with it. */
export async function createMockAgentSandbox(options: Omit<SandboxCoreOptions, 'signer'> & AlipayMockAgentOptions = {}): Promise<MockAgentSandbox> {
  const core = await createSandboxCore({ inMemory: true, quiet: true, ...options });
  const mockAgent = createAlipayMockAgent(core, options);
  return { ...core, mockAgent, alipaySdkOptions: () => ({ ...core.alipaySdkOptions(), proxyAgent: mockAgent }) };
}
