import { MemoryAccounts } from '../core/ports/accounts-memory.js';
import type { ModLogEntry, RoomModeration } from '../core/moderation/state.js';
import { MemoryModeration } from '../core/ports/moderation-memory.js';
import type { ModerationStore, VersionedModeration } from '../core/ports/moderation.js';
import type { ChatMessage, HistoryQuery } from '../core/types.js';
import { clampLimit, DEDUPE_WINDOW_MS, isRetryOf, type Appended, type MessageDraft, type RoomRecord, type Store } from './store.js';

interface RoomState {
  topic: string;
  lastSeq: number;
  lastTs: number | null;
  messages: ChatMessage[];
}

/**
 * A store that keeps history in memory only: for tests of the core and for running without
 * a disk. Passes the same contract as the SQLite store, except surviving a restart.
 */
export class MemoryStore extends MemoryAccounts implements Store, ModerationStore {
  readonly #moderation = new MemoryModeration();
  readonly #rooms = new Map<string, RoomState>();
  /** `${authorKey}\n${clientId}` -> the message it sent. */
  readonly #sends = new Map<string, ChatMessage>();
  #closed = false;

  async loadRooms(): Promise<RoomRecord[]> {
    return [...this.#rooms].map(([name, r]) => ({ name, topic: r.topic, lastSeq: r.lastSeq, lastTs: r.lastTs }));
  }

  async append(draft: MessageDraft): Promise<Appended> {
    if (this.#closed) throw new Error('store is closed');
    const key = draft.dedupe ? `${draft.dedupe.authorKey}\n${draft.dedupe.clientId}` : null;
    const earlier = key === null ? undefined : this.#sends.get(key);
    if (earlier && draft.ts - earlier.ts < DEDUPE_WINDOW_MS && isRetryOf(earlier, draft)) {
      return { message: earlier, duplicate: true };
    }
    let room = this.#rooms.get(draft.room);
    if (!room) this.#rooms.set(draft.room, (room = { topic: '', lastSeq: 0, lastTs: null, messages: [] }));
    const { dedupe: _dedupe, ...fields } = draft;
    const message: ChatMessage = { ...fields, seq: room.lastSeq + 1 };
    room.messages.push(message);
    room.lastSeq = message.seq;
    room.lastTs = message.ts;
    if (message.kind === 'topic') room.topic = message.text;
    if (key !== null) this.#sends.set(key, message);
    return { message, duplicate: false };
  }

  async history(roomName: string, query: HistoryQuery): Promise<ChatMessage[]> {
    const messages = this.#rooms.get(roomName)?.messages ?? [];
    const limit = clampLimit(query.limit);
    if (query.after !== undefined) {
      const after = query.after;
      return messages.filter((m) => m.seq > after).slice(0, limit);
    }
    const before = query.before;
    const older = before === undefined ? messages : messages.filter((m) => m.seq < before);
    return older.slice(-limit);
  }

  async ping(): Promise<void> {
    if (this.#closed) throw new Error('store is closed');
  }

  async flush(): Promise<void> {}

  moderationOf(room: string): Promise<VersionedModeration> {
    return this.#moderation.moderationOf(room);
  }

  saveModeration(room: string, state: RoomModeration, version: number): Promise<boolean> {
    return this.#moderation.saveModeration(room, state, version);
  }

  appendModLog(entry: ModLogEntry): Promise<void> {
    return this.#moderation.appendModLog(entry);
  }

  modLog(room: string | null, limit: number): Promise<ModLogEntry[]> {
    return this.#moderation.modLog(room, limit);
  }

  async close(): Promise<void> {
    this.#closed = true;
  }
}
