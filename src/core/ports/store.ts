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

/** A room as export writes it and import restores it (see HistoryMaintenance.importRoom). */
export interface RoomImage {
  readonly name: string;
  readonly topic: string;
  /** The highest number the room has used, including messages since deleted. */
  readonly lastSeq: number;
  readonly lastTs: number | null;
}

/** What one call of HistoryMaintenance.importMessages did. */
export interface ImportedBatch {
  /** Messages stored. */
  readonly stored: number;
  /** Messages already stored (same room, seq and id): an import run twice stores them once. */
  readonly skipped: number;
}

/** An imported message cannot be stored without reusing or clashing with a number. */
export class ImportConflictError extends Error {
  constructor(
    readonly room: string,
    readonly seq: number,
    reason: string,
  ) {
    super(`room "${room}", message ${seq}: ${reason}`);
    this.name = 'ImportConflictError';
  }
}

/**
 * Bulk work on history for `parley export|import` and the retention job (src/data), beside the
 * Store contract. Contract (test/contracts/store-contract.ts):
 * - `exportPage` reads in ascending seq; it never changes anything.
 * - `importMessages` keeps each message's seq. A message already stored at its (room, seq) with
 *   the same id is skipped; one whose seq is not above the room's last number (another message
 *   there, or a number used before and deleted) throws ImportConflictError and stores nothing of
 *   the call. Rooms' last numbers rise to the highest seq stored. Not for use while a server
 *   writes to the same store: a running server numbers from the last seq it loaded at start.
 * - `importRoom` creates the room if absent, sets its topic, and raises (never lowers) its last
 *   seq and last time, so numbers used in the source are not used again here.
 * - `deleteOldMessages` deletes, among the room's `limit` oldest messages, those with
 *   ts < beforeTs, and returns how many; the room's last seq stays, so the next message
 *   continues the numbering.
 * - `pruneExpired` deletes login tokens whose expiry is at or before `now` and client ids
 *   older than the dedupe window; it returns the counts.
 */
export interface HistoryMaintenance {
  exportPage(room: string, afterSeq: number, limit: number, sinceTs?: number): Promise<ChatMessage[]>;
  importMessages(messages: readonly ChatMessage[]): Promise<ImportedBatch>;
  importRoom(room: RoomImage): Promise<void>;
  deleteOldMessages(room: string, beforeTs: number, limit: number): Promise<number>;
  pruneExpired(now: number): Promise<{ readonly tokens: number; readonly sends: number }>;
}

export function hasMaintenance(store: object): store is HistoryMaintenance {
  const s = store as Partial<Record<keyof HistoryMaintenance, unknown>>;
  return typeof s.exportPage === 'function' && typeof s.importMessages === 'function' && typeof s.importRoom === 'function'
    && typeof s.deleteOldMessages === 'function' && typeof s.pruneExpired === 'function';
}
