import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { chatError } from '../../../core/errors.js';
import type { Chat } from '../../../core/chat.js';
import { checkRoom } from '../../../core/names.js';
import { MAX_DURATION_MS } from '../../../core/moderation/duration.js';
import { isModerationAction, type ModerationAction } from '../../../core/moderation/acting-account.js';
import { MAX_MODLOG_PAGE } from '../../../core/ports/moderation.js';
import { moderationCommand } from '../../../protocol/moderation-requests.js';
import type { Authenticated } from '../../../core/identity.js';
import { identityOf, requireUser, type AuthDeps } from '../auth.js';
import { HttpError } from '../errors.js';
import { ErrorSchema, RoomParams } from '../schemas.js';
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

const ACTIONS = ['kick', 'ban', 'unban', 'mute', 'unmute', 'op', 'deop', 'voice', 'devoice', 'invite', 'mode'] as const;

const ActionBody = z
  .object({
    action: z.enum(ACTIONS).describe('What to do, as the slash command of the same name'),
    target: z.string().min(1).max(64).optional().describe("The user acted on; required except for 'mode'"),
    seconds: z.number().int().min(1).max(MAX_DURATION_MS / 1000).optional().describe("'ban' or 'mute' for this long; absent: until lifted"),
    reason: z.string().max(1000).optional().describe("'kick', 'ban' or 'mute': shown to the room and logged"),
    setting: z.enum(['topiclock', 'inviteonly', 'moderated', 'slowmode', 'limit']).optional().describe("'mode': the setting to change"),
    value: z.union([z.string().max(32), z.number().int().min(0).max(1_000_000), z.boolean()]).optional().describe("'mode': on/off (or true/false), or a number for slowmode and limit"),
  })
  .strict();

const ActionReply = z.object({ entry: ModLogEntrySchema.describe('The action as logged; the room was told') });

type ActionInput = z.output<typeof ActionBody>;

/** The core command for a checked body; what a body lacks for its action is a 400 `usage`. */
function actionCommand(room: string, body: ActionInput): ModerationAction {
  if (body.action === 'mode') {
    if (body.setting === undefined || body.value === undefined) throw HttpError.fromChat(chatError('usage', "'mode' needs a setting and a value."));
  } else if (body.target === undefined) {
    throw HttpError.fromChat(chatError('usage', `'${body.action}' needs a target.`));
  }
  const { target, ...rest } = body;
  const command = moderationCommand({ room, name: target, ...rest });
  // ACTIONS holds no read (`bans`, `modlog`), so this cannot fail.
  if (!isModerationAction(command)) throw new Error(`not a moderation action: ${command.type}`);
  return command;
}

/** A server admin (ADMINS) logged in with a bearer token; 401 without a token, 403 for anyone else. */
async function requireAdmin(deps: AuthDeps, request: FastifyRequest, what: string): Promise<Authenticated> {
  const caller = await requireUser(deps, request);
  if (!identityOf(deps).isAdmin(caller.account)) throw HttpError.fromChat(chatError('forbidden', `Only server admins (ADMINS) may ${what}.`));
  return caller;
}

/** Moderation for server admins (ADMINS) only: the action log, and actions in any room. */
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
      await requireAdmin(deps, request, 'read the moderation log');
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

  app.post<{ Params: z.output<typeof RoomParams>; Body: ActionInput }>(
    '/api/moderation/rooms/:room/actions',
    {
      schema: {
        tags: ['moderation'],
        summary: 'Kick, ban, unban, mute, unmute, op, deop, voice, devoice, invite, or set a room mode, as the slash command does; admins only',
        security: BEARER,
        params: RoomParams,
        body: ActionBody,
        response: { 200: ActionReply, 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema, 501: ErrorSchema, 503: ErrorSchema },
      },
    },
    async (request) => {
      const caller = await requireAdmin(deps, request, 'moderate over HTTP');
      const room = checkRoom(request.params.room);
      if ('error' in room) throw HttpError.fromChat(room.error);
      const outcome = await chat.moderateAs(caller.account, actionCommand(room.room, request.body));
      if (!outcome.ok) throw HttpError.fromChat(outcome.error);
      if (outcome.reply.type !== 'moderated') throw new Error(`unexpected reply to a moderation action: ${outcome.reply.type}`);
      return { entry: outcome.reply.entry };
    },
  );
}
