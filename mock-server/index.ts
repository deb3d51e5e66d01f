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
export { ScenarioLoadError } from './core/scenarios/load-scenario.js';
export { CertificationError, type Completion } from './core/flows/face-certification.js';
export type { JournalEntry, JournalFilter } from './core/journal/request-journal.js';
export { CriteriaError, type RequestCriteria } from './core/journal/request-criteria.js';
export type { AlipaySdkOptions, RequestVerification } from './sandbox-assembly.js';
export { ALIPAY_GATEWAYS } from './core/engine/gateway-urls.js';
export { AdminError, type SandboxAdmin, type Health, type ClockView, type RequestQuery } from './core/admin/sandbox-admin.js';
export { AdminClientError, createAdminClient, type AdminClientOptions, type RemoteSandboxAdmin } from './core/admin/admin-client.js';
export { MemoryStateStorage, type LoadedSnapshot, type StateChange, type StateSnapshot, type StateStorage, type StoredState } from './core/state/state-storage.js';
export type { JsonLines } from './core/state/json-lines.js';
