/**
 * Which scenario decides a request, and what it decides. An app's own scenario (set through the admin
 * API) wins over the start scenario (--scenario FILE); the magic identities come after either. Call
 * counts and one-shot rules are kept per scenario, per rule and per app_id, so test suites that use
 * different app_ids never see each other's counts.
 */
import type { Membership } from '../identity/membership.js';
import { callSatisfies, type RateCondition, type Scenario, type ScenarioOutcome, type ScenarioRequest, type ScenarioRule } from './scenario-rules.js';

export interface RuleReference {
  readonly source: string;
  readonly index: number;
  readonly name: string;
}

export interface Decision {
  /** Whether the app's scenario keeps the world open to every well-formed identity. */
  readonly membership: Membership;
  readonly outcome: ScenarioOutcome;
  /** The rule that chose the outcome; undefined for normal behaviour by default. */
  readonly rule?: RuleReference;
  readonly delayMs?: number;
}

const NORMAL: ScenarioOutcome = { kind: 'normal', overrides: {} };

/** Counts of matching calls and fired one-shot rules of one scenario, keyed by rule and app_id. */
interface RuleState {
  readonly counts: Map<string, number>;
  readonly fired: Set<string>;
  readonly windows: Map<string, CallWindow>;
}

/**
 * The times of the last `calls` calls a rate condition let through, oldest first in a ring: a call is
 * over the limit when the buffer is full and its oldest entry is still inside the window. Constant
 * time and memory per call, however high the limit.
 */
class CallWindow {
  #times: number[] = [];
  #oldest = 0;
  #latest = -Infinity;

  constructor(private readonly rate: RateCondition) {}

  /** Whether a call at `now` is over the limit; a call under it is counted. */
  over(now: number): boolean {
    // The business clock was moved back: the calls counted are in its future, so the window starts again.
    if (now < this.#latest) [this.#times, this.#oldest] = [[], 0];
    this.#latest = now;
    const times = this.#times;
    if (times.length < this.rate.calls) {
      times.push(now);
      return false;
    }
    if (now - times[this.#oldest]! < this.rate.perMs) return true;
    times[this.#oldest] = now;
    this.#oldest = (this.#oldest + 1) % times.length;
    return false;
  }
}

export const EMPTY_SCENARIO: Scenario = { source: 'default (normal behaviour)', membership: 'open', document: { rules: [] }, rules: [] };

export class ScenarioBook {
  #start: Scenario;
  readonly #byApp = new Map<string, Scenario>();
  readonly #builtIn: Scenario;
  readonly #random: () => number;
  readonly #now: () => number;
  #state = new WeakMap<Scenario, RuleState>();

  /** `now` is the business clock, so a test can move past a rate window instead of waiting it out. */
  constructor(options: { start?: Scenario; builtIn?: Scenario; random?: () => number; now?: () => number } = {}) {
    this.#start = options.start ?? EMPTY_SCENARIO;
    this.#builtIn = options.builtIn ?? EMPTY_SCENARIO;
    this.#random = options.random ?? Math.random;
    this.#now = options.now ?? Date.now;
  }

  get start(): Scenario {
    return this.#start;
  }

  /** Replaces the start scenario (a reload): its counts start again from zero. */
  setStart(scenario: Scenario): void {
    this.#start = scenario;
  }

  forApp(appId: string): Scenario | undefined {
    return this.#byApp.get(appId);
  }

  setForApp(appId: string, scenario: Scenario): void {
    this.#byApp.set(appId, scenario);
  }

  clearForApp(appId: string): boolean {
    return this.#byApp.delete(appId);
  }

  /** Back to the start: no app scenarios, every count and one-shot rule fresh. */
  reset(): void {
    this.#byApp.clear();
    this.#state = new WeakMap();
  }

  decide(request: ScenarioRequest): Decision {
    const active = this.#byApp.get(request.appId) ?? this.#start;
    const fired = this.#firstFiring(active, request) ?? this.#firstFiring(this.#builtIn, request);
    return { membership: active.membership, ...(fired ?? { outcome: NORMAL }) };
  }

  #stateOf(scenario: Scenario): RuleState {
    let state = this.#state.get(scenario);
    if (!state) {
      state = { counts: new Map(), fired: new Set(), windows: new Map() };
      this.#state.set(scenario, state);
    }
    return state;
  }

  #firstFiring(scenario: Scenario, request: ScenarioRequest): Omit<Decision, 'membership'> | undefined {
    for (const rule of scenario.rules) {
      if (!rule.matches(request)) continue;
      const state = this.#stateOf(scenario);
      const key = `${rule.index}\u0000${request.appId}`;
      if (rule.rate ? !this.#overRate(state, rule.rate, key, request.method) : !this.#callCounted(state, rule, key)) continue;
      if (rule.once && state.fired.has(key)) continue;
      if (rule.once) state.fired.add(key);
      return { outcome: rule.outcome, rule: { source: scenario.source, index: rule.index, name: rule.name }, delayMs: this.#delay(rule) };
    }
    return undefined;
  }

  #callCounted(state: RuleState, rule: ScenarioRule, key: string): boolean {
    const count = (state.counts.get(key) ?? 0) + 1;
    state.counts.set(key, count);
    return callSatisfies(rule.call, count);
  }

  #overRate(state: RuleState, rate: RateCondition, ruleKey: string, method: string): boolean {
    const key = rate.perMethod ? `${ruleKey}\u0000${method}` : ruleKey;
    let window = state.windows.get(key);
    if (!window) state.windows.set(key, (window = new CallWindow(rate)));
    return window.over(this.#now());
  }

  #delay(rule: ScenarioRule): number | undefined {
    if (!rule.delayMs) return undefined;
    const [min, max] = rule.delayMs;
    return min === max ? min : Math.round(min + this.#random() * (max - min));
  }
}
