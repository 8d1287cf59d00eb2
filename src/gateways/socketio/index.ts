import type { Server as HttpServer } from 'node:http';
import type { Logger } from 'pino';
import { Server } from 'socket.io';
import { allowedHosts, corsOrigins, floodBudgets, type Config } from '../../config.js';
import type { Chat } from '../../core/chat.js';
import { BOT_NAME } from '../../core/names.js';
import { HostCheck } from '../http/allowed-hosts.js';
import { encryptedOrLocal, type SecurityPolicy } from '../loopback.js';
import { batchWrites } from './batch-write.js';
import { handleConnection } from './connection.js';
import { SocketDoor } from './door.js';
import { originAllowed } from './origin.js';
import { terminate } from './outbuf.js';

export interface SocketGatewayDeps {
  readonly httpServer: HttpServer;
  readonly chat: Chat;
  readonly config: Config;
  readonly logger: Logger;
  readonly clock?: () => number;
  /** Whether a connection may carry passwords; by default when HTTPS or from this machine. */
  readonly security?: SecurityPolicy;
}

export interface SocketGateway {
  readonly io: Server;
  readonly door: SocketDoor;
  /** Disconnects every socket and stops the engine; the HTTP server is closed by its owner. */
  close(): Promise<void>;
}

/** Input bound per packet: room for a maximal message in 4-byte UTF-8, plus the envelope. */
export function maxPacketBytes(config: Config): number {
  return Math.max(64 * 1024, config.maxMessageLength * 4 + 4096);
}

/** The Socket.IO door, attached to an existing HTTP server (Fastify's) under /socket.io/. */
export function attachSocketGateway(deps: SocketGatewayDeps): SocketGateway {
  const { chat, config } = deps;
  const logger = deps.logger.child({ door: 'socket.io' });
  const clock = deps.clock ?? Date.now;
  const allowed = corsOrigins(config);
  const hosts = new HostCheck(allowedHosts(config));
  const io = new Server(deps.httpServer, {
    path: '/socket.io',
    // Serves /socket.io/socket.io.min.js, so the browser client needs no bundler.
    serveClient: true,
    maxHttpBufferSize: maxPacketBytes(config),
    cors: allowed.length > 0 ? { origin: allowed, methods: ['GET', 'POST'] } : undefined,
    // Both checks on every handshake request, polling and WebSocket upgrade alike: the Origin
    // (cross-site WebSocket hijacking) and the Host (DNS rebinding, where Origin matches Host).
    allowRequest: (req, callback) => {
      if (!hosts.allows(req.headers)) {
        logger.warn({ host: req.headers.host, origin: req.headers.origin }, 'Socket.IO handshake refused: host not allowed (ALLOWED_HOSTS)');
        callback('Host not allowed', false);
        return;
      }
      const ok = originAllowed(req, allowed);
      callback(ok ? null : 'Origin not allowed', ok);
    },
  });
  const door = new SocketDoor({ io, chat, logger, maxQueuedBytes: config.maxOutbufBytes, botName: BOT_NAME, clock });
  batchWrites(io);
  const connectionDeps = { chat, door, logger, clock, flood: floodBudgets(config), security: deps.security ?? encryptedOrLocal };
  io.on('connection', (socket) => handleConnection(socket, connectionDeps));

  let closed: Promise<void> | null = null;
  return {
    io,
    door,
    close: () => {
      closed ??= (async () => {
        // Requests still running at shutdown are answered before their socket's goodbye.
        await door.goodbyesSent(CLOSE_GRACE_MS);
        door.close();
        const sockets = [...io.of('/').sockets.values()];
        // Each socket closes once its queued output (the goodbye) is written...
        io.local.disconnectSockets(true);
        for (let waited = 0; waited < CLOSE_GRACE_MS && io.engine.clientsCount > 0; waited += 20) await sleep(20);
        // ...and whatever is left after the grace is discarded: a client that stopped reading
        // would otherwise hold shutdown for the WebSocket close timeout (30 s).
        // Not io.close(): it would also close the HTTP server, which Fastify owns and closes.
        io.engine.close();
        for (const socket of sockets) if (socket.conn.readyState !== 'closed') terminate(socket);
      })();
      return closed;
    },
  };
}

const CLOSE_GRACE_MS = 1000;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
