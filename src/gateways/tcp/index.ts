import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import { floodBudgets, type Config } from '../../config.js';
import type { Chat } from '../../core/chat.js';
import { EOL, TEXT } from '../../protocol/text.js';
import { addressLimitFrom, limitConnections, type AddressLimit } from '../address-limit.js';
import { listen } from '../listen.js';
import { secureContextOptions, type TlsCertificates } from '../tls/certificates.js';
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
  /** Set: the door also listens on TLS_TCP_PORT with these certificates (and reloads with them). */
  readonly tls?: TlsCertificates;
  /** Whether a connection may carry passwords; by default when encrypted or from this machine. */
  readonly security?: SecurityPolicy;
}

export interface TcpGateway {
  /** The plain port; 0 when it is off (PLAIN_TCP=false). */
  readonly port: number;
  /** The TLS port; 0 when TLS is off. */
  readonly tlsPort: number;
  close(): Promise<void>;
}

// A client that connects to the TLS port and does not finish its handshake in this long is cut.
// Node's default is two minutes; a real handshake takes a few round trips.
const TLS_HANDSHAKE_TIMEOUT_MS = 15_000;

// A refused socket gets this long to take its one line before it is cut.
const REFUSE_GRACE_MS = 1000;

/** Over a per-address limit: one line saying why, then close. */
function refuse(socket: Socket, line: string): void {
  socket.on('error', () => socket.destroy()); // the peer may already be gone; nothing to report
  socket.end(`${line}${EOL}`);
  setTimeout(() => socket.destroy(), REFUSE_GRACE_MS).unref();
}

/** The connection's facts for the account commands; a TLS socket (tls.TLSSocket) has `encrypted`. */
function peerOf(socket: Socket, security: SecurityPolicy): PeerInfo {
  const encrypted = (socket as Socket & { encrypted?: unknown }).encrypted === true;
  return { peer: socket.remoteAddress, secure: security({ remoteAddress: socket.remoteAddress, encrypted }) };
}

/**
 * The TCP door: a plain port (TCP_PORT, unless PLAIN_TCP=false) and, with certificates, a TLS
 * port (TLS_TCP_PORT). Both serve the same two modes: every connection is greeted in text mode
 * at once (on TLS, once the handshake is done); one whose first (decrypted) byte is `{` speaks
 * JSON lines from then on. Both count against the same per-address limit.
 */
export async function startTcpGateway({ chat, config, logger: serverLogger, addressLimit, tls, security = encryptedOrLocal }: TcpGatewayDeps): Promise<TcpGateway> {
  // Every line of this door says so; a connection's lines add its session where they have one.
  const logger = serverLogger.child({ door: 'tcp' });
  const textDoor = new TextDoor();
  const jsonDoor = new JsonDoor();
  const open = new Set<TcpConnection>();
  const limit = addressLimit ?? addressLimitFrom(config, logger);
  const limits = {
    maxLineBytes: config.maxLineBytes,
    maxOutbufBytes: config.maxOutbufBytes,
    idleTimeout: config.idleTimeout,
    namingTimeout: config.namingTimeout,
    flood: floodBudgets(config),
  };
  const modes: Modes = {
    text: (connection) => new TextSession(connection, chat, textDoor, peerOf(connection.socket, security)),
    json: (connection) => new JsonSession(connection, chat, jsonDoor, peerOf(connection.socket, security)),
  };
  const servers: Server[] = [];
  const closeServers = (): Promise<void> =>
    Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve())))).then(() => undefined);

  let port = 0;
  let tlsPort = 0;
  try {
    if (config.plainTcp) {
      const plain: Server = createServer((socket) => {
        const refused = limit.refusal(socket);
        if (refused === 'gone') return void socket.destroy();
        if (refused === 'too_many_open') return refuse(socket, TEXT.tooManyConnections(limit.max));
        if (refused === 'too_many_new') {
          return refuse(socket, `Disconnected: Too many new connections from your address (at most ${limit.perMinute} a minute).`);
        }
        new TcpConnection(socket, limits, logger, modes, open);
      });
      plain.on('error', (error) => logger.error({ err: error }, 'TCP server error'));
      servers.push(plain);
      port = await listen(plain, config.tcpPort, config.host, 'TCP_PORT');
    }
    if (tls) {
      const secure = createTlsServer({ ...secureContextOptions(tls.current), handshakeTimeout: TLS_HANDSHAKE_TIMEOUT_MS }, (socket: TLSSocket) => {
        new TcpConnection(socket, limits, logger, modes, open);
      });
      // Counted from the TCP accept, before the handshake: handshakes in progress hold file
      // descriptors too. A refused socket is cut without a word (a line in clear text would
      // mean nothing to a TLS client).
      limitConnections(secure, limit);
      secure.on('tlsClientError', (error: NodeJS.ErrnoException, socket: TLSSocket) => {
        // Scanners, plain-text clients on the TLS port, clients that distrust the certificate.
        logger.debug({ err: error, remote: socket.remoteAddress }, 'TLS handshake failed on the TCP door');
      });
      secure.on('error', (error) => logger.error({ err: error }, 'TCP TLS server error'));
      tls.serve(secure);
      servers.push(secure);
      tlsPort = await listen(secure, config.tlsTcpPort, config.host, 'TLS_TCP_PORT');
    }
  } catch (error) {
    await closeServers();
    throw error;
  }

  return {
    port,
    tlsPort,
    close: () =>
      new Promise<void>((resolve) => {
        void closeServers().then(resolve);
        // Sessions were told and ended by the core's shutdown; whatever lingers is cut.
        setTimeout(() => {
          for (const connection of open) connection.socket.destroy();
        }, 500).unref();
      }),
  };
}
