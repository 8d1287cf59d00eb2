import type { WireMessage } from './render.js';

/**
 * What the client remembers about its chat across connections: its name, the rooms it is in
 * (in join order), which one is current, and the last `seq` seen per room. A new connection
 * is a new server session, so after a reconnect this is what gets restored, and the `seq`
 * marks let the history of a rejoin show only what was missed. Pure: no I/O.
 */
export interface ResyncPlan {
  /** Rooms to join again. */
  readonly join: readonly string[];
  /** Rooms the server put the new session in that the user had left. */
  readonly leave: readonly string[];
}

export class RoomTracker {
  name: string | null;
  #rooms: string[] = [];
  #current: string | null = null;
  readonly #lastSeq = new Map<string, number>();

  constructor(name: string | null = null) {
    this.name = name;
  }

  get current(): string | null {
    return this.#current;
  }

  get rooms(): readonly string[] {
    return this.#rooms;
  }

  /** A join reply: the room is added (or moved last) and becomes current. */
  joined(room: string): void {
    this.#rooms = [...this.#rooms.filter((r) => r !== room), room];
    this.#current = room;
  }

  /** A leave reply: the current room falls back to the most recently joined one left. */
  left(room: string): void {
    this.#rooms = this.#rooms.filter((r) => r !== room);
    if (this.#current === room) this.#current = this.#rooms.at(-1) ?? null;
  }

  /** Only switches to a room the client is in. Returns whether it did. */
  switchTo(room: string): boolean {
    if (!this.#rooms.includes(room)) return false;
    this.#current = room;
    return true;
  }

  seen(message: WireMessage): void {
    const last = this.#lastSeq.get(message.room);
    if (last === undefined || message.seq > last) this.#lastSeq.set(message.room, message.seq);
  }

  /** The last `seq` seen in `room`, if any. */
  lastSeq(room: string): number | undefined {
    return this.#lastSeq.get(room);
  }

  /**
   * Whether `history` (the newest messages of a room, oldest first) may not reach back to the
   * last one seen: then more was missed than it shows, and the gap must be read by `seq`.
   */
  missedMore(room: string, history: readonly WireMessage[]): boolean {
    const last = this.#lastSeq.get(room);
    const oldest = history[0];
    return last !== undefined && oldest !== undefined && oldest.seq > last + 1;
  }

  /** The messages of `history` newer than anything seen in that room; all of them if none was. */
  unseen(room: string, history: readonly WireMessage[]): WireMessage[] {
    const last = this.#lastSeq.get(room);
    return last === undefined ? [...history] : history.filter((m) => m.seq > last);
  }

  /**
   * After a reconnect the server starts the session in `startRoom`. Says what to join and
   * leave so the rooms match what the user had; the remembered current room is kept.
   */
  resync(startRoom: string): ResyncPlan {
    const wanted = this.#rooms;
    return {
      join: wanted.filter((r) => r !== startRoom),
      leave: wanted.includes(startRoom) ? [] : [startRoom],
    };
  }
}
