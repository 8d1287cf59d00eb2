import type { Door } from './door.js';
import { RoomSequencer, type SequencerDeps } from './sequencer.js';
import type { Session } from './session.js';
import type { UserRef } from './types.js';

/**
 * A room's live state. Members are grouped by door so an event is handed to each door
 * once with its whole recipient set.
 */
export class Room {
  /** This node's sessions in the room. */
  readonly members = new Set<Session>();
  /**
   * Everyone in the room on every node, in the order this node learned of them: this node's
   * members, the room's presence when the node's first member joined, and joins, leaves and
   * renames from other nodes since. Empty while the node has no member here (it then hears
   * nothing of the room).
   */
  readonly roster = new Map<string, UserRef>();
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
    this.roster.set(session.id, session.ref);
    let links = this.#links.get(session.door);
    if (!links) {
      links = new Set();
      this.#links.set(session.door, links);
    }
    links.add(session.link);
    session.door.membership?.(session.link, this.name, true);
  }

  remove(session: Session): void {
    if (!this.members.delete(session)) return;
    session.door.membership?.(session.link, this.name, false);
    this.roster.delete(session.id);
    if (this.members.size === 0) this.roster.clear();
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
