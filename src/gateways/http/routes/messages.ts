import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import type { Chat } from '../../../core/chat.js';
import { chatError } from '../../../core/errors.js';
import { HttpError } from '../errors.js';
import { ErrorSchema, HistoryQuerySchema, HistoryReply, PostedReply, PostMessageBody, PostMessageHeaders, RoomParams } from '../schemas.js';
import { existingRoom } from './rooms.js';

type Params = z.output<typeof RoomParams>;

/** Marks an answer that replays an earlier post with the same Idempotency-Key. */
export const REPLAYED_HEADER = 'idempotent-replayed';

export function messageRoutes(app: FastifyInstance, chat: Chat): void {
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
        summary: 'Post a message as a named bot (scripts, webhooks); every door relays it',
        description:
          'Answers 201 once the message is durable. Creates the room if it is new. With an `Idempotency-Key` header, a retry ' +
          '(same key, author, room and text within 24 h) stores nothing and answers 200 with the first message and `Idempotent-Replayed: true`.',
        params: RoomParams,
        headers: PostMessageHeaders,
        body: PostMessageBody,
        response: { 200: PostedReply, 201: PostedReply, 400: ErrorSchema, 409: ErrorSchema, 413: ErrorSchema, 503: ErrorSchema },
      },
    },
    async (request, reply) => {
      const { author, text, kind } = request.body;
      const posted = await chat.postAs(author, request.params.room, text, kind, request.headers['idempotency-key']);
      if (!posted.ok) throw HttpError.fromChat(posted.error);
      if (posted.reply.type !== 'sent') throw HttpError.fromChat(chatError('bad_request', 'Unexpected reply.'));
      if (posted.reply.replayed === true) return reply.code(200).header(REPLAYED_HEADER, 'true').send({ message: posted.reply.message });
      return reply.code(201).send({ message: posted.reply.message });
    },
  );
}
