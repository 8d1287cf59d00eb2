import type { Chat } from '../../core/chat.js';
import type { ChatError } from '../../core/errors.js';
import { checkRoom } from '../../core/names.js';
import type { Command, Outcome } from '../../core/types.js';
import type { SocketDoor } from './door.js';
import type { SocketLink } from './link.js';
import { leaveMirror, leaveMirrors, syncMirrors } from './room-mirror.js';

/** What a request handler of the Socket.IO door may use. */
export interface RequestContext {
  readonly chat: Chat;
  readonly door: SocketDoor;
  readonly link: SocketLink;
  readonly clock: () => number;
}

/** A request's result: data for the ack, or an error for the ack or the `error` event. */
export type Result = { readonly ok: true; readonly data: object } | { readonly ok: false; readonly error: ChatError };

export const done = (data: object = {}): Result => ({ ok: true, data });
export const failed = (error: ChatError): Result => ({ ok: false, error });

/** Commands after which the session's rooms may differ. */
const CHANGES_ROOMS = new Set<Command['type']>(['register', 'join', 'leave', 'quit']);

/**
 * The door's only way to run a core command for its socket, so that the Socket.IO room
 * mirrors follow the core (room-mirror.ts): a mirror is left before the core leaves the room
 * (the core's leave runs synchronously inside `execute`), and after any command that can
 * change membership the mirrors are set from the core's rooms.
 */
export async function execute(ctx: RequestContext, command: Command): Promise<Outcome> {
  const { chat, link } = ctx;
  if (command.type === 'quit') leaveMirrors(link.socket);
  if (command.type === 'leave') {
    const room = checkRoom(command.room);
    if ('room' in room) leaveMirror(link.socket, room.room);
  }
  const outcome = await chat.execute(link.sessionId, command);
  if (CHANGES_ROOMS.has(command.type)) {
    if (link.closing) leaveMirrors(link.socket);
    else syncMirrors(link.socket, chat.roomsOf(link.sessionId));
  }
  return outcome;
}
