/**
 * What the sandbox's parts need from state shared with other replicas, whatever keeps it (Redis:
 * redis-replication.ts). The platform-neutral assembly knows only this; a sandbox without replicas
 * has none.
 */
import type { AppRegistry } from '../apps/app-registry.js';
import type { AppStorage } from '../apps/app-storage.js';
import type { SandboxStore } from '../state/sandbox-store.js';
import type { StateStorage } from '../state/state-storage.js';

/** The parts that follow what other replicas change. */
export interface ReplicatedParts {
  readonly state: SandboxStore;
  readonly apps: AppRegistry;
}

export interface Replication {
  /** Where the shared state is, for messages (`redis://127.0.0.1:6379/0`). */
  readonly where: string;
  readonly stateStorage: StateStorage;
  readonly appStorage: AppStorage;
  /** Wires the parts to what other replicas change, once they are open. */
  attach(parts: ReplicatedParts): void;
  /** Applies what every replica committed until now; before a request reads anything. */
  catchUp(): Promise<void>;
  close(): Promise<void>;
}
