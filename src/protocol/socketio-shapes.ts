import type { SanctionView } from '../core/moderation/room-moderator.js';
import type { ModLogEntry, RoomSettings } from '../core/moderation/state.js';
import { z } from 'zod';
import type { ChatMessage, MessageKind, RoomSummary } from '../core/types.js';

/**
 * The Socket.IO door's wire shapes, shared by the gateway and (as documentation) the browser
 * client in clients/web/. docs/protocol.md "## Socket.IO" is the prose of this file; change
 * both together. Event names and payload fields are public once released: add, never rename.
 *
 * Two event sets share one connection:
 * - classic: `joinRoom` / `chatMessage` in, `message` / `roomUsers` / `error` out, as spoken
 *   by the common Socket.IO room-chat tutorials, so their clients work unchanged;
 * - rich: acknowledged requests (`hello`, `say`, `history`, ...) used by Parley's own client.
 * Every socket receives the same server events; a classic client ignores what it does not know.
 */

// Lengths here only bound the work of parsing; the core applies the real name/room/text rules
// and answers with its own error codes.
const name = z.string().max(200);
const room = z.string().max(200);
const text = z.string().max(1_000_000);
const seq = z.number().int().min(0);
// Parsing bounds only: the core says what a password may be (weak_password).
const password = z.string().max(4096);
const token = z.string().min(1).max(512);

// ---- the handshake -----------------------------------------------------------------------------

/**
 * `io(url, { auth: { token } })`: the token of an earlier login. The socket's first `hello` or
 * `joinRoom` then logs in with it (a bad token: that request fails with `bad_token`).
 */
export const HandshakeAuthSchema = z.object({ token: token.optional() });

// ---- client to server: classic ----------------------------------------------------------------

export const JoinRoomSchema = z.object({ username: name, room });
export const ChatMessageSchema = text;

// ---- client to server: rich (every one may carry an ack callback) -------------------------------

export const RICH_REQUESTS = {
  /**
   * A guest's name ({name}), a login ({name, password}) or an earlier login's token ({token});
   * with none of password/token, the handshake's `auth.token` (if any) logs in.
   */
  hello: z.object({ name: name.optional(), password: password.optional(), token: token.optional(), resume: z.string().max(200).optional() }),
  /** Registers `name` (default: the name in use) with a password, and logs in. */
  register: z.object({ name: name.optional(), password }),
  /** Logs a named guest in (renamed to the account's name). */
  login: z.object({ name, password }),
  /** Revokes this connection's token; the socket is then closed (`bye` with code `quit`). */
  logout: z.object({}).optional(),
  password: z.object({ old: password, new: password }),
  join: z.object({ room }),
  leave: z.object({ room }),
  /** `id` is the client's id for this send: a retry with the same id returns the first ack. */
  say: z.object({ room, text, action: z.boolean().optional(), id: z.string().min(1).max(64).optional() }),
  history: z.object({ room, before: seq.optional(), after: seq.optional(), limit: z.number().int().min(1).max(500).optional() }),
  msg: z.object({ to: name.min(1), text, action: z.boolean().optional() }),
  typing: z.object({ room }),
  /** One page of the room list by name: `after` is the previous page's `next`; `limit` at most 200 (the core's MAX_ROOMS_PAGE). */
  rooms: z.object({ limit: z.number().int().min(1).max(200).optional(), after: room.optional() }).optional(),
  who: z.object({ room }),
  nick: z.object({ name }),
  topic: z.object({ room, text: text.optional() }),
  /**
   * A moderation request (see docs/protocol.md): `action` as the slash command of that name;
   * `name` the user acted on; `seconds` a timed ban or mute; `setting`/`value` for `mode`.
   */
  moderate: z.object({
    room,
    action: z.enum(['op', 'deop', 'voice', 'devoice', 'kick', 'ban', 'unban', 'bans', 'mute', 'unmute', 'invite', 'mode', 'modlog']),
    name: name.min(1).optional(),
    reason: z.string().max(1000).optional(),
    seconds: z.number().int().min(1).max(366 * 86_400).optional(),
    setting: z.string().max(32).optional(),
    value: z.union([z.string().max(32), z.number().int().min(0).max(1_000_000), z.boolean()]).optional(),
    limit: z.number().int().min(1).max(200).optional(),
  }),
} as const;

