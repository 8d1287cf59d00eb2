import { EMPTY_MODERATION, type ModLogEntry, type RoomModeration } from '../moderation/state.js';
import { clampModLogLimit, type ModerationStore, type VersionedModeration } from './moderation.js';

/** Moderation kept in this process only: for tests and the memory store. */
export class MemoryModeration implements ModerationStore {
  readonly #rooms = new Map<string, VersionedModeration>();
  readonly #log: ModLogEntry[] = [];

  async moderationOf(room: string): Promise<VersionedModeration> {
    return this.#rooms.get(room) ?? { state: EMPTY_MODERATION, version: 0 };
  }

  async saveModeration(room: string, state: RoomModeration, version: number): Promise<boolean> {
    if ((this.#rooms.get(room)?.version ?? 0) !== version) return false;
    // A deep copy, as a database would keep: later changes to the caller's object are not stored.
    this.#rooms.set(room, { state: structuredClone(state), version: version + 1 });
    return true;
  }

  async appendModLog(entry: ModLogEntry): Promise<void> {
    this.#log.push({ ...entry });
  }

  async modLog(room: string | null, limit: number): Promise<ModLogEntry[]> {
    const wanted = this.#log.filter((e) => room === null || e.room === room);
    return wanted.slice(-clampModLogLimit(limit)).reverse();
  }
}
