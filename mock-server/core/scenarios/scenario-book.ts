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

/** Methods a scenario keeps its list of candidate rules for (far more than the sandbox serves). */
const MAX_METHODS_KEPT = 1000;

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

/** A rule that fired: what it chose, and its delay. */
type Fired = Omit<Decision, 'membership'>;

/** What deciding asks of the counts: count this call of a rule, mark a one-shot rule fired, or whether a call is over a rate. */
type CounterQuestion = { readonly count: string } | { readonly fire: string } | { readonly over: string; readonly rate: RateCondition };

/**
 * Call counts, fired one-shot rules and rate windows kept where every replica sees them (Redis), so
 * that a rule with `once`, a call count or a rate fires as often as written however many replicas answer.
 */
export interface SharedRuleCounters {
  /** Counts one matching call; answers the count, this call included. (`appId`: the calling app, whose calls the key counts.) */
  count(key: string, appId: string): Promise<number>;
  /** Marks a one-shot rule fired; true only for the first call that does. */
  fire(key: string, appId: string): Promise<boolean>;
  /** Whether a call at `nowMs` (the business clock) is over the rate; a call under it is counted. */
  overRate(key: string, rate: RateCondition, nowMs: number, appId: string): Promise<boolean>;
}

/**
 * A scenario's part of a shared counter's key: its id, or a hash of its text (every replica loads
 * the same start scenario file; a changed file counts afresh).
 */
const scenarioKeys = new WeakMap<Scenario, string>();

function scenarioKey(scenario: Scenario): string {
  if (scenario.id) return scenario.id;
  let key = scenarioKeys.get(scenario);
  if (key === undefined) scenarioKeys.set(scenario, (key = textHash(`${scenario.source}\u0000${JSON.stringify(scenario.document)}`)));
  return key;
}

