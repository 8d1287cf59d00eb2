import type { Door } from './door.js';
import type { Session } from './session.js';

/**
 * A room's live state. Members are grouped by door so an event is handed to each door
 * once with its whole recipient set.
 */
export class Room {
  readonly members = new Set<Session>();
  readonly #links = new Map<Door<unknown>, Set<unknown>>();

  constructor(
    readonly name: string,
    public topic: string,
    public lastSeq: number,
    public lastTs: number | null,
  ) {}

  add(session: Session): void {
    this.members.add(session);
    let links = this.#links.get(session.door);
    if (!links) {
      links = new Set();
      this.#links.set(session.door, links);
    }
    links.add(session.link);
  }

  remove(session: Session): void {
    this.members.delete(session);
    const links = this.#links.get(session.door);
    if (!links) return;
    links.delete(session.link);
    if (links.size === 0) this.#links.delete(session.door);
  }

  /** Each door with the links of its members in this room. */
  linksByDoor(): IterableIterator<[Door<unknown>, Set<unknown>]> {
    return this.#links.entries();
  }
}
