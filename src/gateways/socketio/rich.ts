import { disconnect } from '../../core/disconnect.js';
import { chatError, type ChatError } from '../../core/errors.js';
import { foldName } from '../../core/names.js';
import type { Command, Reply } from '../../core/types.js';
import type { RichRequest, RichRequestName } from '../../protocol/socketio-shapes.js';
import { closeAfterAnswer, done, execute, failed, type RequestContext, type Result } from './request.js';
import { wireUser } from './encode.js';
import { moderationCommand } from '../../protocol/moderation-requests.js';

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

/** The hello ack: the welcome, with `account` and `token` when the socket logged in. */
function welcome(ctx: RequestContext, reply: Reply): object | null {
  if (reply.type !== 'registered') return null;
  return {
    name: reply.name,
    resume: ctx.door.resumeTokenOf(ctx.link),
    room: reply.joined.room,
    topic: reply.joined.topic,
    users: reply.joined.users.map(wireUser),
    history: reply.joined.history,
    ...(reply.account === undefined ? {} : { account: reply.account, token: reply.token }),
  };
}

/** A moderation ack by the reply's kind. */
function moderateReply(reply: Reply): object | null {
  switch (reply.type) {
    case 'moderated':
      return { entry: reply.entry };
    case 'bans':
      return { room: reply.room, bans: reply.bans, mutes: reply.mutes };
    case 'modes':
      return { room: reply.room, settings: reply.settings };
    case 'modlog':
      return { room: reply.room, entries: reply.entries };
    default:
      return null;
  }
}

/** A login on a named socket answers the new token; on an unnamed one, the whole welcome. */
function accountOrWelcome(ctx: RequestContext, reply: Reply): object | null {
  if (reply.type === 'account') return { name: reply.name, account: reply.account, token: reply.token };
  return welcome(ctx, reply);
}

/**
 * What a `hello` asks for, by its fields: a token login ({token}, or the handshake's
 * `auth.token` when the hello brings no credential of its own), a password login
 * ({name, password}), or a guest's name ({name}). The handshake token is used at most once.
 */
function helloCommand(link: RequestContext['link'], r: RichRequest<'hello'>): Command | ChatError {
  const handshake = link.handshakeToken;
  link.handshakeToken = null;
  if (r.token !== undefined) {
    if (r.name !== undefined || r.password !== undefined) return chatError('usage', 'A hello has a token, or a name (and a password), not both.');
    return { type: 'resume', token: r.token };
  }
  if (r.password !== undefined) {
    if (r.name === undefined) return chatError('usage', 'A hello with a password needs the name too.');
    return { type: 'login', name: r.name, password: r.password };
  }
  if (handshake !== null) return { type: 'resume', token: handshake };
  if (r.name === undefined) return chatError('usage', 'A hello needs a name (and a password to log in), or a token.');
  return { type: 'register', name: r.name };
}

/** Parley's own client's requests; each is answered by an ack (see socketio-shapes.ts). */
export const RICH_HANDLERS: { [N in RichRequestName]: RichHandler<N> } = {
  hello: (ctx, r) => {
    const command = helloCommand(ctx.link, r);
    if (!('type' in command)) return Promise.resolve(failed(command));
    // A guest's stale session holds its name; an account's connections share theirs.
    if (command.type === 'register') resumeStale(ctx, command.name, r.resume);
    return run(ctx, command, (reply) => welcome(ctx, reply));
  },
  register: (ctx, r) => run(ctx, { type: 'signup', name: r.name, password: r.password }, (reply) => accountOrWelcome(ctx, reply)),
  login: (ctx, r) => run(ctx, { type: 'login', name: r.name, password: r.password }, (reply) => accountOrWelcome(ctx, reply)),
  logout: async (ctx) => {
    const result = await run(ctx, { type: 'logout' }, (reply) => (reply.type === 'bye' ? {} : null));
    // The core has ended the session; the socket closes once this request's ack is out.
    if (result.ok) closeAfterAnswer(ctx, disconnect('quit', 'Logged out'));
    return result;
  },
  password: (ctx, r) =>
    run(ctx, { type: 'password', old: r.old, new: r.new }, (reply) =>
      reply.type === 'account' ? { name: reply.name, account: reply.account, token: reply.token } : null,
    ),
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
  moderate: (ctx, r) => run(ctx, moderationCommand(r), moderateReply),
  topic: (ctx, r) =>
    run(ctx, { type: 'topic', room: r.room, text: r.text }, (reply) => (reply.type === 'topic' ? { room: reply.room, topic: reply.topic } : null)),
};
