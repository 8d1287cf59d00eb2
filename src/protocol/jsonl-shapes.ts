import { z } from 'zod';
import type { SanctionView } from '../core/moderation/room-moderator.js';
import type { ModLogEntry, RoomSettings } from '../core/moderation/state.js';
import type { ChatMessage, RoomSummary, UserRef } from '../core/types.js';

/**
 * The JSON-lines protocol's shapes, shared by the TCP gateway and the CLI client.
 * docs/protocol.md is the prose of this file; change both together.
 */
const requestId = z.union([z.string().max(64), z.number().finite()]).optional();
const room = z.string().min(1).max(200);
const text = z.string().max(1_000_000);
// Bounds on parsing only; the core says what a password may be (weak_password).
const password = z.string().max(4096);
const token = z.string().min(1).max(512);
const userName = z.string().min(1).max(200);
const reason = z.string().max(1000);
const seconds = z.number().int().min(1).max(366 * 86_400);

export const JsonRequestSchema = z.discriminatedUnion('type', [
  // `hello` names the session as a guest ({name}), logs in ({name, password}) or comes back
  // with the token of an earlier login ({token}); protocol/jsonl.ts picks which.
  z.object({ type: z.literal('hello'), id: requestId, name: z.string().max(200).optional(), password: password.optional(), token: token.optional(), room: room.optional() }),
  z.object({ type: z.literal('register'), id: requestId, name: z.string().max(200).optional(), password, room: room.optional() }),
  z.object({ type: z.literal('login'), id: requestId, name: z.string().max(200), password, room: room.optional() }),
  z.object({ type: z.literal('logout'), id: requestId }),
  z.object({ type: z.literal('password'), id: requestId, old: password, new: password }),
  z.object({ type: z.literal('join'), id: requestId, room }),
  z.object({ type: z.literal('leave'), id: requestId, room }),
  z.object({ type: z.literal('say'), id: requestId, room, text }),
  z.object({ type: z.literal('action'), id: requestId, room, text }),
  z.object({ type: z.literal('msg'), id: requestId, to: z.string().min(1).max(200), text, action: z.boolean().optional() }),
  z.object({ type: z.literal('nick'), id: requestId, name: z.string().max(200) }),
  z.object({ type: z.literal('topic'), id: requestId, room, text: text.optional() }),
  z.object({ type: z.literal('who'), id: requestId, room }),
  // A page of rooms by name: at most 200 (a larger limit is served as 200); `after` is the
  // previous page's `next`.
  z.object({ type: z.literal('rooms'), id: requestId, limit: z.number().int().min(1).max(1_000_000).optional(), after: z.string().max(200).optional() }),
  z.object({
    type: z.literal('history'),
    id: requestId,
    room,
    before: z.number().int().min(0).optional(),
    after: z.number().int().min(0).optional(),
    limit: z.number().int().min(1).max(500).optional(),
  }),
  z.object({ type: z.literal('typing'), id: requestId, room }),
  z.object({ type: z.literal('command'), id: requestId, line: z.string().max(1_000_000) }),
  // Moderation (operators of `room`; see docs/protocol.md). `seconds`: a timed ban or mute.
  ...(['op', 'deop', 'voice', 'devoice', 'unban', 'unmute', 'invite'] as const).map((t) => z.object({ type: z.literal(t), id: requestId, room, name: userName })),
  z.object({ type: z.literal('kick'), id: requestId, room, name: userName, reason: reason.optional() }),
  z.object({ type: z.literal('ban'), id: requestId, room, name: userName, seconds: seconds.optional(), reason: reason.optional() }),
  z.object({ type: z.literal('mute'), id: requestId, room, name: userName, seconds: seconds.optional(), reason: reason.optional() }),
  z.object({ type: z.literal('bans'), id: requestId, room }),
  z.object({ type: z.literal('mode'), id: requestId, room, setting: z.string().max(32).optional(), value: z.union([z.string().max(32), z.number().int().min(0).max(1_000_000), z.boolean()]).optional() }),
  z.object({ type: z.literal('modlog'), id: requestId, room, limit: z.number().int().min(1).max(200).optional() }),
  z.object({ type: z.literal('help'), id: requestId }),
  z.object({ type: z.literal('ping'), id: requestId }),
  z.object({ type: z.literal('quit'), id: requestId, reason: z.string().max(500).optional() }),
]);

export type JsonRequest = z.infer<typeof JsonRequestSchema>;
export type JsonRequestType = JsonRequest['type'];
export const JSON_REQUEST_TYPES: readonly JsonRequestType[] = JsonRequestSchema.options.map((o) => o.shape.type.value);

type Re = { re: string | number | null };

export interface HelpEntry {
  readonly usage: string;
  readonly summary: string;
}

/** Everything the server sends in JSON-lines mode. */
export type JsonServerMessage =
  | (Re & { type: 'welcome'; name: string; room: string; topic: string; users: UserRef[]; history: ChatMessage[]; account?: string; token?: string })
  | (Re & { type: 'account'; name: string; account: string; token: string })
  | (Re & { type: 'joined'; room: string; topic: string; users: UserRef[]; history: ChatMessage[] })
  | (Re & { type: 'left'; room: string })
  | (Re & { type: 'ack'; message: ChatMessage })
  | (Re & { type: 'private_sent'; id: string; to: string; ts: number })
  | (Re & { type: 'renamed'; from: string; to: string })
  | (Re & { type: 'topic'; room: string; topic: string })
  | (Re & { type: 'who'; room: string; users: UserRef[] })
  | (Re & { type: 'rooms'; rooms: RoomSummary[]; next: string | null })
  | (Re & { type: 'history'; room: string; messages: ChatMessage[] })
  | (Re & { type: 'help'; commands: HelpEntry[] })
  | (Re & { type: 'ok' })
  | (Re & { type: 'pong' })
  | (Re & { type: 'bye'; reason: string; code?: string })
  | (Re & { type: 'error'; code: string; text: string; retryAfterMs?: number })
  | (Re & { type: 'moderated'; entry: ModLogEntry })
  | (Re & { type: 'bans'; room: string; bans: SanctionView[]; mutes: SanctionView[] })
  | (Re & { type: 'modes'; room: string; settings: RoomSettings })
  | (Re & { type: 'modlog'; room: string; entries: ModLogEntry[] })
  | { type: 'moderation'; entry: ModLogEntry }
  | { type: 'message'; message: ChatMessage }
  | { type: 'join'; room: string; user: UserRef }
  | { type: 'leave'; room: string; user: UserRef; reason: string }
  | { type: 'rename'; from: string; to: string }
  | { type: 'typing'; room: string; user: UserRef }
  | { type: 'private'; id: string; from: string; to: string; text: string; action: boolean; ts: number }
  | { type: 'broadcast'; from: string; text: string; ts: number };
