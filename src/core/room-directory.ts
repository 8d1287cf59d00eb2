import { chatError, type ChatError } from './errors.js';
import type { Presence } from './ports/presence.js';
import type { Store } from './ports/store.js';
import { isPortUnavailable } from './ports/unavailable.js';
import type { Room } from './room.js';
import type { RoomSummary, UserRef } from './types.js';

/** Room lists are paged: at most this many rooms per reply. */
export const MAX_ROOMS_PAGE = 200;

export interface RoomDirectoryDeps {
  /** The chat's rooms; the directory adds the rooms it learns from the store. */
  readonly rooms: Map<string, Room>;
  readonly newRoom: (name: string, topic: string, lastSeq: number, lastTs: number | null) => Room;
  readonly presence: Presence;
  readonly store: Pick<Store, 'loadRooms'>;
  readonly clock: () => number;
  /** Rooms with no members and no message for this long are left out of lists. */
  readonly retentionMs: number;
  readonly defaultRoom: string;
  readonly onError: (error: unknown) => void;
}

/**
 * What every door asks about rooms: the list (paged, with members counted on every node), one
 * room, its members. Reads this node's view of the rooms, the store and presence; changes
 * nothing but the rooms it learns from the store.
 */
export class RoomDirectory {
  readonly #deps: RoomDirectoryDeps;

  constructor(deps: RoomDirectoryDeps) {
    this.#deps = deps;
  }

  /**
   * Members as people: one logged-in account connected twice (a phone and a laptop) is one user.
   * Only an account's connections share a name, so one entry per name is one per person.
   */
  people(room: Room): UserRef[] {
    return oncePerName(room.roster.values());
  }

  /** Every listed room, by name: those with members, and those active within the retention. */
  list(): RoomSummary[] {
    const since = this.#deps.clock() - this.#deps.retentionMs;
    const rooms: RoomSummary[] = [];
    for (const room of this.#deps.rooms.values()) {
      if (room.roster.size === 0 && (room.lastTs === null || room.lastTs < since)) continue;
      rooms.push({ name: room.name, topic: room.topic, members: room.roster.size, lastActivity: room.lastTs });
    }
    return rooms.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /**
   * One page of the room list: rooms named after `after`, at most `limit` (bounded by
   * MAX_ROOMS_PAGE). Rooms other nodes stored since this one started are learned from the
   * store; member counts come from presence, so they count every node's members.
   */
  async page(limit = MAX_ROOMS_PAGE, after?: string): Promise<{ rooms: RoomSummary[]; next: string | null }> {
    const size = Math.max(1, Math.min(MAX_ROOMS_PAGE, Math.floor(Number.isFinite(limit) ? limit : MAX_ROOMS_PAGE)));
    await this.#learnStoredRooms();
    const all = this.list();
    const start = after === undefined ? 0 : all.findIndex((room) => room.name > after);
    let rooms = start < 0 ? [] : all.slice(start, start + size);
    const more = start >= 0 && start + size < all.length;
    const next = more ? (rooms[rooms.length - 1]?.name ?? null) : null;
    try {
      const counts = await this.#deps.presence.counts(rooms.map((room) => room.name));
      rooms = rooms.map((room) => ({ ...room, members: Math.max(room.members, counts.get(room.name) ?? 0) }));
    } catch (error) {
      // The counts this node knows are still a useful answer while presence is unreachable.
      if (!isPortUnavailable(error)) throw error;
    }
    return { rooms, next };
  }

  async #learnStoredRooms(): Promise<void> {
    let records;
    try {
      records = await this.#deps.store.loadRooms();
    } catch (error) {
      this.#deps.onError(error);
      return;
    }
    for (const record of records) {
      if (!this.#deps.rooms.has(record.name)) (this.#deps.rooms as Map<string, Room>).set(record.name, this.#deps.newRoom(record.name, record.topic, record.lastSeq, record.lastTs));
    }
  }

  /**
   * The room's members on every node, in the order this node learned of them, or null if
   * this node knows no such room. Complete for rooms with members on this node; see membersOf.
   */
  members(roomName: string): UserRef[] | null {
    const room = this.#deps.rooms.get(roomName);
    if (!room) return null;
    return this.people(room);
  }

  /**
   * One room as every node sees it (members counted across nodes), or null if no node has it:
   * neither stored messages nor members. The default room always exists.
   */
  async find(roomName: string): Promise<RoomSummary | null> {
    if (!this.#deps.rooms.has(roomName)) await this.#learnStoredRooms();
    const users = await this.membersOf(roomName);
    const members = Array.isArray(users) ? users.length : 0;
    const room = this.#deps.rooms.get(roomName);
    const stored = room !== undefined && room.lastSeq > 0;
    if (!stored && members === 0 && roomName !== this.#deps.defaultRoom) return null;
    return { name: roomName, topic: room?.topic ?? '', members, lastActivity: room?.lastTs ?? null };
  }

  /** The room's members on every node, asking presence when this node has no member there. */
  async membersOf(roomName: string): Promise<UserRef[] | ChatError> {
    const room = this.#deps.rooms.get(roomName);
    if (room && room.members.size > 0) return this.people(room);
    try {
      return oncePerName((await this.#deps.presence.members(roomName)).map((member) => ({ id: member.id, name: member.name })));
    } catch (error) {
      if (isPortUnavailable(error)) return chatError('bus_unavailable');
      throw error;
    }
  }
}

function oncePerName(users: Iterable<UserRef>): UserRef[] {
  const seen = new Set<string>();
  const once: UserRef[] = [];
  for (const user of users) {
    if (seen.has(user.name)) continue;
    seen.add(user.name);
    once.push(user);
  }
  return once;
}
