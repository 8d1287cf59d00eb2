/**
 * Coalesces `roomUsers` updates: membership changes mark a room dirty, and each dirty room is
 * sent once, after the current I/O phase (setImmediate). A thousand joins arriving together
 * thus cost one member list per room, not one per join (which would be O(N^2) per tick).
 */
export class RoomUsersScheduler {
  readonly #send: (room: string) => void;
  readonly #dirty = new Set<string>();
  #timer: NodeJS.Immediate | null = null;

  /** `send` computes the room's member list and sends it to the room's members. */
  constructor(send: (room: string) => void) {
    this.#send = send;
  }

  mark(room: string): void {
    this.#dirty.add(room);
    this.#timer ??= setImmediate(() => this.flush());
  }

  /** Sends every dirty room now. Public so tests and shutdown need not wait a tick. */
  flush(): void {
    if (this.#timer !== null) clearImmediate(this.#timer);
    this.#timer = null;
    const rooms = [...this.#dirty];
    this.#dirty.clear();
    for (const room of rooms) this.#send(room);
  }

  close(): void {
    if (this.#timer !== null) clearImmediate(this.#timer);
    this.#timer = null;
    this.#dirty.clear();
  }
}
