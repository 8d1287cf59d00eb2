import type { Presence, PresenceMember } from './presence.js';

/** Presence for a single process. Nothing expires (the process is the only node). */
export class MemoryPresence implements Presence {
  /** A Map keeps insertion order, and `set` on an existing id keeps its place: joining order. */
  readonly #rooms = new Map<string, Map<string, PresenceMember>>();

  async join(room: string, member: PresenceMember): Promise<void> {
    let members = this.#rooms.get(room);
    if (!members) this.#rooms.set(room, (members = new Map()));
    members.set(member.id, { id: member.id, name: member.name, node: member.node });
  }

  async leave(room: string, id: string): Promise<void> {
    const members = this.#rooms.get(room);
    if (!members) return;
    members.delete(id);
    if (members.size === 0) this.#rooms.delete(room);
  }

  async members(room: string): Promise<PresenceMember[]> {
    return [...(this.#rooms.get(room)?.values() ?? [])];
  }

  async counts(rooms: readonly string[]): Promise<Map<string, number>> {
    return new Map(rooms.map((room) => [room, this.#rooms.get(room)?.size ?? 0]));
  }

  /** No other node can be lost in one process. */
  onExpired(): () => void {
    return () => {};
  }

  async close(): Promise<void> {}
}
