import type { Disconnect } from './disconnect.js';
import type { ChatError } from './errors.js';
import type { ModLogEntry, RoomSettings } from './moderation/state.js';
import type { SanctionView } from './moderation/room-moderator.js';

/** chat: a plain line; action: /me; topic: a topic change (stored, sequenced like chat). */
export type MessageKind = 'chat' | 'action' | 'topic';

/**
 * A room message as stored and delivered. Persisted fields stay stable once written:
 * `seq` is strictly increasing per room, and every member receives a room's messages
 * in `seq` order.
 */
export interface ChatMessage {
  readonly id: string;
  readonly room: string;
  readonly seq: number;
  readonly kind: MessageKind;
  readonly author: string;
  readonly text: string;
  /** Server time, milliseconds since the epoch. */
  readonly ts: number;
  /** The author's account id when the author was logged in (or a bot); absent for a guest. */
  readonly account?: string;
}

export interface RoomSummary {
  readonly name: string;
  readonly topic: string;
  readonly members: number;
  /** Time of the last stored message, or null when the room has none. */
  readonly lastActivity: number | null;
}

export interface UserRef {
  /** Session id, stable for the life of a connection. */
  readonly id: string;
  readonly name: string;
  /** The user's role in the room, in member lists (who, joined); absent for none. */
  readonly role?: MemberRole;
}

/** A member's role in a room: owner (or a server admin), operator, voiced. */
export type MemberRole = 'owner' | 'op' | 'voice';

/** What the core asks a door to deliver. Events carry no recipient: the door is told whom. */
export type ChatEvent =
  | { readonly type: 'message'; readonly message: ChatMessage }
  | { readonly type: 'join'; readonly room: string; readonly user: UserRef }
  | { readonly type: 'leave'; readonly room: string; readonly user: UserRef; readonly reason: string }
  | { readonly type: 'rename'; readonly from: string; readonly to: string; readonly id: string }
  | {
      readonly type: 'private';
      readonly id: string;
      readonly from: string;
      readonly to: string;
      readonly text: string;
      readonly action: boolean;
      readonly ts: number;
    }
  | { readonly type: 'typing'; readonly room: string; readonly user: UserRef }
  /** A line from the operator or the server itself to everyone. */
  | { readonly type: 'broadcast'; readonly from: string; readonly text: string; readonly ts: number }
  /** An operator acted in the room (kick, ban, mode...): told to its members and the user acted on. */
  | { readonly type: 'moderation'; readonly entry: ModLogEntry }
  /** The server is closing this session; the door says why, then closes. */
  | ({ readonly type: 'disconnect' } & Disconnect);

export type HistoryQuery = {
  readonly before?: number;
  readonly after?: number;
  readonly limit?: number;
};

