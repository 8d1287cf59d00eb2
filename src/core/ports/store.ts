import type { ChatMessage, HistoryQuery, MessageKind } from '../types.js';

/** What the store remembers of a room between runs. */
export interface RoomRecord {
  readonly name: string;
  readonly topic: string;
  /** Highest sequence number stored for the room; 0 when it has no messages. */
  readonly lastSeq: number;
  /** Timestamp of the last stored message, or null. */
  readonly lastTs: number | null;
}

/** A message before the store has numbered it. */
export interface MessageDraft {
  readonly id: string;
  readonly room: string;
  readonly kind: MessageKind;
  readonly author: string;
  readonly text: string;
  /** Server time, milliseconds since the epoch; also the time the dedupe window counts from. */
  readonly ts: number;
  /** The author's account id when logged in (or a bot); stored with the message. */
  readonly account?: string;
  /** Makes a retry safe; see Store.append. */
  readonly dedupe?: { readonly authorKey: string; readonly clientId: string };
}

export interface Appended {
  readonly message: ChatMessage;
  /** True when this was a retry: `message` is the one stored by the first send. */
  readonly duplicate: boolean;
}

/** How long a client id is remembered for retries. */
export const DEDUPE_WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * History storage. Contract (checked by test/contracts/store-contract.ts for every
 * implementation):
 * - `append` numbers the message: its `seq` is the room's last + 1, assigned in the same
 *   transaction that stores it, so numbers have no gaps and no two messages share one.
 * - `append` resolves only once the message is durable; a rejected append stored nothing.
 * - Appends are committed in call order; promises resolve in that order.
 * - A draft with `dedupe` whose (authorKey, clientId) was stored less than DEDUPE_WINDOW_MS
 *   before, for the same room and text, is not stored again: the first message is returned
 *   with `duplicate: true`. Same key with another room or text is a new message (the key then
 *   names the new one). This holds across restarts.
 * - `history` returns messages in ascending `seq` order: the newest `limit` ones matching
 *   the query, or with `after` the oldest `limit` ones after it.
 * - A topic message also sets the room's topic.
 */
export interface Store {
  loadRooms(): Promise<RoomRecord[]>;
  append(draft: MessageDraft): Promise<Appended>;
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

/** Whether a remembered send is the same as a new draft, so the draft is a retry. */
export function isRetryOf(stored: ChatMessage, draft: MessageDraft): boolean {
  return stored.room === draft.room && stored.text === draft.text && stored.kind === draft.kind;
}
