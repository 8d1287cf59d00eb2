import type { Logger } from 'pino';
import type { Socket } from 'socket.io';
import type { Chat } from '../../core/chat.js';
import { disconnect, type Disconnect } from '../../core/disconnect.js';
import { chatError } from '../../core/errors.js';
import type { SocketDoor } from './door.js';
import { SocketLink } from './link.js';
import type { EnginePacket } from './outbuf.js';
import { failed, type RequestContext, type Result } from './request.js';
import { ROUTES } from './routes.js';

/** Shared by every connection of the door: made once, not per socket. */
export interface ConnectionDeps {
  readonly chat: Chat;
  readonly door: SocketDoor;
  readonly logger: Logger;
  readonly clock: () => number;
}

/** What the others are told when a socket goes, by socket.io's disconnect reason. */
const LEAVE_REASONS: Readonly<Record<string, Disconnect>> = {
  'client namespace disconnect': disconnect('quit'),
  'transport close': disconnect('closed'),
  'transport error': disconnect('closed', 'Connection lost'),
  'ping timeout': disconnect('closed', 'Ping timeout'),
  'server shutting down': disconnect('shutdown'),
};

type Ack = (answer: unknown) => void;

/**
 * Wires one socket: a core session, its requests (decoded and queued in order), its end.
 * An idle connection should cost the door a link, a session and little else.
 */
export function handleConnection(socket: Socket, deps: ConnectionDeps): void {
  const link = new SocketLink(socket);
  link.sessionId = deps.chat.connect(deps.door, link);
  deps.door.add(link);
  deps.logger.debug({ session: link.sessionId, transport: socket.conn.transport.name }, 'Socket.IO connected');

  // The closures below share one scope holding only `deps` and `link`: three small functions
  // per connection, whatever the number of request kinds.
  socket.conn.on('packetCreate', (packet: EnginePacket) => deps.door.packetQueued(link, packet));

  // Every incoming event, known or not, before socket.io's own dispatch; requests are looked
  // up in ROUTES. socket.io has already appended the ack callback, if any, to `args`.
  // No 'error' listener: socket.io adds a no-op one to every socket, and the door installs no
  // per-socket middleware, the only other source of that event.
  socket.onAny((event: string, ...args: unknown[]) => onEvent(deps, link, event, args));

  socket.on('disconnect', (reason: string) => {
    deps.logger.debug({ session: link.sessionId, reason }, 'Socket.IO disconnected');
    link.markClosing();
    deps.door.remove(link);
    deps.chat.disconnect(link.sessionId, LEAVE_REASONS[reason] ?? disconnect('closed', 'Disconnected'));
  });
}

function onEvent(deps: ConnectionDeps, link: SocketLink, event: string, args: unknown[]): void {
  const last = args[args.length - 1];
  const ack = typeof last === 'function' ? (args.pop() as Ack) : undefined;
  const route = ROUTES.get(event);
  if (route === undefined) {
    respond(link, failed(chatError('unknown_command', `Unknown event "${event.slice(0, 64)}".`)), ack);
    return;
  }
  const ctx: RequestContext = { chat: deps.chat, door: deps.door, link, clock: deps.clock };
  const accepted = link.enqueue(
    async () => {
      if (link.closing) return;
      respond(link, await route(ctx, args[0]), ack);
    },
    (error) => {
      deps.logger.error({ err: error, session: link.sessionId }, 'Socket.IO request failed');
      deps.door.kick(link, disconnect('internal_error'));
    },
  );
  if (!accepted) deps.door.kick(link, disconnect('flood', 'Too many requests in flight'));
}

/** Answers in the ack when the client asked for one, else errors go out as an `error` event. */
function respond(link: SocketLink, result: Result, ack: Ack | undefined): void {
  if (ack) ack(result.ok ? { ok: true, ...result.data } : { ok: false, error: { code: result.error.code, text: result.error.text } });
  else if (!result.ok) link.socket.emit('error', { code: result.error.code, text: result.error.text });
}
