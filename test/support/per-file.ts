/**
 * A resource the calling test file shares among its tests: made before them, released after them,
 * and handed out by a getter that names what is missing when a test asks too early.
 */
import { afterAll, beforeAll } from 'vitest';

export interface PerFile<T> {
  /** What the getter's error names, e.g. "the sandbox". */
  readonly what: string;
  /** Makes it, or answers undefined where the file's tests skip (a missing tool). */
  readonly start: () => Promise<T | undefined>;
  readonly stop: (resource: T) => Promise<void> | void;
  readonly startTimeoutMs?: number;
}

export function usePerFile<T>(resource: PerFile<T>): () => T {
  let made: T | undefined;
  beforeAll(async () => {
    made = await resource.start();
  }, resource.startTimeoutMs);
  afterAll(async () => {
    if (made !== undefined) await resource.stop(made);
  });
  return () => {
    if (made === undefined) throw new Error(`${resource.what} is not there: it exists inside this file's tests only`);
    return made;
  };
}
