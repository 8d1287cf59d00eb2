import type { ModLogEntry, RoomModeration } from '../moderation/state.js';

export interface VersionedModeration {
  readonly state: RoomModeration;
  /** 0 when nothing is stored for the room yet. */
  readonly version: number;
}

/** At most this many log entries per read. */
export const MAX_MODLOG_PAGE = 200;

/**
 * Where room moderation is kept. Contract (test/contracts/moderation-contract.ts, on every
 * implementation):
 * - `moderationOf` returns the room's last saved state and its version, or EMPTY_MODERATION
 *   with version 0 when none was saved.
 * - `saveModeration(room, state, version)` stores `state` as version `version + 1` only if the
 *   stored version is still `version` (0: nothing stored) and returns true; otherwise stores
 *   nothing and returns false, so two nodes changing one room cannot lose each other's change.
 * - `appendModLog` keeps an entry; `modLog(room, limit)` returns the room's newest `limit`
 *   entries (null room: every room's), newest first, `limit` clamped to 1..MAX_MODLOG_PAGE.
 * - Everything survives a restart (except in the memory store).
 */
export interface ModerationStore {
  moderationOf(room: string): Promise<VersionedModeration>;
  saveModeration(room: string, state: RoomModeration, version: number): Promise<boolean>;
  appendModLog(entry: ModLogEntry): Promise<void>;
  modLog(room: string | null, limit: number): Promise<ModLogEntry[]>;
}

export function clampModLogLimit(limit: number): number {
  if (!Number.isFinite(limit)) return 50;
  return Math.max(1, Math.min(MAX_MODLOG_PAGE, Math.floor(limit)));
}

export function hasModeration(store: object): store is ModerationStore {
  return typeof (store as Partial<ModerationStore>).moderationOf === 'function' && typeof (store as Partial<ModerationStore>).appendModLog === 'function';
}
