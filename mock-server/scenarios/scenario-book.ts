/**
 * Which scenario decides a request, and what it decides. An app's own scenario (set through the admin
 * API) wins over the start scenario (--scenario FILE); the magic identities come after either. Call
 * counts and one-shot rules are kept per scenario, per rule and per app_id, so test suites that use
 * different app_ids never see each other's counts.
 */
import type { Membership } from '../identity/membership.js';
import { callSatisfies, type Scenario, type ScenarioOutcome, type ScenarioRequest, type ScenarioRule } from './scenario-rules.js';

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
}

export const EMPTY_SCENARIO: Scenario = { source: 'default (normal behaviour)', membership: 'open', document: { rules: [] }, rules: [] };

export class ScenarioBook {
  #start: Scenario;
  readonly #byApp = new Map<string, Scenario>();
  readonly #builtIn: Scenario;
  readonly #random: () => number;
  #state = new WeakMap<Scenario, RuleState>();

  constructor(options: { start?: Scenario; builtIn?: Scenario; random?: () => number } = {}) {
    this.#start = options.start ?? EMPTY_SCENARIO;
    this.#builtIn = options.builtIn ?? EMPTY_SCENARIO;
    this.#random = options.random ?? Math.random;
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
      state = { counts: new Map(), fired: new Set() };
      this.#state.set(scenario, state);
    }
    return state;
  }

  #firstFiring(scenario: Scenario, request: ScenarioRequest): Omit<Decision, 'membership'> | undefined {
    for (const rule of scenario.rules) {
      if (!rule.matches(request)) continue;
      const state = this.#stateOf(scenario);
      const key = `${rule.index}\u0000${request.appId}`;
      const count = (state.counts.get(key) ?? 0) + 1;
      state.counts.set(key, count);
      if (!callSatisfies(rule.call, count) || (rule.once && state.fired.has(key))) continue;
      if (rule.once) state.fired.add(key);
      return { outcome: rule.outcome, rule: { source: scenario.source, index: rule.index, name: rule.name }, delayMs: this.#delay(rule) };
    }
    return undefined;
  }

  #delay(rule: ScenarioRule): number | undefined {
    if (!rule.delayMs) return undefined;
    const [min, max] = rule.delayMs;
    return min === max ? min : Math.round(min + this.#random() * (max - min));
  }
}
