/**
 * Exponential backoff for reconnecting: initialMs, then double each time, capped at maxMs.
 * Pure and clock-free: it only says how long to wait; the caller owns the timer.
 */
export interface BackoffOptions {
  readonly initialMs: number;
  readonly maxMs: number;
  /** Attempts allowed before giving up; undefined means try forever. */
  readonly maxAttempts?: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 1000, maxMs: 30_000 };

export class Backoff {
  readonly #options: BackoffOptions;
  #attempts = 0;

  constructor(options: BackoffOptions = DEFAULT_BACKOFF) {
    if (!(options.initialMs > 0) || !(options.maxMs >= options.initialMs)) {
      throw new RangeError('Backoff needs 0 < initialMs <= maxMs');
    }
    this.#options = options;
  }

  /** Attempts handed out since the last reset. */
  get attempts(): number {
    return this.#attempts;
  }

  /** The delay before the next attempt, or null when maxAttempts is used up. */
  next(): number | null {
    const { initialMs, maxMs, maxAttempts } = this.#options;
    if (maxAttempts !== undefined && this.#attempts >= maxAttempts) return null;
    // Cap the exponent as well, so a long outage cannot overflow to Infinity.
    const delay = Math.min(maxMs, initialMs * 2 ** Math.min(this.#attempts, 40));
    this.#attempts += 1;
    return delay;
  }

  /** Called once a connection is fully re-established, so the next outage starts at initialMs. */
  reset(): void {
    this.#attempts = 0;
  }
}

/** "500ms", "1s", "2.5s": how a delay reads in "reconnecting in 1s…". */
export function formatDelay(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const seconds = Math.round(ms / 100) / 10;
  return `${seconds}s`;
}
