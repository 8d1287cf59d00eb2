/**
 * A room's moderation state as stored: one document per room, written whole under a version
 * check (see ModerationStore). Names are kept by their folded key (core/names.ts foldName).
 * Persisted: field names and meanings stay stable once written; add fields as optional.
 */
export type RoomRole = 'op' | 'voice';

/** A ban or a mute. A guest's also matches its address, so another name does not escape it. */
export interface Sanction {
  readonly key: string;
  /** The name as it was shown when the sanction was made. */
  readonly name: string;
  /** The guest's peer address; null for an account (its name is the account's). */
  readonly address: string | null;
  readonly by: string;
  readonly reason: string;
  readonly at: number;
  /** When it ends (milliseconds since the epoch); null: until lifted. */
  readonly until: number | null;
}

export interface RoomSettings {
  /** Only operators may change the topic. */
  readonly topicLock: boolean;
  /** Only invited users (and operators) may join. */
  readonly inviteOnly: boolean;
  /** Only voiced users and operators may speak. */
  readonly moderated: boolean;
  /** Seconds a user waits between messages; 0: off. Operators and voiced users are exempt. */
  readonly slowmode: number;
  /** Most members at once; 0: no limit. Operators may always join. */
  readonly limit: number;
}

export interface RoomModeration {
  /** Folded name of the account that created the room while logged in; null if none. */
  readonly owner: string | null;
  /** Folded account name -> role. The owner is not listed here. */
  readonly roles: Readonly<Record<string, RoomRole>>;
  readonly bans: readonly Sanction[];
  readonly mutes: readonly Sanction[];
  /** Folded names invited into an invite-only room. */
  readonly invites: readonly string[];
  readonly settings: RoomSettings;
}

export const DEFAULT_SETTINGS: RoomSettings = { topicLock: false, inviteOnly: false, moderated: false, slowmode: 0, limit: 0 };

export const EMPTY_MODERATION: RoomModeration = { owner: null, roles: {}, bans: [], mutes: [], invites: [], settings: DEFAULT_SETTINGS };

/** What a moderation action did, recorded in the room's action log. */
export type ModAction =
  | 'op'
  | 'deop'
  | 'voice'
  | 'devoice'
  | 'kick'
  | 'ban'
  | 'unban'
  | 'mute'
  | 'unmute'
  | 'invite'
  | 'mode'
  | 'owner';

/** One line of the action log: who did what to whom, when and why. */
export interface ModLogEntry {
  readonly id: string;
  readonly room: string;
  readonly ts: number;
  readonly actor: string;
  readonly action: ModAction;
  /** The user acted on; '' for a room setting. */
  readonly target: string;
  readonly reason: string;
  /** For a timed ban or mute, when it ends; for `mode`, the setting as `name=value`. */
  readonly detail: string;
}