/** cyrb53: a 53-bit string hash, enough to tell scenario texts apart. */
function textHash(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

export const EMPTY_SCENARIO: Scenario = { source: 'default (normal behaviour)', membership: 'open', document: { rules: [] }, rules: [] };

export class ScenarioBook {
  #start: Scenario;
  readonly #byApp = new Map<string, Scenario>();
  readonly #builtIn: Scenario;
  readonly #random: () => number;
  readonly #now: () => number;
  #state = new WeakMap<Scenario, RuleState>();
  /** Per scenario and method, the rules that can match a call of it, in order (see #rulesFor). */
  readonly #rulesByMethod = new WeakMap<Scenario, Map<string, readonly ScenarioRule[]>>();
  #shared: SharedRuleCounters | undefined;

  /** `now` is the business clock, so a test can move past a rate window instead of waiting it out. */
  constructor(options: { start?: Scenario; builtIn?: Scenario; random?: () => number; now?: () => number } = {}) {
    this.#start = options.start ?? EMPTY_SCENARIO;
    this.#builtIn = options.builtIn ?? EMPTY_SCENARIO;
    this.#random = options.random ?? Math.random;
    this.#now = options.now ?? Date.now;
  }

  /** Counts and one-shot marks from now on kept where replicas share them; deciding then awaits them. */
  shareCounters(counters: SharedRuleCounters): void {
    this.#shared = counters;
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

  /** The apps that have a scenario of their own. */
  appsWithScenarios(): string[] {
    return [...this.#byApp.keys()];
  }

  clearForApp(appId: string): boolean {
    return this.#byApp.delete(appId);
  }

  /** Back to the start: no app scenarios, every count and one-shot rule fresh. */
  reset(): void {
    this.#byApp.clear();
    this.#state = new WeakMap();
  }

  decide(request: ScenarioRequest): Decision | Promise<Decision> {
    const active = this.#byApp.get(request.appId) ?? this.#start;
    const decided = (fired: Fired | undefined): Decision => ({ membership: active.membership, ...(fired ?? { outcome: NORMAL }) });
    if (this.#shared) return this.#sharedFiring(active, request).then(async (fired) => decided(fired ?? (await this.#sharedFiring(this.#builtIn, request))));
    return decided(this.#localFiring(active, request) ?? this.#localFiring(this.#builtIn, request));
  }

  #stateOf(scenario: Scenario): RuleState {
    let state = this.#state.get(scenario);
    if (!state) {
      state = { counts: new Map(), fired: new Set(), windows: new Map() };
      this.#state.set(scenario, state);
    }
    return state;
  }

  /**
   * The first rule of a scenario that fires, asking for call counts and one-shot marks as it goes:
   * answered from memory, or by the store replicas share (one question per counted rule).
   */
  *#firing(scenario: Scenario, request: ScenarioRequest): Generator<CounterQuestion, Fired | undefined, number | boolean> {
    for (const rule of this.#rulesFor(scenario, request.method)) {
      if (!rule.matches(request)) continue;
      const key = `${rule.index}\u0000${request.appId}`;
      if (rule.rate) {
        const rate = rule.rate;
        const window = rate.perMethod ? `${key}\u0000${request.method}` : key;
        if (!((yield { over: window, rate }) as boolean)) continue;
      } else if (rule.call && !callSatisfies(rule.call, (yield { count: key }) as number)) continue;
      if (rule.once && !((yield { fire: key }) as boolean)) continue;
      return { outcome: rule.outcome, rule: { source: scenario.source, index: rule.index, name: rule.name }, delayMs: this.#delay(rule) };
    }
    return undefined;
  }

  /**
   * The rules of a scenario that can match a call of `method`, in order: the magic identities' rules
   * name their methods, so a call is tried against its own method's few rather than all of them.
   */
  #rulesFor(scenario: Scenario, method: string): readonly ScenarioRule[] {
    let byMethod = this.#rulesByMethod.get(scenario);
    if (!byMethod) this.#rulesByMethod.set(scenario, (byMethod = new Map()));
    let rules = byMethod.get(method);
    if (!rules) {
      // Callers name methods the sandbox does not serve too: the lists stay bounded however many.
      if (byMethod.size >= MAX_METHODS_KEPT) byMethod.clear();
      byMethod.set(method, (rules = scenario.rules.filter((rule) => !rule.methods || rule.methods.has(method))));
    }
    return rules;
  }

  #localFiring(scenario: Scenario, request: ScenarioRequest): Fired | undefined {
    if (this.#rulesFor(scenario, request.method).length === 0) return undefined;
    const state = this.#stateOf(scenario);
    const firing = this.#firing(scenario, request);
    for (let step = firing.next(0); ; ) {
      if (step.done) return step.value;
      const question = step.value;
      if ('count' in question) {
        const count = (state.counts.get(question.count) ?? 0) + 1;
        state.counts.set(question.count, count);
        step = firing.next(count);
      } else if ('over' in question) {
        step = firing.next(this.#overRate(state, question.rate, question.over));
      } else {
        const first = !state.fired.has(question.fire);
        state.fired.add(question.fire);
        step = firing.next(first);
      }
    }
  }

  async #sharedFiring(scenario: Scenario, request: ScenarioRequest): Promise<Fired | undefined> {
    const counters = this.#shared!;
    const firing = this.#firing(scenario, request);
    for (let step = firing.next(0); ; ) {
      if (step.done) return step.value;
      const question = step.value;
      const prefix = scenarioKey(scenario);
      if ('count' in question) step = firing.next(await counters.count(`${prefix}\u0000${question.count}`, request.appId));
      else if ('over' in question) step = firing.next(await counters.overRate(`${prefix}\u0000${question.over}`, question.rate, this.#now(), request.appId));
      else step = firing.next(await counters.fire(`${prefix}\u0000${question.fire}`, request.appId));
    }
  }

  #overRate(state: RuleState, rate: RateCondition, key: string): boolean {
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
