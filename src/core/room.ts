import type { Door } from './door.js';
import { RoomSequencer, type SequencerDeps } from './sequencer.js';
import type { Session } from './session.js';

/**
 * A room's live state. Members are grouped by door so an event is handed to each door
 * once with its whole recipient set.
 */
export class Room {
  readonly members = new Set<Session>();
  readonly #links = new Map<Door<unknown>, Set<unknown>>();
  /** Puts the room's messages in order before they reach the doors (see RoomSequencer). */
  readonly sequencer: RoomSequencer;

  constructor(
    readonly name: string,
    public topic: string,
    /** The last message delivered on this node (or known from the store at start). */
    public lastSeq: number,
    public lastTs: number | null,
    sequencing: SequencerDeps,
  ) {
    this.sequencer = new RoomSequencer(name, lastSeq, sequencing);
  }

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
