import type { ChatMessage, HistoryQuery } from '../core/types.js';

/** What the store remembers of a room between runs. */
export interface RoomRecord {
  readonly name: string;
  readonly topic: string;
  /** Highest sequence number stored for the room; 0 when it has no messages. */
  readonly lastSeq: number;
  /** Timestamp of the last stored message, or null. */
  readonly lastTs: number | null;
}

/**
 * History storage. Contract (checked by test/store-contract.ts for every implementation):
 * - `append` resolves only once the message is durable; a rejected append stored nothing.
 * - Appends are committed in call order; promises resolve in that order.
 * - `history` returns messages in ascending `seq` order: the newest `limit` ones matching
 *   the query, or with `after` the oldest `limit` ones after it.
 * - A topic message also sets the room's topic.
 */
export interface Store {
  loadRooms(): Promise<RoomRecord[]>;
  append(message: ChatMessage): Promise<void>;
  history(room: string, query: HistoryQuery): Promise<ChatMessage[]>;
  /** Resolves when the store can serve; rejects with the reason otherwise. */
  ping(): Promise<void>;
  /** Commits everything appended so far. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export const DEFAULT_HISTORY_LIMIT = 50;
export const MAX_HISTORY_LIMIT = 500;

export function clampLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return DEFAULT_HISTORY_LIMIT;
  return Math.max(1, Math.min(MAX_HISTORY_LIMIT, Math.floor(limit)));
}
