import type { ChatMessage, HistoryQuery } from '../core/types.js';
import { clampLimit, type RoomRecord, type Store } from './store.js';

/**
 * A store that keeps history in memory only: for tests of the core and for running without
 * a disk. Passes the same contract as the SQLite store, except surviving a restart.
 */
export class MemoryStore implements Store {
  readonly #rooms = new Map<string, { topic: string; lastSeq: number; lastTs: number | null; messages: ChatMessage[] }>();
  #closed = false;

  async loadRooms(): Promise<RoomRecord[]> {
    return [...this.#rooms].map(([name, r]) => ({ name, topic: r.topic, lastSeq: r.lastSeq, lastTs: r.lastTs }));
  }

  async append(message: ChatMessage): Promise<void> {
    if (this.#closed) throw new Error('store is closed');
    let room = this.#rooms.get(message.room);
    if (!room) this.#rooms.set(message.room, (room = { topic: '', lastSeq: 0, lastTs: null, messages: [] }));
    const last = room.messages[room.messages.length - 1];
    if (last && last.seq >= message.seq) throw new Error(`seq ${message.seq} is not after ${last.seq} in ${message.room}`);
    room.messages.push(message);
    room.lastSeq = message.seq;
    room.lastTs = message.ts;
    if (message.kind === 'topic') room.topic = message.text;
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

  async close(): Promise<void> {
    this.#closed = true;
  }
}
