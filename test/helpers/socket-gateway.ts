import { randomUUID } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { LocalBus } from '../../src/bus/local.js';
import { ConfigSchema, type Config } from '../../src/config.js';
import { Chat } from '../../src/core/chat.js';
import { attachSocketGateway, type SocketGateway } from '../../src/gateways/socketio/index.js';
import { MemoryStore } from '../../src/store/memory.js';
import type { Store } from '../../src/store/store.js';

export interface GatewayFixture {
  readonly chat: Chat;
  readonly gateway: SocketGateway;
  readonly port: number;
  close(): Promise<void>;
}

/** The Socket.IO door alone on a loopback port, over a memory store: its parts stay reachable for fault injection. */
export async function startSocketGateway(overrides: Partial<Config> = {}, store: Store = new MemoryStore()): Promise<GatewayFixture> {
  // Flood control off unless a test asks: most tests send faster than a person types.
  const config = ConfigSchema.parse({ port: 0, tcpPort: 0, host: '127.0.0.1', logLevel: 'silent', console: false, floodControl: false, ...overrides });
  const chat = await Chat.create({ store, bus: new LocalBus(), clock: Date.now, newId: randomUUID });
  const http: HttpServer = createServer();
  const gateway = attachSocketGateway({ httpServer: http, chat, config, logger: pino({ level: 'silent' }) });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const port = (http.address() as AddressInfo).port;
  return {
    chat,
    gateway,
    port,
    close: async () => {
      await gateway.close();
      chat.close();
      await new Promise((resolve) => http.close(resolve));
    },
  };
}
