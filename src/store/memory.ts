import { MemoryAccounts } from '../core/ports/accounts-memory.js';
import type { TokenRecord } from '../core/ports/accounts.js';
import type { ModLogEntry, RoomModeration } from '../core/moderation/state.js';
import { MemoryModeration } from '../core/ports/moderation-memory.js';
import type { ModerationStore, VersionedModeration } from '../core/ports/moderation.js';
import type { ChatMessage, HistoryQuery } from '../core/types.js';
import {
  clampLimit,
  DEDUPE_WINDOW_MS,
  ImportConflictError,
  isRetryOf,
  type Appended,
  type HistoryMaintenance,
  type ImportedBatch,
  type MessageDraft,
  type RoomImage,
  type RoomRecord,
  type Store,
} from './store.js';

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
export class MemoryStore extends MemoryAccounts implements Store, HistoryMaintenance, ModerationStore {
  readonly #moderation = new MemoryModeration();
  readonly #rooms = new Map<string, RoomState>();
  /** `${authorKey}\n${clientId}` -> the message it sent. */
  readonly #sends = new Map<string, ChatMessage>();
  /** Tokens that expire, by id, so pruneExpired can find them (MemoryAccounts keeps its own list private). */
  readonly #expiring = new Map<string, number>();
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

  override async addToken(token: TokenRecord): Promise<void> {
    await super.addToken(token);
    if (token.expiresAt !== null) this.#expiring.set(token.id, token.expiresAt);
  }

  #room(name: string): RoomState {
    let room = this.#rooms.get(name);
    if (!room) this.#rooms.set(name, (room = { topic: '', lastSeq: 0, lastTs: null, messages: [] }));
    return room;
  }

  async exportPage(roomName: string, afterSeq: number, limit: number, sinceTs?: number): Promise<ChatMessage[]> {
    const messages = this.#rooms.get(roomName)?.messages ?? [];
    return messages.filter((m) => m.seq > afterSeq && (sinceTs === undefined || m.ts >= sinceTs)).slice(0, limit);
  }

  async importMessages(messages: readonly ChatMessage[]): Promise<ImportedBatch> {
    // Checked in full before anything is stored: a conflict stores nothing of the call.
    const raised = new Map<string, number>();
    const fresh: ChatMessage[] = [];
    let skipped = 0;
    for (const m of messages) {
      const existing = this.#rooms.get(m.room)?.messages.find((s) => s.seq === m.seq);
      if (existing) {
        if (existing.id !== m.id) throw new ImportConflictError(m.room, m.seq, `another message (${existing.id}) already has this number`);
        skipped++;
        continue;
      }
      const last = raised.get(m.room) ?? this.#rooms.get(m.room)?.lastSeq ?? 0;
      if (m.seq <= last) throw new ImportConflictError(m.room, m.seq, `the room has already used numbers up to ${last}`);
      raised.set(m.room, m.seq);
      fresh.push(m);
    }
    for (const m of fresh) {
      const room = this.#room(m.room);
      room.messages.push(m);
      room.lastSeq = m.seq;
      room.lastTs = Math.max(room.lastTs ?? m.ts, m.ts);
      if (m.kind === 'topic') room.topic = m.text;
    }
    return { stored: fresh.length, skipped };
  }

  async importRoom(image: RoomImage): Promise<void> {
    const room = this.#room(image.name);
    room.topic = image.topic;
    room.lastSeq = Math.max(room.lastSeq, image.lastSeq);
    if (image.lastTs !== null) room.lastTs = Math.max(room.lastTs ?? image.lastTs, image.lastTs);
  }

  async deleteOldMessages(roomName: string, beforeTs: number, limit: number): Promise<number> {
    const room = this.#rooms.get(roomName);
    if (!room) return 0;
    const oldest = room.messages.slice(0, limit);
    const doomed = new Set(oldest.filter((m) => m.ts < beforeTs));
    room.messages = room.messages.filter((m) => !doomed.has(m));
    return doomed.size;
  }

  async pruneExpired(now: number): Promise<{ tokens: number; sends: number }> {
    let tokens = 0;
    for (const [id, expiresAt] of this.#expiring) {
      if (expiresAt > now) continue;
      this.#expiring.delete(id);
      await this.deleteToken(id);
      tokens++;
    }
    let sends = 0;
    for (const [key, message] of this.#sends) {
      if (message.ts >= now - DEDUPE_WINDOW_MS) continue;
      this.#sends.delete(key);
      sends++;
    }
    return { tokens, sends };
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
