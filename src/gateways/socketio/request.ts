import type { Chat } from '../../core/chat.js';
import type { ChatError } from '../../core/errors.js';
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
