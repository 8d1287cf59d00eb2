import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import type { Chat } from '../../core/chat.js';
import { EOL, TEXT } from '../../protocol/text.js';
import { addressLimitFrom, type AddressLimit } from '../address-limit.js';
import { listen } from '../listen.js';
import { encryptedOrLocal, type SecurityPolicy } from '../loopback.js';
import type { PeerInfo } from '../../protocol/peer.js';
import { TcpConnection, type Modes } from './connection.js';
import { JsonDoor, TextDoor } from './doors.js';
import { JsonSession } from './json-session.js';
import { TextSession } from './text-session.js';

export interface TcpGatewayDeps {
  readonly chat: Chat;
  readonly config: Config;
  readonly logger: Logger;
  /** Shared with other servers to count an address across them; by default one from `config`. */
  readonly addressLimit?: AddressLimit;
  /** Whether a connection may carry passwords; by default when encrypted or from this machine. */
  readonly security?: SecurityPolicy;
}

export interface TcpGateway {
  readonly port: number;
  close(): Promise<void>;
}

// A refused socket gets this long to take its one line before it is cut.
const REFUSE_GRACE_MS = 1000;

/** Over the per-address limit: one line saying why, then close. */
function refuse(socket: Socket, limit: number): void {
  socket.on('error', () => socket.destroy()); // the peer may already be gone; nothing to report
  socket.end(`${TEXT.tooManyConnections(limit)}${EOL}`);
  setTimeout(() => socket.destroy(), REFUSE_GRACE_MS).unref();
}

/** The connection's facts for the account commands; a TLS socket (tls.TLSSocket) has `encrypted`. */
function peerOf(socket: Socket, security: SecurityPolicy): PeerInfo {
  const encrypted = (socket as Socket & { encrypted?: unknown }).encrypted === true;
  return { peer: socket.remoteAddress, secure: security({ remoteAddress: socket.remoteAddress, encrypted }) };
}

/**
 * One TCP port, two modes: every connection is greeted in text mode at once; one whose first
 * byte is `{` speaks JSON lines from then on.
 */
export async function startTcpGateway({ chat, config, logger, addressLimit, security = encryptedOrLocal }: TcpGatewayDeps): Promise<TcpGateway> {
  const textDoor = new TextDoor();
  const jsonDoor = new JsonDoor();
  const open = new Set<TcpConnection>();
  const limit = addressLimit ?? addressLimitFrom(config, logger);
  const limits = {
    maxLineBytes: config.maxLineBytes,
    maxOutbufBytes: config.maxOutbufBytes,
    idleTimeout: config.idleTimeout,
    namingTimeout: config.namingTimeout,
  };
  const modes: Modes = {
    text: (connection) => new TextSession(connection, chat, textDoor, peerOf(connection.socket, security)),
    json: (connection) => new JsonSession(connection, chat, jsonDoor, peerOf(connection.socket, security)),
  };

  const server: Server = createServer((socket) => {
    if (!limit.admit(socket)) return refuse(socket, limit.max);
    new TcpConnection(socket, limits, logger, modes, open);
  });
  server.on('error', (error) => logger.error({ err: error }, 'TCP server error'));

  const port = await listen(server, config.tcpPort, config.host, 'TCP_PORT');
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Sessions were told and ended by the core's shutdown; whatever lingers is cut.
        setTimeout(() => {
          for (const connection of open) connection.socket.destroy();
        }, 500).unref();
      }),
  };
}
