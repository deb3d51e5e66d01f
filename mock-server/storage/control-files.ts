/**
 * The admin's controls in the data folder (control-storage.ts): controls.json, written atomically and
 * fsynced, one change at a time on the file as last written (durable-document.ts).
 */
import { join } from 'node:path';
import type { ControlStorage, KeptControls, KeptScenario } from '../core/state/control-storage.js';
import { DurableJSONFile, isJsonObject, jsonKind, objectShape } from './durable-files.js';
import { DurableDocument } from '../core/state/durable-document.js';

const NO_CONTROLS: KeptControls = { scenarios: {}, clock_offset_ms: 0 };

function isKeptScenario(value: unknown): boolean {
  return isJsonObject(value) && typeof value.id === 'string' && typeof value.source === 'string' && Object.hasOwn(value, 'document');
}

const CONTROLS_FILE_SHAPE = objectShape({
  scenarios: {
    expected: 'an object of app_id → { "id", "source", "document" }',
    found: (value) => {
      if (!isJsonObject(value)) return jsonKind(value);
      const wrong = Object.entries(value).find(([, scenario]) => !isKeptScenario(scenario));
      return wrong && `${jsonKind(wrong[1])} for app ${wrong[0]}`;
    },
  },
  clock_offset_ms: { expected: 'a number of milliseconds', found: (value) => (typeof value === 'number' && Number.isFinite(value) ? undefined : jsonKind(value)) },
});

/** Every scenario but `appId`'s (an own property even when the app_id is "__proto__"). */
function without(scenarios: Readonly<Record<string, KeptScenario>>, appId: string): Record<string, KeptScenario> {
  return Object.fromEntries(Object.entries(scenarios).filter(([kept]) => kept !== appId));
}

export class FileControls implements ControlStorage {
  readonly where: string;
  readonly #document: DurableDocument<KeptControls>;

  constructor(dataDir: string) {
    this.where = join(dataDir, 'controls.json');
    this.#document = new DurableDocument<KeptControls>(new DurableJSONFile<KeptControls>(this.where, new Set(), CONTROLS_FILE_SHAPE), NO_CONTROLS);
  }

  load(): Promise<KeptControls> {
    return this.#document.load();
  }

  scenarioSet(appId: string, { id, source, document }: KeptScenario): Promise<void> {
    return this.#document.change((kept) => ({ ...kept, scenarios: Object.fromEntries([...Object.entries(without(kept.scenarios, appId)), [appId, { id, source, document }]]) }));
  }

  scenarioCleared(appId: string): Promise<void> {
    return this.#document.change((kept) => ({ ...kept, scenarios: without(kept.scenarios, appId) }));
  }

  clockMoved(offsetMs: number): Promise<void> {
    return this.#document.change((kept) => ({ ...kept, clock_offset_ms: offsetMs }));
  }

  /** The journal is not kept in the data folder: nothing to write. */
  async journalCleared(): Promise<void> {}

  controlsReset(): Promise<void> {
    return this.#document.change(() => NO_CONTROLS);
  }
}
