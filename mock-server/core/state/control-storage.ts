/**
 * The admin's controls as kept between runs, as Redis keeps them for replicas: each app's own
 * scenario (the document as given, with its source and id) and the business clock's offset. A PUT of
 * an app's scenario or a move of the clock is answered only once it is kept, so that a restart serves
 * what the admin API acknowledged. The journal and the rules' call counts are not kept: they describe
 * a run, not a setting. On Node, the data folder's controls.json (control-files.ts).
 */
import type { Scenario } from '../scenarios/scenario-rules.js';

/** An app's scenario as kept: compiled again at start, with the id its setting had. */
export interface KeptScenario {
  readonly id: string;
  readonly source: string;
  readonly document: unknown;
}

export interface KeptControls {
  readonly scenarios: Readonly<Record<string, KeptScenario>>;
  readonly clock_offset_ms: number;
}

/** Where the controls are kept between runs: told each change as replicas are, read once at start. */
export interface ControlStorage extends SharedControls {
  /** For messages: the file. */
  readonly where: string;
  load(): Promise<KeptControls>;
}

/**
 * The admin's controls as a store is told them (every replica's Redis, or the data folder): each
 * resolves once the change is stored.
 */
export interface SharedControls {
  scenarioSet(appId: string, scenario: Scenario & { readonly id: string }): Promise<void>;
  scenarioCleared(appId: string): Promise<void>;
  clockMoved(offsetMs: number): Promise<void>;
  journalCleared(): Promise<void>;
  /** A reset: app scenarios, call counts, the clock and the journal, on every replica. */
  controlsReset(): Promise<void>;
}
