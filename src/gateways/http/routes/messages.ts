import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import type { Chat } from '../../../core/chat.js';
import { chatError } from '../../../core/errors.js';
import { foldName } from '../../../core/names.js';
import { requireToken, type AuthDeps } from '../auth.js';
import { HttpError } from '../errors.js';
import { BEARER } from './auth.js';
import { ErrorSchema, HistoryQuerySchema, HistoryReply, PostedReply, PostMessageBody, PostMessageHeaders, RoomParams } from '../schemas.js';
import { existingRoom } from './rooms.js';

type Params = z.output<typeof RoomParams>;

/** Marks an answer that replays an earlier post with the same Idempotency-Key. */
export const REPLAYED_HEADER = 'idempotent-replayed';

export function messageRoutes(app: FastifyInstance, chat: Chat, auth: AuthDeps): void {
  app.get<{ Params: Params; Querystring: z.output<typeof HistoryQuerySchema> }>(
    '/api/rooms/:room/messages',
    {
      schema: {
        tags: ['messages'],
        summary: "A room's messages, paged by sequence number",
        params: RoomParams,
        querystring: HistoryQuerySchema,
        response: { 200: HistoryReply, 400: ErrorSchema, 404: ErrorSchema, 503: ErrorSchema },
      },
    },
    async (request) => {
      const room = (await existingRoom(chat, request.params.room)).name;
      const { before, after, limit } = request.query;
      const messages = await chat.history(room, { before, after, limit });
      if (!Array.isArray(messages)) throw HttpError.fromChat(messages);
      return { room, messages };
    },
  );

  app.post<{ Params: Params; Body: z.output<typeof PostMessageBody>; Headers: z.output<typeof PostMessageHeaders> }>(
    '/api/rooms/:room/messages',
    {
      schema: {
        tags: ['messages'],
        summary: "Post a message as the bot whose token is sent (scripts, webhooks); every door relays it",
        description:
          'Needs `Authorization: Bearer <bot token>` (POST /api/tokens or `parley token create`): the author is the bot. ' +
          'Without a token 401 not_logged_in; a revoked or unknown one 401 bad_token; a login token 403 forbidden. ' +
          'Answers 201 once the message is durable. With an `Idempotency-Key` header, a retry ' +
          '(same key, bot, room and text within 24 h) stores nothing and answers 200 with the first message and `Idempotent-Replayed: true`.',
        security: BEARER,
        params: RoomParams,
        headers: PostMessageHeaders,
        body: PostMessageBody,
        response: { 200: PostedReply, 201: PostedReply, 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 409: ErrorSchema, 413: ErrorSchema, 501: ErrorSchema, 503: ErrorSchema },
      },
    },
    async (request, reply) => {
      const { account: bot } = await requireToken(auth, request);
      if (bot.kind !== 'bot') throw HttpError.fromChat(chatError('forbidden', 'Posting needs a bot token (POST /api/tokens); a login token cannot post here.'));
      const { author, text, kind } = request.body;
      if (author !== undefined && foldName(author.trim()) !== bot.key) {
        throw HttpError.fromChat(chatError('forbidden', `This token posts as "${bot.name}"; leave out "author" or give that name.`));
      }
      const posted = await chat.postAs(bot.name, request.params.room, text, kind, request.headers['idempotency-key'], bot);
      if (!posted.ok) throw HttpError.fromChat(posted.error);
      if (posted.reply.type !== 'sent') throw HttpError.fromChat(chatError('bad_request', 'Unexpected reply.'));
      if (posted.reply.replayed === true) return reply.code(200).header(REPLAYED_HEADER, 'true').send({ message: posted.reply.message });
      return reply.code(201).send({ message: posted.reply.message });
    },
  );
}
