/**
 * The sandbox's business clock: what expiry of a certify_id (23 h) is measured against. Tests move it
 * (POST /__admin/clock) to make expiry testable without waiting. The protocol's timestamp check keeps
 * using the real time: clients sign with their own clock, which the sandbox cannot move.
 */

export class BusinessClock {
  #offsetMs = 0;

  constructor(private readonly realNow: () => number = Date.now) {}

  now(): number {
    return this.realNow() + this.#offsetMs;
  }

  /** Sets the clock to an instant; it runs on from there. */
  set(ms: number): void {
    this.#offsetMs = ms - this.realNow();
  }

  advance(ms: number): void {
    this.#offsetMs += ms;
  }

  /** Back to the real time. */
  reset(): void {
    this.#offsetMs = 0;
  }

  get offsetMs(): number {
    return this.#offsetMs;
  }

  /** The offset another replica set: every replica's clock reads the same. */
  setOffset(ms: number): void {
    this.#offsetMs = ms;
  }
}
