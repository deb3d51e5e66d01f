/**
 * What the sandbox's parts need from state shared with other replicas, whatever keeps it (Redis:
 * redis-replication.ts). The platform-neutral assembly knows only this; a sandbox without replicas
 * has none.
 */
import type { AppRegistry } from '../apps/app-registry.js';
import type { AppStorage } from '../core/apps/app-storage.js';
import type { NonceBook } from '../core/engine/engine-contract.js';
import type { RequestJournal } from '../core/journal/request-journal.js';
import type { ScenarioBook } from '../core/scenarios/scenario-book.js';
import type { Scenario } from '../core/scenarios/scenario-rules.js';
import type { BusinessClock } from '../core/state/business-clock.js';
import type { SandboxStore } from '../core/state/sandbox-store.js';
import type { SharedControls } from '../core/state/control-storage.js';
import type { StateStorage } from '../core/state/state-storage.js';

/** The parts that follow what other replicas change. */
export interface ReplicatedParts {
  readonly state: SandboxStore;
  readonly apps: AppRegistry;
  readonly scenarios: ScenarioBook;
  readonly clock: BusinessClock;
  readonly journal: RequestJournal;
  /** An app's scenario document as another replica set it, compiled here. */
  readonly compile: (document: unknown, source: string) => Scenario;
}

export interface Replication {
  /** Where the shared state is, for messages (`redis://127.0.0.1:6379/0`). */
  readonly where: string;
  readonly stateStorage: StateStorage;
  readonly appStorage: AppStorage;
  readonly controls: SharedControls;
  /** v3 nonces, kept in the store: a request one replica accepted is a replay on all of them. */
  readonly nonces: NonceBook;
  /** Wires the parts to what other replicas change, once they are open, and loads the shared controls. */
  attach(parts: ReplicatedParts): Promise<void>;
  /**
   * Applies what every replica committed until now: before a request reads anything. With the
   * journal, also the requests every replica journalled (for the admin API's queries).
   */
  catchUp(options?: { readonly journal?: boolean }): Promise<void>;
  /**
   * A request refused because the store did not answer (StateUnavailableError): counted for the
   * line said when the store is back, instead of a line each.
   */
  requestRefused(error: Error): void;
  close(): Promise<void>;
}

export type { SharedControls } from '../core/state/control-storage.js';
