import { AlipaySdk } from 'alipay-sdk';
import { afterAll } from 'vitest';
import { startSandbox, type RunningSandbox, type SandboxOptions } from 'alipay-gateway-sandbox';

/** A sandbox for one test file (closed after its tests) and an alipay-sdk client pointed at it. */
export async function sandboxForThisFile(options: SandboxOptions = {}): Promise<{ sandbox: RunningSandbox; alipay: AlipaySdk }> {
  const sandbox = await startSandbox({ port: 0, inMemory: true, quiet: true, ...options });
  afterAll(() => sandbox.close());
  return { sandbox, alipay: new AlipaySdk(sandbox.alipaySdkOptions()) };
}
