import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import type { Chat } from '../../../core/chat.js';
import { chatError } from '../../../core/errors.js';
import { HttpError } from '../errors.js';
import { ErrorSchema, HistoryQuerySchema, HistoryReply, PostedReply, PostMessageBody, RoomParams } from '../schemas.js';
import { existingRoom } from './rooms.js';

type Params = z.output<typeof RoomParams>;

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
      const room = existingRoom(chat, request.params.room);
      const { before, after, limit } = request.query;
      const messages = await chat.history(room, { before, after, limit });
      if (!Array.isArray(messages)) throw HttpError.fromChat(messages);
      return { room, messages };
    },
  );

  app.post<{ Params: Params; Body: z.output<typeof PostMessageBody> }>(
    '/api/rooms/:room/messages',
    {
      schema: {
        tags: ['messages'],
        summary: 'Post a message as a named bot (scripts, webhooks); every door relays it',
        description: 'Answers once the message is durable. Creates the room if it is new.',
        params: RoomParams,
        body: PostMessageBody,
        response: { 201: PostedReply, 400: ErrorSchema, 409: ErrorSchema, 413: ErrorSchema, 503: ErrorSchema },
      },
    },
    async (request, reply) => {
      const { author, text, kind } = request.body;
      const posted = await chat.postAs(author, request.params.room, text, kind);
      if (!posted.ok) throw HttpError.fromChat(posted.error);
      if (posted.reply.type !== 'sent') throw HttpError.fromChat(chatError('bad_request', 'Unexpected reply.'));
      return reply.code(201).send({ message: posted.reply.message });
    },
  );
}
