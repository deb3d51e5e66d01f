/** The real alipay-sdk configured for a running sandbox, as a user's test suite would configure it. */
import { readFileSync } from 'node:fs';
import { AlipaySdk, type AlipaySdkConfig } from 'alipay-sdk';
import { DEFAULT_APP_ID, testKeyPaths } from '../../fixtures/test-keys.js';
import type { ApiMethodDefinition } from '../../mock-server/core/methods/api-method.js';
import type { RunningSandbox } from '../../mock-server/sandbox.js';

export function sdkFor(sandbox: RunningSandbox, config: Partial<AlipaySdkConfig> = {}): AlipaySdk {
  return new AlipaySdk({
    appId: DEFAULT_APP_ID,
    privateKey: readFileSync(testKeyPaths.defaultAppPrivateKeyPkcs1, 'utf8'),
    alipayPublicKey: sandbox.alipayPublicKeyPem,
    gateway: sandbox.gatewayUrl,
    camelcase: false,
    ...config,
  });
}

/** One call with response-signature checking on; the node as the SDK returns it, trace id dropped. */
export async function execSigned(sandbox: RunningSandbox, method: string, bizContent: Readonly<Record<string, string>>, config: Partial<AlipaySdkConfig> = {}): Promise<Record<string, unknown>> {
  const { traceId: _traceId, ...node } = await sdkFor(sandbox, config).exec(method, { bizContent }, { validateSign: true });
  return node;
}

/** As execSigned, with the parameters where the method's definition says they travel: biz_content, or top-level. */
export async function execAsDefined(sandbox: RunningSandbox, definition: Pick<ApiMethodDefinition, 'name' | 'parametersAt'>, parameters: Readonly<Record<string, string>>): Promise<Record<string, unknown>> {
  if (definition.parametersAt !== 'top-level') return execSigned(sandbox, definition.name, parameters);
  const { traceId: _traceId, ...node } = await sdkFor(sandbox).exec(definition.name, { ...parameters }, { validateSign: true });
  return node;
}
