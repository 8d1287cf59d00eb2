import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { chatError } from '../../../core/errors.js';
import type { Chat } from '../../../core/chat.js';
import { checkRoom } from '../../../core/names.js';
import { MAX_MODLOG_PAGE } from '../../../core/ports/moderation.js';
import { identityOf, requireUser, type AuthDeps } from '../auth.js';
import { HttpError } from '../errors.js';
import { ErrorSchema } from '../schemas.js';
import { BEARER } from './auth.js';

const ModLogQuery = z.object({
  room: z.string().min(1).max(200).optional().describe('Only this room (a leading # is optional); default: every room'),
  limit: z.coerce.number().int().min(1).max(MAX_MODLOG_PAGE).default(50).describe(`Newest entries first, at most ${MAX_MODLOG_PAGE}`),
});

const ModLogEntrySchema = z.object({
  id: z.string(),
  room: z.string(),
  ts: z.number().describe('Milliseconds since the epoch'),
  actor: z.string(),
  action: z.enum(['op', 'deop', 'voice', 'devoice', 'kick', 'ban', 'unban', 'mute', 'unmute', 'invite', 'mode', 'owner']),
  target: z.string().describe("The user acted on; '' for a room setting"),
  reason: z.string(),
  detail: z.string().describe('A timed ban or mute: "for 2h"; a mode: "slowmode=30"'),
});

const ModLogReply = z.object({ entries: z.array(ModLogEntrySchema) });

/** The moderation action log, for server admins (ADMINS) only. */
export function moderationRoutes(app: FastifyInstance, chat: Chat, deps: AuthDeps): void {
  app.get<{ Querystring: z.output<typeof ModLogQuery> }>(
    '/api/moderation/log',
    {
      schema: {
        tags: ['moderation'],
        summary: 'Recent moderation actions (kicks, bans, mutes, roles, room settings), newest first; admins only',
        security: BEARER,
        querystring: ModLogQuery,
        response: { 200: ModLogReply, 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 501: ErrorSchema, 503: ErrorSchema },
      },
    },
    async (request) => {
      const caller = await requireUser(deps, request);
      if (!identityOf(deps).isAdmin(caller.account)) throw HttpError.fromChat(chatError('forbidden', 'Only server admins (ADMINS) may read the moderation log.'));
      let room: string | null = null;
      if (request.query.room !== undefined) {
        const checked = checkRoom(request.query.room);
        if ('error' in checked) throw HttpError.fromChat(checked.error);
        room = checked.room;
      }
      try {
        return { entries: await chat.moderationLog(room, request.query.limit) };
      } catch (error) {
        deps.logger.error({ err: error }, 'reading the moderation log failed');
        throw HttpError.fromChat(chatError('store_unavailable', 'The moderation log is unavailable right now; try again shortly.'));
      }
    },
  );
}
