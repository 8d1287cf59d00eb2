import { normaliseAddress } from '../address-limit.js';
import type { Socket } from 'socket.io';
import { disconnect, type Disconnect } from '../../core/disconnect.js';
import type { SecurityPolicy } from '../loopback.js';
import type { PeerInfo } from '../../protocol/peer.js';
import { HandshakeAuthSchema } from '../../protocol/socketio-shapes.js';
import { SocketLink } from './link.js';
import type { EnginePacket } from './outbuf.js';
import { runIncoming, type RunnerDeps } from './runner.js';

export interface ConnectionDeps extends RunnerDeps {
  readonly security: SecurityPolicy;
}

/** The remote address, and whether a password may cross this connection (HTTPS, or local). */
function peerOf(socket: Socket, security: SecurityPolicy): PeerInfo {
  const { address, secure } = socket.handshake;
  return { peer: address, secure: security({ remoteAddress: address, encrypted: secure }) };
}

/**
 * The handshake's `auth.token`, if it sent one. A token of the wrong shape is kept as given
 * (as an empty string): the first hello or joinRoom then fails `bad_token`, instead of
 * silently going on as a guest.
 */
function handshakeTokenOf(socket: Socket): string | null {
  const auth: unknown = socket.handshake.auth;
  if (typeof auth !== 'object' || auth === null || !('token' in auth)) return null;
  const parsed = HandshakeAuthSchema.safeParse(auth);
  return parsed.success && parsed.data.token !== undefined ? parsed.data.token : '';
}

/** What the others are told when a socket goes, by socket.io's disconnect reason. */
const LEAVE_REASONS: Readonly<Record<string, Disconnect>> = {
  'client namespace disconnect': disconnect('quit'),
  'transport close': disconnect('closed'),
  'transport error': disconnect('closed', 'Connection lost'),
  'ping timeout': disconnect('closed', 'Ping timeout'),
  'server shutting down': disconnect('shutdown'),
};

/**
 * Wires one socket: a core session, its requests (decoded and queued in order), its end.
 * An idle connection should cost the door a link, a session and little else.
 */
export function handleConnection(socket: Socket, deps: ConnectionDeps): void {
  const link = new SocketLink(socket, peerOf(socket, deps.security), handshakeTokenOf(socket));
  link.sessionId = deps.chat.connect(deps.door, link, link.peer.peer === undefined ? undefined : normaliseAddress(link.peer.peer));
  deps.door.add(link);
  deps.logger.debug({ session: link.sessionId, transport: socket.conn.transport.name }, 'Socket.IO connected');

  // The closures below share one scope holding only `deps` and `link`: three small functions
  // per connection, whatever the number of request kinds.
  // Runs inside socket.io's broadcast loop: a throw here would stop delivery to the sockets
  // after this one, so a failure closes this socket only.
  socket.conn.on('packetCreate', (packet: EnginePacket) => {
    try {
      deps.door.packetQueued(link, packet);
    } catch (error) {
      deps.door.fail(link, error, 'packetCreate');
    }
  });

  // Every incoming event, known or not, before socket.io's own dispatch, to the one runner
  // (runner.ts). socket.io has already appended the ack callback, if any, to `args`.
  // No 'error' listener: socket.io adds a no-op one to every socket, and the door installs no
  // per-socket middleware, the only other source of that event.
  socket.onAny((...args: unknown[]) => runIncoming(deps, link, args));

  socket.on('disconnect', (reason: string) => {
    deps.logger.debug({ session: link.sessionId, reason }, 'Socket.IO disconnected');
    link.markClosing();
    deps.door.remove(link);
    deps.chat.disconnect(link.sessionId, LEAVE_REASONS[reason] ?? disconnect('closed', 'Disconnected'));
  });
}
