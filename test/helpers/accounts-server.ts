import { randomUUID } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { LocalBus } from '../../src/bus/local.js';
import { ConfigSchema, type Config } from '../../src/config.js';
import { Chat } from '../../src/core/chat.js';
import { Identity, type IdentityOptions } from '../../src/core/identity.js';
import type { SecurityPolicy } from '../../src/gateways/loopback.js';
import { attachSocketGateway, type SocketGateway } from '../../src/gateways/socketio/index.js';
import { startTcpGateway, type TcpGateway } from '../../src/gateways/tcp/index.js';
import { NodeCredentials } from '../../src/identity/credentials.js';
import { MemoryStore } from '../../src/store/memory.js';

export interface AccountsServer {
  readonly chat: Chat;
  readonly tcpPort: number;
  readonly httpPort: number;
  /** Every log line written so far, at every level (trace up), as JSON text. */
  readonly logs: string[];
  close(): Promise<void>;
}

export interface AccountsServerOptions {
  /** Whether a connection may carry passwords (default: the doors' own rule, TLS or loopback). */
  readonly security?: SecurityPolicy;
  readonly identity?: Partial<Pick<IdentityOptions, 'failuresPerName' | 'failuresPerAddress' | 'throttleWindowMs'>>;
  readonly config?: Partial<Config>;
}

/**
 * The TCP and Socket.IO doors over a chat with accounts: a memory store (it keeps accounts)
 * and the real Identity (Argon2id, HMAC token digests). Until the SQLite store keeps accounts,
 * startTestServer has none, so the doors' account tests run here.
 */
export async function startAccountsServer(options: AccountsServerOptions = {}): Promise<AccountsServer> {
  const config = ConfigSchema.parse({ port: 0, tcpPort: 0, host: '127.0.0.1', logLevel: 'trace', console: false, floodControl: false, ...options.config });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = pino({ level: 'trace' }, sink);
  const store = new MemoryStore();
  const identity = new Identity({
    accounts: store,
    credentials: new NodeCredentials('a test secret of enough length'),
    clock: Date.now,
    newId: randomUUID,
    ...options.identity,
  });
  const chat = await Chat.create({ store, bus: new LocalBus(), clock: Date.now, newId: randomUUID, identity });
  const tcp: TcpGateway = await startTcpGateway({ chat, config, logger, security: options.security });
  const http: HttpServer = createServer();
  const gateway: SocketGateway = attachSocketGateway({ httpServer: http, chat, config, logger, security: options.security });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const httpPort = (http.address() as AddressInfo).port;
  return {
    chat,
    tcpPort: tcp.port,
    httpPort,
    logs,
    close: async () => {
      await chat.drain();
      chat.shutdown();
      await tcp.close();
      await gateway.close();
      chat.close();
      await new Promise((resolve) => http.close(resolve));
    },
  };
}