export type RichRequestName = keyof typeof RICH_REQUESTS;
export type RichRequest<N extends RichRequestName> = z.infer<(typeof RICH_REQUESTS)[N]>;
export const RICH_REQUEST_NAMES = Object.keys(RICH_REQUESTS) as RichRequestName[];

/** Classic event names that clients send. */
export const CLASSIC_REQUEST_NAMES = ['joinRoom', 'chatMessage'] as const;

// ---- server to client --------------------------------------------------------------------------

/** A user as the classic protocol names it: `username`, not `name`. */
export interface WireUser {
  readonly id: string;
  readonly username: string;
  /** The member's role in the room (member lists only): owner, op or voice; absent for none. */
  readonly role?: 'owner' | 'op' | 'voice';
}

/**
 * `message`: `username`, `text`, `time` are the classic fields. A room message adds its stored
 * fields; a notice (join, leave, welcome, rename, operator line) has `system: true` instead.
 */
export interface WireMessage {
  readonly username: string;
  readonly text: string;
  /** Short server-local time, e.g. `3:07 pm`. */
  readonly time: string;
  readonly ts: number;
  readonly room: string | null;
  readonly system: boolean;
  readonly id?: string;
  readonly seq?: number;
  readonly kind?: MessageKind;
  /** The author's account id: absent for a guest. */
  readonly account?: string;
}

export interface WireRoomUsers {
  readonly room: string;
  readonly users: readonly WireUser[];
}

export interface WireTyping {
  readonly room: string;
  readonly user: WireUser;
}

export interface WirePrivate {
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly text: string;
  readonly action: boolean;
  readonly ts: number;
  readonly time: string;
}

export interface WireError {
  readonly code: string;
  readonly text: string;
  /** With `rate_limited`: milliseconds until a retry may pass. */
  readonly retryAfterMs?: number;
}

/** The answer to an acknowledged request. */
export type Ack<T extends object = Record<string, unknown>> = ({ readonly ok: true } & T) | { readonly ok: false; readonly error: WireError };

/** What each rich request's ack carries when it succeeds. */
export interface RichReplies {
  /** `account` and `token` when the hello logged in. */
  hello: { name: string; resume: string; room: string; topic: string; users: WireUser[]; history: ChatMessage[]; account?: string; token?: string };
  /** On an unnamed socket: the hello reply (with `account` and `token`); on a named one, just these three. */
  register: RichReplies['hello'] | AccountReply;
  login: RichReplies['hello'] | AccountReply;
  logout: Record<string, never>;
  password: AccountReply;
  join: { room: string; topic: string; users: WireUser[]; history: ChatMessage[]; fresh: boolean };
  leave: { room: string };
  say: { message: ChatMessage };
  history: { room: string; messages: ChatMessage[] };
  msg: { id: string; to: string; ts: number };
  typing: Record<string, never>;
  rooms: { rooms: RoomSummary[]; next: string | null };
  who: { room: string; users: WireUser[] };
  nick: { from: string; to: string };
  topic: { room: string; topic: string };
  /** By action: the log entry of what was done; `bans`: bans and mutes; `mode` alone: settings; `modlog`: entries. */
  moderate: { entry: ModLogEntry } | { room: string; bans: SanctionView[]; mutes: SanctionView[] } | { room: string; settings: RoomSettings } | { room: string; entries: ModLogEntry[] };
}

/** A (new) login token of the socket's account. */
export interface AccountReply {
  name: string;
  account: string;
  token: string;
}

export interface ServerEvents {
  message: (message: WireMessage) => void;
  roomUsers: (roomUsers: WireRoomUsers) => void;
  typing: (typing: WireTyping) => void;
  private: (message: WirePrivate) => void;
  error: (error: WireError) => void;
  /** The server is closing the connection, and why. */
  bye: (bye: { reason: string; code?: string }) => void;
}
