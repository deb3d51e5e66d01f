/**
 * What the log says while the shared store is away: one warning when it goes, one line when it is
 * back with how many requests were refused meanwhile. The requests themselves are counted, not
 * logged: under load a line (and a stack) per refused request buried the one line that says what
 * happened. Their callers still get the documented refusal (20000 isp.unknow-error, a 503 from the
 * admin API).
 */
import { pino, type Logger } from 'pino';

/**
 * A logger at `logger`'s level writing to stderr. stdout is the request log (piped into jq, or to a
 * file), and a store gone is what the person running the sandbox must see even then; pino writes one
 * logger to one destination, and sending every warning to stderr would move lines (a broken scenario
 * reload) that users read on stdout today. Synchronous: two lines per outage cost nothing, and a
 * crash right after the warning still shows it.
 */
export function stderrLogger(logger: Logger): Logger {
  return pino({ level: logger.level, base: undefined }, pino.destination({ dest: 2, sync: true }));
}

export class StoreOutage {
  readonly #where: string;
  readonly #log: Logger;
  #away = false;
  #refused = 0;

  /** `log` gets both lines at warn level: --quiet keeps warnings, and the back line closes one. */
  constructor(where: string, log: Logger) {
    this.#where = where;
    this.#log = log;
  }

  get away(): boolean {
    return this.#away;
  }

  /** The store did not answer (a command failed, the connection dropped): the warning, once per outage. */
  failed(error: Error): void {
    if (this.#away) return;
    this.#away = true;
    this.#refused = 0;
    this.#log.warn({ store: this.#where, err: error.message }, 'the shared state store is unreachable: requests that need it get 20000 isp.unknow-error until it is back');
  }

  /** A request refused because the store did not answer; it starts an outage the connection has not seen yet. */
  requestRefused(error: Error): void {
    this.failed(error);
    this.#refused++;
  }

  /** The store answered again: the back line, once per outage. */
  answered(): void {
    if (!this.#away) return;
    this.#away = false;
    const refused = this.#refused;
    this.#log.warn({ store: this.#where, refused }, `the shared state store ${this.#where} is back; ${refused} request${refused === 1 ? ' was' : 's were'} refused while it was away`);
  }
}
