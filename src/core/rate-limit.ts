/**
 * Flood control as pure arithmetic: token buckets and the per-connection command budget built
 * from them. No timers and no clock of its own: every call is given `now` (milliseconds), so
 * the doors decide what waiting means (TCP paces, Socket.IO and HTTP refuse) and tests need no
 * real time.
 */
import type { Command } from './types.js';

export interface Budget {
  /** Commands allowed at once after a quiet spell. */
  readonly burst: number;
  /** Commands per second allowed for ever. */
  readonly perSecond: number;
}

/**
 * A token bucket: `burst` tokens, refilled at `perSecond`. A budget with perSecond 0 never
 * refills; one with burst 0 never allows anything (use a null budget to mean "no limit").
 */
export class TokenBucket {
  readonly budget: Budget;
  #tokens: number;
  #at: number;

  constructor(budget: Budget, now: number) {
    this.budget = budget;
    this.#tokens = budget.burst;
    this.#at = now;
  }

  #refill(now: number): void {
    if (now > this.#at) this.#tokens = Math.min(this.budget.burst, this.#tokens + ((now - this.#at) / 1000) * this.budget.perSecond);
    this.#at = Math.max(this.#at, now);
  }

  /** Milliseconds until one token is there; 0 = now. Infinity when it never will be. */
  waitMs(now: number): number {
    this.#refill(now);
    if (this.#tokens >= 1) return 0;
    if (this.budget.perSecond <= 0 || this.budget.burst < 1) return Number.POSITIVE_INFINITY;
    // The epsilon keeps float noise (1.0000000000000009 ms) from adding a whole millisecond.
    return Math.max(1, Math.ceil(((1 - this.#tokens) / this.budget.perSecond) * 1000 - 1e-6));
  }

  /** Milliseconds since the bucket was last refilled or taken from. */
  idleSince(now: number): number {
    return now - this.#at;
  }

  /** Takes one token; call only when waitMs(now) is 0. */
  take(now: number): void {
    this.#refill(now);
    this.#tokens -= 1;
  }
}

/** What a command costs beyond the general budget. */
export type CommandClass = 'general' | 'expensive' | 'social';

const EXPENSIVE: ReadonlySet<Command['type']> = new Set(['history', 'rooms', 'who']);
const SOCIAL: ReadonlySet<Command['type']> = new Set(['msg', 'join', 'nick']);

/** history, rooms and who read much; private messages, joins and nick changes reach others. */
export function classOf(type: Command['type']): CommandClass {
  if (EXPENSIVE.has(type)) return 'expensive';
  if (SOCIAL.has(type)) return 'social';
  return 'general';
}

export interface FloodBudgets {
  /** Every command takes one token here. */
  readonly general: Budget;
  /** history, rooms, who take one here too. */
  readonly expensive: Budget;
  /** msg, join, nick take one here too. */
  readonly social: Budget;
  /**
   * Past this many commands waiting (paced doors) or refused within HARD_WINDOW_MS (refusing
   * doors), the connection is disconnected with `flood`.
   */
  readonly hardLimit: number;
  /** Admins and bot accounts get every budget times this. */
  readonly privilegedMultiplier: number;
}

/** The window in which refusals count towards `hardLimit`. */
export const HARD_WINDOW_MS = 10_000;

function scaled(budget: Budget, by: number): Budget {
  return { burst: budget.burst * by, perSecond: budget.perSecond * by };
}

/**
 * One connection's budget: the general bucket and the bucket of the command's class. A
 * command may run when both have a token; running takes one from each.
 */
export class CommandBudget {
  readonly budgets: FloodBudgets;
  #privileged = false;
  #general: TokenBucket;
  #expensive: TokenBucket;
  #social: TokenBucket;
  /** Refusal times within the hard window, oldest first (bounded by hardLimit + 1). */
  readonly #refusals: number[] = [];

  constructor(budgets: FloodBudgets, now: number) {
    this.budgets = budgets;
    this.#general = new TokenBucket(budgets.general, now);
    this.#expensive = new TokenBucket(budgets.expensive, now);
    this.#social = new TokenBucket(budgets.social, now);
  }

  /** Admins and bots (as known at this command): larger budgets, full from now. */
  setPrivileged(privileged: boolean, now: number): void {
    if (privileged === this.#privileged) return;
    this.#privileged = privileged;
    const by = privileged ? this.budgets.privilegedMultiplier : 1;
    this.#general = new TokenBucket(scaled(this.budgets.general, by), now);
    this.#expensive = new TokenBucket(scaled(this.budgets.expensive, by), now);
    this.#social = new TokenBucket(scaled(this.budgets.social, by), now);
  }

  #classBucket(kind: CommandClass): TokenBucket | null {
    return kind === 'expensive' ? this.#expensive : kind === 'social' ? this.#social : null;
  }

  /** Milliseconds until a command of `kind` may run; 0 = now. */
  waitMs(kind: CommandClass, now: number): number {
    return Math.max(this.#general.waitMs(now), this.#classBucket(kind)?.waitMs(now) ?? 0);
  }

  /** Runs a command of `kind`: call only when waitMs is 0. */
  take(kind: CommandClass, now: number): void {
    this.#general.take(now);
    this.#classBucket(kind)?.take(now);
  }

  /** For refusing doors: takes the tokens and returns 0, or returns how long until a retry may pass. */
  tryTake(kind: CommandClass, now: number): number {
    const wait = this.waitMs(kind, now);
    if (wait === 0) this.take(kind, now);
    return wait;
  }

  /** Counts one refusal; true when refusals within HARD_WINDOW_MS have passed the hard limit. */
  refused(now: number): boolean {
    this.#refusals.push(now);
    while (this.#refusals.length > 0 && (this.#refusals[0] ?? now) <= now - HARD_WINDOW_MS) this.#refusals.shift();
    if (this.#refusals.length > this.budgets.hardLimit + 1) this.#refusals.shift();
    return this.#refusals.length > this.budgets.hardLimit;
  }
}