/** What one session asks of the chat. Every door decodes its input into these. */
export type Command =
  /** Names the session and puts it in `room` (default: the chat's default room). */
  | { readonly type: 'register'; readonly name: string; readonly room?: string }
  | { readonly type: 'join'; readonly room: string }
  | { readonly type: 'leave'; readonly room: string; readonly reason?: string }
  /**
   * `clientId` makes a retry safe: a second send with the same client id, author, room and
   * text returns the first one's stored message instead of storing it again (see Store).
   */
  | { readonly type: 'say'; readonly room: string; readonly text: string; readonly clientId?: string }
  | { readonly type: 'action'; readonly room: string; readonly text: string; readonly clientId?: string }
  | { readonly type: 'typing'; readonly room: string }
  | { readonly type: 'msg'; readonly to: string; readonly text: string; readonly action?: boolean }
  | { readonly type: 'nick'; readonly name: string }
  | { readonly type: 'topic'; readonly room: string; readonly text?: string }
  | { readonly type: 'who'; readonly room: string }
  /** One page of the room list, by name; `after` is the previous page's `next`. */
  | { readonly type: 'rooms'; readonly limit?: number; readonly after?: string }
  | { readonly type: 'history'; readonly room: string; readonly query: HistoryQuery }
  | { readonly type: 'quit'; readonly reason?: string }
  /**
   * Logs in with a password (`peer`: the address, for throttling; `secure`: the connection is
   * encrypted or local, so a password may cross it). Unnamed: also registers the session in
   * `room`. Named guest: the session becomes the account (renamed to its name).
   */
  | { readonly type: 'login'; readonly name: string; readonly password: string; readonly room?: string; readonly peer?: string; readonly secure?: boolean }
  /** Logs in with a token from an earlier login. */
  | { readonly type: 'resume'; readonly token: string; readonly room?: string; readonly peer?: string }
  /** Registers an account: `name`, or the session's current name, with a password; then as login. */
  | { readonly type: 'signup'; readonly password: string; readonly name?: string; readonly room?: string; readonly peer?: string; readonly secure?: boolean }
  /** Revokes this connection's token and ends the session. */
  | { readonly type: 'logout' }
  | { readonly type: 'password'; readonly old: string; readonly new: string; readonly peer?: string; readonly secure?: boolean }
  // ---- moderation (issue 10): operators of `room` act on the user called `name` ----
  /** /op, /deop, /voice, /devoice. */
  | { readonly type: 'role'; readonly room: string; readonly name: string; readonly role: 'op' | 'voice'; readonly grant: boolean }
  | { readonly type: 'kick'; readonly room: string; readonly name: string; readonly reason?: string }
  /** No `durationMs`: until /unban. */
  | { readonly type: 'ban'; readonly room: string; readonly name: string; readonly durationMs?: number; readonly reason?: string }
  | { readonly type: 'unban'; readonly room: string; readonly name: string }
  | { readonly type: 'bans'; readonly room: string }
  | { readonly type: 'mute'; readonly room: string; readonly name: string; readonly durationMs?: number; readonly reason?: string }
  | { readonly type: 'unmute'; readonly room: string; readonly name: string }
  | { readonly type: 'invite'; readonly room: string; readonly name: string }
  /** Without `setting`: shows the room's settings. With it: sets it to `value` (operators). */
  | { readonly type: 'mode'; readonly room: string; readonly setting?: string; readonly value?: string }
  | { readonly type: 'modlog'; readonly room: string; readonly limit?: number };

export type CommandType = Command['type'];

/** The answer to one command, sent only to the session that issued it. */
export type Reply =
  | {
      readonly type: 'registered';
      readonly name: string;
      readonly joined: JoinedReply;
      /** Set when the session registered by logging in: the account id and the token to come back with. */
      readonly account?: string;
      readonly token?: string;
    }
  | JoinedReply
  | { readonly type: 'left'; readonly room: string }
  /** `replayed`: a retry (same client id) answered with the first send's message. */
  | { readonly type: 'sent'; readonly message: ChatMessage; readonly replayed?: boolean }
  | { readonly type: 'private_sent'; readonly id: string; readonly to: string; readonly ts: number }
  | { readonly type: 'renamed'; readonly from: string; readonly to: string }
  | { readonly type: 'topic'; readonly room: string; readonly topic: string; readonly message?: ChatMessage }
  | { readonly type: 'who'; readonly room: string; readonly users: readonly UserRef[] }
  | RoomsReply
  | { readonly type: 'history'; readonly room: string; readonly messages: readonly ChatMessage[] }
  | { readonly type: 'typing' }
  | { readonly type: 'bye' }
  /** A named session logged in, signed up or changed its password: its (new) token. */
  | { readonly type: 'account'; readonly name: string; readonly account: string; readonly token: string }
  /** A moderation action was done: what the log recorded. */
  | { readonly type: 'moderated'; readonly entry: ModLogEntry }
  | { readonly type: 'bans'; readonly room: string; readonly bans: readonly SanctionView[]; readonly mutes: readonly SanctionView[] }
  | { readonly type: 'modes'; readonly room: string; readonly settings: RoomSettings }
  | { readonly type: 'modlog'; readonly room: string; readonly entries: readonly ModLogEntry[] };

export interface RoomsReply {
  readonly type: 'rooms';
  readonly rooms: readonly RoomSummary[];
  /** Pass as `after` for the next page; null on the last page. */
  readonly next: string | null;
}

export interface JoinedReply {
  readonly type: 'joined';
  readonly room: string;
  readonly topic: string;
  readonly users: readonly UserRef[];
  /** The room's latest messages, oldest first. */
  readonly history: readonly ChatMessage[];
  /** False when the session was already in the room. */
  readonly fresh: boolean;
}

export type Outcome = { readonly ok: true; readonly reply: Reply } | { readonly ok: false; readonly error: ChatError };
