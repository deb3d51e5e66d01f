/**
 * `alipay-gateway-sandbox`: the programmatic API.
 *
 *   const sandbox = await startSandbox({ port: 0, inMemory: true });
 *   // sandbox.gatewayUrl, sandbox.alipayPublicKeyPem, sandbox.defaultApp, sandbox.setScenario(...),
 *   // sandbox.requests(...), sandbox.reset(), sandbox.completeCertification(...), sandbox.clock
 *   await sandbox.close();
 */
export { startSandbox, DEFAULT_PORT, type RunningSandbox, type SandboxOptions } from './sandbox.js';
export { createSandboxCore, type SandboxControls, type SandboxCore, type SandboxCoreOptions, type DefaultApp } from './sandbox-core.js';
export { ScenarioLoadError } from './scenarios/load-scenario.js';
export { CertificationError, type Completion } from './flows/face-certification.js';
export type { JournalEntry, JournalFilter } from './journal/request-journal.js';
export { CriteriaError, type RequestCriteria } from './journal/request-criteria.js';
export type { AlipaySdkOptions, RequestVerification } from './sandbox-assembly.js';
export { ALIPAY_GATEWAYS } from './engine/gateway-urls.js';
export { AdminError, type SandboxAdmin, type Health, type ClockView, type RequestQuery } from './admin/sandbox-admin.js';
export { AdminClientError, createAdminClient, type AdminClientOptions, type RemoteSandboxAdmin } from './admin/admin-client.js';
export { MemoryStateStorage, type LoadedSnapshot, type StateChange, type StateSnapshot, type StateStorage, type StoredState } from './state/state-storage.js';
export type { JsonLines } from './state/json-lines.js';
