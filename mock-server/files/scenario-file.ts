/**
 * The start scenario, from the file named by --scenario: loaded at start, loaded again when the file
 * changes (a broken edit is reported and the last good version stays in force).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ApiMethodDefinition } from '../core/methods/api-method.js';
import { packagePath } from '../package-root.js';
import { compileScenario, parseScenarioText, ScenarioLoadError } from '../core/scenarios/load-scenario.js';
import type { ScenarioBook } from '../core/scenarios/scenario-book.js';
import type { Scenario } from '../core/scenarios/scenario-rules.js';

const SHIPPED_SCENARIOS = packagePath('scenarios');

/** A scenario file compiled, or a ScenarioLoadError naming the file (and the path in it). */
function loadScenarioFile(path: string, definitions: readonly ApiMethodDefinition[]): Scenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ScenarioLoadError(path, '', `cannot be read: ${(error as Error).message}`);
  }
  return compileScenario(parseScenarioText(text, path), path, definitions);
}

/** A path, or the name of a scenario shipped in scenarios/ ("gateway-outage"). */
export function resolveScenarioPath(nameOrPath: string): string {
  if (existsSync(nameOrPath)) return resolve(nameOrPath);
  for (const candidate of [`${nameOrPath}.yaml`, `${nameOrPath}.yml`, `${nameOrPath}.json`]) {
    const shipped = resolve(SHIPPED_SCENARIOS, candidate);
    if (existsSync(shipped)) return shipped;
  }
  throw new ScenarioLoadError(nameOrPath, '', 'no such file, and no scenario of that name in scenarios/');
}

/** What a poll compares: the modification time and the size ("" when the file cannot be read). */
function fileVersion(path: string): string {
  try {
    const stat = statSync(path);
    return `${stat.mtimeMs}:${stat.size}`;
  } catch {
    return '';
  }
}

export interface ScenarioFileEvents {
  loaded(path: string): void;
  failed(error: ScenarioLoadError): void;
}

export class ScenarioFile {
  #poller: NodeJS.Timeout | undefined;

  constructor(
    readonly path: string,
    private readonly book: ScenarioBook,
    private readonly definitions: readonly ApiMethodDefinition[],
    private readonly events: ScenarioFileEvents,
  ) {}

  /** Loads the file into the book as the start scenario; throws ScenarioLoadError when it is broken. */
  load(): void {
    this.book.setStart(loadScenarioFile(this.path, this.definitions));
    this.events.loaded(this.path);
  }

  /** Loads again, keeping the scenario in force when the file is now broken. */
  reload(): void {
    try {
      this.load();
    } catch (error) {
      if (!(error instanceof ScenarioLoadError)) throw error;
      this.events.failed(error);
    }
  }

  /**
   * Polls rather than relying on inotify: editors that save by renaming are seen all the same. Each
   * poll is compared with the file as it was when watching began (then as last seen). Not fs.watchFile:
   * it reports a change only between its own polls, and its first look is taken later, on the thread
   * pool; an edit made in between (just after the start, on a busy machine) was never reloaded.
   */
  watch(intervalMs = 200): void {
    this.close();
    let seen = fileVersion(this.path);
    this.#poller = setInterval(() => {
      const version = fileVersion(this.path);
      if (version === seen) return;
      seen = version;
      this.reload();
    }, intervalMs).unref();
  }

  close(): void {
    clearInterval(this.#poller);
    this.#poller = undefined;
  }
}
