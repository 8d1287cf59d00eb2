import { z } from 'zod';
import { MAX_ROOMS_PAGE } from '../../core/chat.js';
import { MAX_HISTORY_LIMIT, DEFAULT_HISTORY_LIMIT } from '../../store/store.js';

/**
 * The HTTP API's shapes. Input lengths only bound parsing work; the core applies the name,
 * room and text rules and answers with its own error codes. Output shapes mirror the core's
 * types (ChatMessage, RoomSummary, UserRef) and are the OpenAPI document's response schemas.
 */

export const ErrorSchema = z
  .object({ error: z.object({ code: z.string().describe('Stable error code'), message: z.string() }) })
  .describe('An error');

export const RoomParams = z.object({ room: z.string().min(1).max(200).describe('Room name; a leading # is optional') });

const seq = z.coerce.number().int().min(0);

export const HistoryQuerySchema = z
  .object({
    before: seq.optional().describe('Only messages with a smaller sequence number (page backwards)'),
    after: seq.optional().describe('Only messages with a greater sequence number (page forwards)'),
    limit: z.coerce.number().int().min(1).max(MAX_HISTORY_LIMIT).default(DEFAULT_HISTORY_LIMIT).describe('Page size'),
  })
  .describe('Without `after`: the newest `limit` messages before `before`. With `after`: the oldest `limit` after it.');

export const RoomsQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(MAX_ROOMS_PAGE).default(MAX_ROOMS_PAGE).describe(`Page size (at most ${MAX_ROOMS_PAGE})`),
    after: z.string().min(1).max(200).optional().describe("Only rooms named after this one: the previous page's `next`"),
  })
  .describe('Rooms by name, one page at a time.');

/**
 * `Idempotency-Key`: 1 to 128 visible ASCII characters. A retry with the same key, bot,
 * room and text (within 24 h, across restarts) returns the first post's message.
 */
export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,128}$/;

/** Loose: the other headers pass through untouched (Fastify keeps what the validator returns). */
export const PostMessageHeaders = z.looseObject({
  'idempotency-key': z
    .string()
    .regex(IDEMPOTENCY_KEY, 'must be 1 to 128 visible ASCII characters')
    .optional()
    .describe('Makes a retry safe: the same key, author, room and text within 24 h returns the first message (200, Idempotent-Replayed: true)'),
});

export const PostMessageBody = z.object({
  author: z.string().min(1).max(200).optional().describe("Optional: the token's bot name (any case); any other name is refused (403)"),
  text: z.string().max(1_000_000),
  kind: z.enum(['chat', 'action', 'topic']).default('chat').describe('`topic` also sets the room topic'),
});

export const MessageSchema = z.object({
  id: z.string(),
  room: z.string(),
  seq: z.number().int().describe('Strictly increasing per room'),
  kind: z.enum(['chat', 'action', 'topic']),
  author: z.string(),
  text: z.string(),
  ts: z.number().int().describe('Server time, ms since the epoch'),
  account: z.string().optional().describe("The author's account id: a logged-in person or a bot; absent for a guest"),
});

export const RoomSummarySchema = z.object({
  name: z.string(),
  topic: z.string(),
  members: z.number().int(),
  lastActivity: z.number().int().nullable().describe('Time of the last message (ms), or null'),
});

export const UserSchema = z.object({ id: z.string().describe('Session id'), name: z.string() });

export const RoomsReply = z.object({
  rooms: z.array(RoomSummarySchema).describe('Sorted by name'),
  next: z.string().nullable().describe('Pass as `after` for the next page; null on the last page'),
});
export const UsersReply = z.object({ room: z.string(), users: z.array(UserSchema) });
export const HistoryReply = z.object({ room: z.string(), messages: z.array(MessageSchema).describe('Oldest first') });
export const PostedReply = z.object({ message: MessageSchema });
export const LiveReply = z.object({ status: z.literal('ok') });
export const ReadyReply = z.object({ status: z.literal('ready') });
