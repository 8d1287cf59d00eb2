import type { HistoryMaintenance, Store } from '../core/ports/store.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface RetentionOptions {
  readonly store: Pick<Store, 'loadRooms'> & HistoryMaintenance;
  /** Messages older than this many days are deleted; 0 keeps them all (tokens and client ids are still pruned). */
  readonly days: number;
  /** The time now, ms since the epoch (tests pass their own clock). */
  readonly clock: () => number;
  /** Messages deleted per statement (default 500): each is a short transaction. */
  readonly batchSize?: number;
  /** Between passes (default one hour). */
  readonly intervalMs?: number;
  /** Before the first pass (default one minute, so a start-up is not slowed). */
  readonly firstPassMs?: number;
  /** Lets the chat run between batches; default: one turn of the event loop (setImmediate). */
  readonly pause?: () => Promise<void>;
  readonly onPass?: (report: RetentionReport) => void;
  /** A pass failed (store unreachable, …); the next pass tries again. */
  readonly onError?: (error: unknown) => void;
}

export interface RetentionReport {
  readonly messages: number;
  readonly tokens: number;
  readonly sends: number;
  /** False when stop() ended the pass early. */
  readonly complete: boolean;
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Deletes history older than HISTORY_RETENTION_DAYS, expired login tokens, and client ids past
 * their dedupe window, in the background. Messages go room by room, oldest first, `batchSize`
 * at a time, with a pause between batches, so appends and reads are never held up for longer
 * than one small delete. Rooms' last numbers are not touched: numbering continues after the
 * deleted messages, and no number is handed out twice. A message is deleted only when its own
 * time is older than the cut-off (one stamped before an older one, after a clock step, waits
 * until the ones before it are gone).
 */
export class RetentionJob {
  readonly #options: RetentionOptions;
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<RetentionReport> | null = null;
  #stopped = false;

  constructor(options: RetentionOptions) {
    this.#options = options;
  }

  /** Runs passes every intervalMs (the first after firstPassMs) until stop(). Timers do not keep the process alive. */
  start(): void {
    const { intervalMs = 60 * 60 * 1000, firstPassMs = 60 * 1000, onError = () => {} } = this.#options;
    const schedule = (ms: number): void => {
      if (this.#stopped) return;
      this.#timer = setTimeout(() => {
        this.runOnce().then(
          () => schedule(intervalMs),
          (error: unknown) => {
            onError(error);
            schedule(intervalMs);
          },
        );
      }, ms);
      this.#timer.unref();
    };
    schedule(firstPassMs);
  }

  /** One pass now (or the one already running). */
  runOnce(): Promise<RetentionReport> {
    this.#running ??= this.#pass().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  /** No new pass starts; a running one ends after its current batch. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#running) await this.#running;
  }

  async #pass(): Promise<RetentionReport> {
    const { store, days, clock, batchSize = 500, pause = nextTurn, onPass } = this.#options;
    const now = clock();
    const pruned = await store.pruneExpired(now);
    let messages = 0;
    let complete = true;
    if (days > 0) {
      const cutoff = now - days * DAY_MS;
      rooms: for (const room of await store.loadRooms()) {
        for (;;) {
          if (this.#stopped) {
            complete = false;
            break rooms;
          }
          const deleted = await store.deleteOldMessages(room.name, cutoff, batchSize);
          messages += deleted;
          await pause();
          if (deleted < batchSize) break;
        }
      }
    }
    const report = { messages, tokens: pruned.tokens, sends: pruned.sends, complete };
    onPass?.(report);
    return report;
  }
}
