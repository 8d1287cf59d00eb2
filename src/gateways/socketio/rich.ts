import { disconnect } from '../../core/disconnect.js';
import { chatError } from '../../core/errors.js';
import { foldName } from '../../core/names.js';
import type { Command, Reply } from '../../core/types.js';
import type { RichRequest, RichRequestName } from '../../protocol/socketio-shapes.js';
import { done, execute, failed, type RequestContext, type Result } from './request.js';
import { wireUser } from './encode.js';

type RichHandler<N extends RichRequestName> = (ctx: RequestContext, request: RichRequest<N>) => Promise<Result>;

export const RESUMED_REASON = 'Reconnected from another connection';

/** Runs one core command and shapes its reply for the ack. */
async function run(ctx: RequestContext, command: Command, shape: (reply: Reply) => object | null): Promise<Result> {
  const outcome = await execute(ctx, command);
  if (!outcome.ok) return failed(outcome.error);
  const data = shape(outcome.reply);
  return data === null ? failed(chatError('bad_request', `Unexpected reply "${outcome.reply.type}".`)) : done(data);
}

/**
 * A reconnecting client may still hold its name in a session the server has not yet seen die
 * (a dropped network is noticed only at the next heartbeat). With the secret it was given by
 * `hello`, it closes that stale session and takes its name back.
 */
function resumeStale(ctx: RequestContext, name: string, token: string | undefined): void {
  if (token === undefined) return;
  const stale = ctx.door.byResumeToken(token);
  if (!stale || stale === ctx.link) return;
  const staleName = ctx.chat.nameOf(stale.sessionId);
  if (staleName === null || foldName(staleName) !== foldName(name.trim())) return;
  // Closing first: no room event reaches it from now on, its own leave notices included.
  stale.markClosing();
  ctx.chat.disconnect(stale.sessionId, disconnect('replaced', RESUMED_REASON));
  stale.socket.disconnect(true);
}

/** Parley's own client's requests; each is answered by an ack (see socketio-shapes.ts). */
export const RICH_HANDLERS: { [N in RichRequestName]: RichHandler<N> } = {
  hello: (ctx, r) => {
    resumeStale(ctx, r.name, r.resume);
    return run(ctx, { type: 'register', name: r.name }, (reply) =>
      reply.type === 'registered'
        ? {
            name: reply.name,
            resume: ctx.door.resumeTokenOf(ctx.link),
            room: reply.joined.room,
            topic: reply.joined.topic,
            users: reply.joined.users.map(wireUser),
            history: reply.joined.history,
          }
        : null,
    );
  },
  join: (ctx, r) =>
    run(ctx, { type: 'join', room: r.room }, (reply) =>
      reply.type === 'joined'
        ? { room: reply.room, topic: reply.topic, users: reply.users.map(wireUser), history: reply.history, fresh: reply.fresh }
        : null,
    ),
  leave: async (ctx, r) => {
    const result = await run(ctx, { type: 'leave', room: r.room }, (reply) => (reply.type === 'left' ? { room: reply.room } : null));
    if (result.ok && ctx.link.classicRoom === (result.data as { room: string }).room) ctx.link.classicRoom = null;
    return result;
  },
  say: (ctx, r) =>
    run(ctx, { type: r.action ? 'action' : 'say', room: r.room, text: r.text, clientId: r.id }, (reply) =>
      reply.type === 'sent' ? { message: reply.message } : null,
    ),
  history: (ctx, r) =>
    run(ctx, { type: 'history', room: r.room, query: { before: r.before, after: r.after, limit: r.limit } }, (reply) =>
      reply.type === 'history' ? { room: reply.room, messages: reply.messages } : null,
    ),
  msg: (ctx, r) =>
    run(ctx, { type: 'msg', to: r.to, text: r.text, action: r.action }, (reply) =>
      reply.type === 'private_sent' ? { id: reply.id, to: reply.to, ts: reply.ts } : null,
    ),
  typing: (ctx, r) => run(ctx, { type: 'typing', room: r.room }, (reply) => (reply.type === 'typing' ? {} : null)),
  rooms: (ctx, r) =>
    run(ctx, { type: 'rooms', limit: r?.limit, after: r?.after }, (reply) => (reply.type === 'rooms' ? { rooms: reply.rooms, next: reply.next } : null)),
  who: (ctx, r) =>
    run(ctx, { type: 'who', room: r.room }, (reply) => (reply.type === 'who' ? { room: reply.room, users: reply.users.map(wireUser) } : null)),
  nick: (ctx, r) => run(ctx, { type: 'nick', name: r.name }, (reply) => (reply.type === 'renamed' ? { from: reply.from, to: reply.to } : null)),
  topic: (ctx, r) =>
    run(ctx, { type: 'topic', room: r.room, text: r.text }, (reply) => (reply.type === 'topic' ? { room: reply.room, topic: reply.topic } : null)),
};
