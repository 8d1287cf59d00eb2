import { createServer, type Server } from 'node:net';
import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import type { Chat } from '../../core/chat.js';
import { listen } from '../listen.js';
import { TcpConnection } from './connection.js';
import { JsonDoor, TextDoor } from './doors.js';
import { JsonSession } from './json-session.js';
import { TextSession } from './text-session.js';

export interface TcpGatewayDeps {
  readonly chat: Chat;
  readonly config: Config;
  readonly logger: Logger;
}

export interface TcpGateway {
  readonly port: number;
  close(): Promise<void>;
}

const OPEN_BRACE = 0x7b;
// How long the server waits for a first byte before greeting as text mode (nc and telnet
// wait for the greeting; JSON clients speak first).
const MODE_WAIT_MS = 150;

/** One TCP port, two modes: a connection whose first byte is `{` speaks JSON lines. */
export async function startTcpGateway({ chat, config, logger }: TcpGatewayDeps): Promise<TcpGateway> {
  const textDoor = new TextDoor();
  const jsonDoor = new JsonDoor();
  const open = new Set<TcpConnection>();
  const limits = { maxLineBytes: config.maxLineBytes, maxOutbufBytes: config.maxOutbufBytes, idleTimeout: config.idleTimeout };

  const chooseMode = (connection: TcpConnection, first: Buffer) =>
    first.length > 0 && first[0] === OPEN_BRACE ? new JsonSession(connection, chat, jsonDoor) : new TextSession(connection, chat, textDoor);
  const server: Server = createServer((socket) => {
    new TcpConnection(socket, limits, logger, chooseMode, MODE_WAIT_MS, open);
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
