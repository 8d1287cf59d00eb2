/**
 * Counts failures per key in a fixed window and refuses once a key has too many: logins and
 * registrations per name and per address. In memory, per node: with several nodes each one
 * enforces its own count (an attacker spreading over N nodes gets N times the budget).
 */
export class Throttle {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #clock: () => number;
  readonly #failures = new Map<string, { count: number; since: number }>();

  constructor(limit: number, windowMs: number, clock: () => number) {
    this.#limit = limit;
    this.#windowMs = windowMs;
    this.#clock = clock;
  }

  /** Milliseconds until `key` may try again, or 0 when it may now. */
  waitFor(key: string): number {
    const entry = this.#failures.get(key);
    if (!entry) return 0;
    const elapsed = this.#clock() - entry.since;
    if (elapsed >= this.#windowMs) {
      this.#failures.delete(key);
      return 0;
    }
    return entry.count >= this.#limit ? this.#windowMs - elapsed : 0;
  }

  fail(key: string): void {
    const now = this.#clock();
    const entry = this.#failures.get(key);
    if (!entry || now - entry.since >= this.#windowMs) this.#failures.set(key, { count: 1, since: now });
    else entry.count++;
    // Bounded memory: a flood of distinct keys only keeps the recent ones.
    if (this.#failures.size > 100_000) {
      for (const [k, e] of this.#failures) if (now - e.since >= this.#windowMs) this.#failures.delete(k);
    }
  }

  succeed(key: string): void {
    this.#failures.delete(key);
  }
}
