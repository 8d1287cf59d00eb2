import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import type { Chat } from '../../../core/chat.js';
import type { RoomSummary } from '../../../core/types.js';
import { chatError } from '../../../core/errors.js';
import { checkRoom } from '../../../core/names.js';
import { HttpError } from '../errors.js';
import { ErrorSchema, RoomParams, RoomSummarySchema, RoomsQuerySchema, RoomsReply, UsersReply } from '../schemas.js';

type Params = { Params: z.output<typeof RoomParams> };

/**
 * The room's canonical name if it exists; otherwise a 400 (bad name) or 404. The default room
 * always exists: every session starts there, even before anyone has spoken in it.
 */
export async function existingRoom(chat: Chat, raw: string): Promise<RoomSummary> {
  const checked = checkRoom(raw);
  if ('error' in checked) throw HttpError.fromChat(checked.error);
  const room = await chat.findRoom(checked.room);
  if (room === null) throw HttpError.fromChat(chatError('no_such_room', `No room is called #${checked.room}.`));
  return room;
}

export function roomRoutes(app: FastifyInstance, chat: Chat): void {
  app.get<{ Querystring: z.output<typeof RoomsQuerySchema> }>(
    '/api/rooms',
    {
      schema: {
        tags: ['rooms'],
        summary: 'The rooms with their topic, member count and last activity, a page at a time',
        querystring: RoomsQuerySchema,
        response: { 200: RoomsReply, 400: ErrorSchema },
      },
    },
    async (request) => chat.roomsPage(request.query.limit, request.query.after),
  );

  app.get<Params>(
    '/api/rooms/:room',
    { schema: { tags: ['rooms'], summary: 'One room', params: RoomParams, response: { 200: RoomSummarySchema, 400: ErrorSchema, 404: ErrorSchema } } },
    async (request) => {
      return existingRoom(chat, request.params.room);
    },
  );

  app.get<Params>(
    '/api/rooms/:room/users',
    { schema: { tags: ['rooms'], summary: "A room's members, by name", params: RoomParams, response: { 200: UsersReply, 400: ErrorSchema, 404: ErrorSchema } } },
    async (request) => {
      const room = await existingRoom(chat, request.params.room);
      const users = await chat.membersOf(room.name);
      if (!Array.isArray(users)) throw HttpError.fromChat(users);
      return { room: room.name, users };
    },
  );
}
