import { chatError } from '../../core/errors.js';
import { checkRoom, foldName } from '../../core/names.js';
import type { Command, Outcome } from '../../core/types.js';
import { notice, wireMessage } from './encode.js';
import { done, execute, failed, type RequestContext, type Result } from './request.js';

export function welcomeText(room: string): string {
  return `Welcome to Parley! You are in #${room}.`;
}

/**
 * Classic `joinRoom { username, room }`: names the socket on first use straight into `room`
 * (so nobody in the default room sees a join and a leave), or moves it into `room`, and leaves every other room, since a classic
 * client is in one room at a time. A second `joinRoom` with another username renames.
 */
export async function joinRoom(ctx: RequestContext, username: string, rawRoom: string): Promise<Result> {
  const { chat, link } = ctx;
  // Check the room before taking the name, so a bad room leaves the socket as it was.
  const target = checkRoom(rawRoom);
  if ('error' in target) return failed(target.error);

  const current = chat.nameOf(link.sessionId);
  let step: Outcome | null = null;
  if (current === null) step = await execute(ctx, firstName(ctx, username, target.room));
  else if (link.account === null && foldName(current) !== foldName(username.trim())) step = await execute(ctx, { type: 'nick', name: username });
  if (step && !step.ok) return failed(step.error);

  const joined = await execute(ctx, { type: 'join', room: target.room });
  if (!joined.ok) return failed(joined.error);
  for (const room of chat.roomsOf(link.sessionId)) {
    if (room === target.room) continue;
    const left = await execute(ctx, { type: 'leave', room });
    if (!left.ok) return failed(left.error);
  }
  link.classicRoom = target.room;
  ctx.door.sendTo(link, { name: 'message', payload: notice(ctx.door.botName, welcomeText(target.room), target.room, ctx.clock()) });
  return done({ room: target.room, name: chat.nameOf(link.sessionId) });
}

/**
 * A classic client is a guest (a registered name is refused to it), unless its handshake
 * carried a token: then its first joinRoom logs in with it, and the account's name is used
 * instead of `username` (then and on later joinRooms).
 */
function firstName(ctx: RequestContext, username: string, room: string): Command {
  const token = ctx.link.handshakeToken;
  ctx.link.handshakeToken = null;
  return token === null ? { type: 'register', name: username, room } : { type: 'resume', token, room };
}

/** Classic `chatMessage "text"` as chat: said in the room of the last `joinRoom` (slash commands: classic-slash.ts). */
export async function chatMessage(ctx: RequestContext, text: string): Promise<Result> {
  const { chat, link } = ctx;
  if (chat.nameOf(link.sessionId) === null) return failed(chatError('not_registered', 'Join a room first (joinRoom).'));
  if (link.classicRoom === null) return failed(chatError('not_in_room', 'Join a room first (joinRoom).'));
  const sent = await execute(ctx, { type: 'say', room: link.classicRoom, text });
  if (!sent.ok) return failed(sent.error);
  if (sent.reply.type !== 'sent') return failed(chatError('bad_request', 'Unexpected reply.'));
  return done({ message: wireMessage(sent.reply.message) });
}
