import type { ChatMessage } from './types.js';

/** A cancellable timer, passed in so the core does no I/O of its own. */
export type Schedule = (run: () => void, ms: number) => { cancel(): void };

export interface SequencerDeps {
  /** A room's stored messages after `after`, ascending, at most `limit`. */
  readonly fetchAfter: (room: string, after: number, limit: number) => Promise<readonly ChatMessage[]>;
  /** `author`: the session id that sent it, when known (a message filled from the store has none). */
  readonly deliver: (message: ChatMessage, author: string | undefined) => void;
  readonly schedule: Schedule;
  /** Told when a gap had to be filled from the store (for logs and metrics). */
  readonly onFill?: (room: string, fromSeq: number, count: number) => void;
  /** Told when the store could not be read; the held messages are delivered as they are. */
  readonly onFillError?: (room: string, error: unknown) => void;
  /**
   * With several nodes: this long after a delivery, read the store for messages after the last
   * one delivered. A node that dies between its commit and its publish leaves messages nobody
   * announces; when no later message comes to reveal the gap, this finds them. 0: never.
   */
  readonly tailCheckMs?: number;
}

/** How long a message that arrived early waits for the ones before it to arrive by the bus. */
export const GAP_WAIT_MS = 40;
/** Past this many held messages the gap is filled from the store at once. */
const MAX_HELD = 256;
const FILL_PAGE = 500;

interface Held {
  readonly message: ChatMessage;
  readonly author: string | undefined;
}

/**
 * One room's delivery order on this node. The bus may lose, repeat or reorder messages (Redis
 * pub/sub is at-most-once, and each node publishes after its own commit), but the store's
 * numbering has no gaps. So: a message is delivered only when every earlier `seq` has been;
 * a repeat is dropped; a gap that the bus does not fill within GAP_WAIT_MS is filled from the
 * store. Every member thus sees every message once, in `seq` order.
 */
export class RoomSequencer {
  readonly #room: string;
  readonly #deps: SequencerDeps;
  #last: number;
  readonly #held = new Map<number, Held>();
  #timer: { cancel(): void } | null = null;
  #tailTimer: { cancel(): void } | null = null;
  /** The last seq delivered when the tail check was armed: a later delivery arms it again. */
  #tailArmedAt = 0;
  #filling = false;

  /** `lastSeq`: the last message this node's members have already seen (or the room's last when they joined). */
  constructor(room: string, lastSeq: number, deps: SequencerDeps) {
    this.#room = room;
    this.#last = lastSeq;
    this.#deps = deps;
  }

  get lastDelivered(): number {
    return this.#last;
  }

  get held(): number {
    return this.#held.size;
  }

  accept(message: ChatMessage, author?: string): void {
    if (message.seq <= this.#last || this.#held.has(message.seq)) return;
    if (message.seq === this.#last + 1 && !this.#filling) {
      this.#emit(message, author);
      this.#releaseHeld();
      return;
    }
    this.#held.set(message.seq, { message, author });
    if (this.#filling) return;
    if (this.#held.size >= MAX_HELD) {
      void this.#fill();
    } else {
      this.#timer ??= this.#deps.schedule(() => {
        this.#timer = null;
        void this.#fill();
      }, GAP_WAIT_MS);
    }
  }

  /** Moves the starting point forward (a member joined and was shown history up to `seq`). */
  advanceTo(seq: number): void {
    if (seq <= this.#last) return;
    this.#last = seq;
    for (const held of [...this.#held.keys()]) if (held <= seq) this.#held.delete(held);
    this.#releaseHeld();
  }

  close(): void {
    this.#timer?.cancel();
    this.#timer = null;
    this.#tailTimer?.cancel();
    this.#tailTimer = null;
    this.#held.clear();
  }

  #emit(message: ChatMessage, author: string | undefined): void {
    this.#last = message.seq;
    this.#deps.deliver(message, author);
    this.#armTailCheck();
  }

  /** At most one store read per tailCheckMs while messages flow, and one after they stop. */
  #armTailCheck(): void {
    const every = this.#deps.tailCheckMs ?? 0;
    if (every <= 0 || this.#tailTimer !== null) return;
    this.#tailArmedAt = this.#last;
    this.#tailTimer = this.#deps.schedule(() => void this.#checkTail(), every);
  }

  async #checkTail(): Promise<void> {
    this.#tailTimer = null;
    const armedAt = this.#tailArmedAt;
    if (!this.#filling) {
      try {
        const stored = await this.#deps.fetchAfter(this.#room, this.#last, FILL_PAGE);
        for (const message of stored) this.accept(message);
        if (this.#held.size > 0 && !this.#filling) void this.#fill();
      } catch (error) {
        this.#deps.onFillError?.(this.#room, error);
      }
    }
    // Deliveries since the check was armed: check once more after they stop.
    if (this.#last !== armedAt) this.#armTailCheck();
  }

  #releaseHeld(): void {
    for (let next = this.#held.get(this.#last + 1); next; next = this.#held.get(this.#last + 1)) {
      this.#held.delete(next.message.seq);
      this.#emit(next.message, next.author);
    }
    if (this.#held.size === 0 && this.#timer) {
      this.#timer.cancel();
      this.#timer = null;
    }
  }

  async #fill(): Promise<void> {
    if (this.#filling || this.#held.size === 0) return;
    this.#filling = true;
    this.#timer?.cancel();
    this.#timer = null;
    const from = this.#last;
    let filled = 0;
    // True when the store has nothing more to give for the gap (or cannot be read).
    let exhausted = false;
    try {
      const target = Math.max(...this.#held.keys());
      for (let page = 0; this.#last < target && page < 100; page++) {
        const stored = await this.#deps.fetchAfter(this.#room, this.#last, FILL_PAGE);
        const before = this.#last;
        for (const message of stored) {
          if (message.seq <= this.#last) continue;
          if (message.seq !== this.#last + 1) break;
          const held = this.#held.get(message.seq);
          this.#held.delete(message.seq);
          this.#emit(message, held?.author);
          filled++;
        }
        this.#releaseHeld();
        if (this.#last === before) {
          exhausted = true;
          break;
        }
      }
    } catch (error) {
      exhausted = true;
      this.#deps.onFillError?.(this.#room, error);
    } finally {
      this.#filling = false;
    }
    if (filled > 0) this.#deps.onFill?.(this.#room, from + 1, filled);
    if (this.#held.size === 0) return;
    if (exhausted) {
      // What the store cannot supply is not coming: deliver the rest in order rather than hold it forever.
      for (const seq of [...this.#held.keys()].sort((a, b) => a - b)) {
        const held = this.#held.get(seq);
        this.#held.delete(seq);
        if (held && seq > this.#last) this.#emit(held.message, held.author);
      }
      return;
    }
    // Messages that arrived during the fill, past a new gap: wait for the bus again.
    this.#timer ??= this.#deps.schedule(() => {
      this.#timer = null;
      void this.#fill();
    }, GAP_WAIT_MS);
  }
}
