import { chatError, type ChatError } from '../../core/errors.js';

/** The acknowledgement callback socket.io appends to an event's arguments when the client asked for one. */
export type Ack = (answer: unknown) => void;

/** One incoming event, checked: a request for a known route, or a refusal to answer. */
export type Incoming<R> =
  | { readonly kind: 'request'; readonly name: string; readonly route: R; readonly payload: unknown; readonly ack: Ack | undefined }
  | { readonly kind: 'refused'; readonly error: ChatError; readonly ack: Ack | undefined };

/** Longest event name quoted back in an error. */
const QUOTED_NAME_CHARS = 64;

/**
 * The door's only reading of an incoming event, as socket.io hands it over: `[name, ...payloads,
 * ack?]`. Nothing in it is trusted. socket.io's parser lets through a number as the name
 * (`42[1]`), no arguments at all (`42`), or only the ack (`421`, where the ack callback would
 * take the name's place); payloads may be any JSON value or binary attachment.
 *
 * Contract: never throws, whatever `args` holds; `ack` is a function or undefined; a request's
 * `name` is a string naming a route of `routes`; the payload is the first argument after the
 * name (later ones are ignored) and is still unchecked: each route validates its own.
 */
export function routeIncoming<R>(args: readonly unknown[], routes: ReadonlyMap<string, R>): Incoming<R> {
  const last = args.length > 0 ? args[args.length - 1] : undefined;
  const ack = typeof last === 'function' ? (last as Ack) : undefined;
  const rest = ack === undefined ? args : args.slice(0, -1);
  const name = rest[0];
  if (typeof name !== 'string') {
    return { kind: 'refused', error: chatError('bad_request', 'An event name must be a string.'), ack };
  }
  const route = routes.get(name);
  if (route === undefined) {
    return { kind: 'refused', error: chatError('unknown_command', `Unknown event "${quote(name)}".`), ack };
  }
  return { kind: 'request', name, route, payload: rest[1], ack };
}

/** The name as it may be shown back: bounded, and without halves of a surrogate pair at the cut. */
function quote(name: string): string {
  return name
    .slice(0, QUOTED_NAME_CHARS)
    .replace(/[\uD800-\uDBFF]$/, '')
    .replace(/[\u0000-\u001f\u007f]/g, '?');
}
