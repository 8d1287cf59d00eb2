import type { Chat } from '../../core/chat.js';
import type { Disconnect } from '../../core/disconnect.js';
import type { ChatError } from '../../core/errors.js';
import type { Command, Outcome } from '../../core/types.js';
import { withPeer } from '../../protocol/peer.js';
import type { SocketDoor } from './door.js';
import type { SocketLink } from './link.js';

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

/**
 * The door's way to run a core command for its socket: adds the connection's peer facts to the
 * account commands, and notes the account once logged in. Room mirrors need nothing here: the
 * core tells the door of each membership change as it makes it (room-mirror.ts).
 */
export async function execute(ctx: RequestContext, command: Command): Promise<Outcome> {
  const outcome = await ctx.chat.execute(ctx.link.sessionId, withPeer(command, ctx.link.peer));
  if (outcome.ok && (outcome.reply.type === 'account' || (outcome.reply.type === 'registered' && outcome.reply.account !== undefined))) {
    ctx.link.account = outcome.reply.account ?? null;
  }
  return outcome;
}

/**
 * Closes the socket with `why` once the current request's answer (its ack) has gone out: the
 * runner answers in a later microtask, and a socket closed before that would lose the ack.
 */
export function closeAfterAnswer(ctx: RequestContext, why: Disconnect): void {
  setImmediate(() => ctx.door.kick(ctx.link, why));
}
