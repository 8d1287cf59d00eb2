import type { Logger } from 'pino';
import type { Socket } from 'socket.io';
import type { z } from 'zod';
import type { Chat } from '../../core/chat.js';
import { chatError } from '../../core/errors.js';
import {
  ChatMessageSchema,
  CLASSIC_REQUEST_NAMES,
  JoinRoomSchema,
  RICH_REQUEST_NAMES,
  RICH_REQUESTS,
  type RichRequestName,
} from '../../protocol/socketio-shapes.js';
import { chatMessage, joinRoom } from './classic.js';
import type { SocketDoor } from './door.js';
import { SocketLink } from './link.js';
import { failed, type RequestContext, type Result } from './request.js';
import { RICH_HANDLERS } from './rich.js';

export interface ConnectionDeps {
  readonly chat: Chat;
  readonly door: SocketDoor;
  readonly logger: Logger;
  readonly clock: () => number;
}

const KNOWN_EVENTS = new Set<string>([...CLASSIC_REQUEST_NAMES, ...RICH_REQUEST_NAMES]);

/** What the others are told when a socket goes, by socket.io's disconnect reason. */
const LEAVE_REASONS: Readonly<Record<string, string>> = {
  'client namespace disconnect': 'Quit',
  'transport close': 'Connection closed',
  'transport error': 'Connection lost',
  'ping timeout': 'Ping timeout',
  'server shutting down': 'Server shutting down',
};

type Ack = (answer: unknown) => void;

/** Wires one socket: a core session, its requests (decoded and queued in order), its end. */
export function handleConnection(socket: Socket, deps: ConnectionDeps): void {
  const { chat, door, logger } = deps;
  const link: SocketLink = new SocketLink(socket, (error) => {
    logger.error({ err: error, session: link.sessionId }, 'Socket.IO request failed');
    door.kick(link, 'Internal error');
  });
  link.sessionId = chat.connect(door, link);
  door.add(link);
  logger.debug({ session: link.sessionId, transport: socket.conn.transport.name }, 'Socket.IO connected');
  const ctx: RequestContext = { chat, door, link, clock: deps.clock };

  const respond = (result: Result, ack: Ack | undefined): void => {
    if (ack) ack(result.ok ? { ok: true, ...result.data } : { ok: false, error: { code: result.error.code, text: result.error.text } });
    else if (!result.ok) socket.emit('error', { code: result.error.code, text: result.error.text });
  };

  const listen = <S extends z.ZodType>(event: string, schema: S, handler: (input: z.output<S>) => Promise<Result>): void => {
    socket.on(event, (...args: unknown[]) => {
      const last = args[args.length - 1];
      const ack = typeof last === 'function' ? (args.pop() as Ack) : undefined;
      const accepted = link.enqueue(async () => {
        if (link.closing) return;
        const parsed = schema.safeParse(args[0]);
        const result = parsed.success ? await handler(parsed.data) : failed(chatError('bad_request', describeIssue(event, parsed.error)));
        respond(result, ack);
      });
      if (!accepted) door.kick(link, 'Too many requests in flight');
    });
  };

  listen('joinRoom', JoinRoomSchema, (r) => joinRoom(ctx, r.username, r.room));
  listen('chatMessage', ChatMessageSchema, (text) => chatMessage(ctx, text));
  for (const name of RICH_REQUEST_NAMES) {
    const handler = RICH_HANDLERS[name] as (ctx: RequestContext, request: unknown) => Promise<Result>;
    listen(name, RICH_REQUESTS[name as RichRequestName], (request) => handler(ctx, request));
  }

  socket.onAny((event: string, ...args: unknown[]) => {
    if (KNOWN_EVENTS.has(event)) return;
    const last = args[args.length - 1];
    respond(failed(chatError('unknown_command', `Unknown event "${event.slice(0, 64)}".`)), typeof last === 'function' ? (last as Ack) : undefined);
  });

  // Socket.IO emits 'error' for middleware failures; without a listener it would only print.
  socket.on('error', (error: unknown) => {
    logger.warn({ err: error, session: link.sessionId }, 'Socket.IO socket error');
  });

  socket.on('disconnect', (reason: string) => {
    logger.debug({ session: link.sessionId, reason }, 'Socket.IO disconnected');
    link.closing = true;
    door.remove(link);
    chat.disconnect(link.sessionId, LEAVE_REASONS[reason] ?? 'Disconnected');
  });
}

function describeIssue(event: string, error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return `Invalid payload for "${event}".`;
  const where = issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
  return `Invalid payload for "${event}"${where}: ${issue.message}`;
}
