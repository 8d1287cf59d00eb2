import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import type { Chat } from '../../core/chat.js';
import type { Identity } from '../../core/identity.js';
import type { Bus } from '../../core/ports/bus.js';
import type { Store } from '../../store/store.js';
import { limitConnections, type AddressLimit } from '../address-limit.js';
import { attachSocketGateway } from '../socketio/index.js';
import type { TlsCertificates } from '../tls/certificates.js';
import { httpsServerFactory } from '../tls/https-server.js';
import { buildWebApp } from './app.js';
import type { Metrics } from '../../metrics/index.js';

export interface WebGatewayDeps {
  readonly chat: Chat;
  readonly store: Store;
  /** Accounts and tokens (server.ts openIdentity); absent when the store keeps none. */
  readonly identity?: Identity;
  /** Readiness reports it; absent = in-process (always up). */
  readonly bus?: Pick<Bus, 'state'>;
  readonly config: Config;
  /** Counts this server's connections per address together with the TCP door's. */
  readonly addressLimit?: AddressLimit;
  readonly logger: Logger;
  /** Set: HTTPS (and wss) on PORT with these certificates instead of plain HTTP. */
  readonly tls?: TlsCertificates;
  /** Served on /metrics and counted in /api/health. */
  readonly metrics?: Metrics;
  readonly busKind?: 'local' | 'redis';
}

export interface WebGateway {
  /** The bound port (the real one when config.port is 0). */
  readonly port: number;
  close(): Promise<void>;
}

/**
 * One Fastify server on PORT: the HTTP API, the browser client, and Socket.IO on /socket.io/;
 * over HTTPS when `tls` is given (the same port then speaks only TLS).
 */
export async function startWebGateway(deps: WebGatewayDeps): Promise<WebGateway> {
  let closing = false;
  const serverFactory = deps.tls ? httpsServerFactory(deps.tls) : undefined;
  const app = await buildWebApp({ ...deps, serverFactory, isClosing: () => closing });
  if (deps.addressLimit) limitConnections(app.server, deps.addressLimit);
  const sockets = attachSocketGateway({ httpServer: app.server, chat: deps.chat, config: deps.config, logger: deps.logger });
  try {
    await app.listen({ port: deps.config.port, host: deps.config.host });
  } catch (error) {
    await sockets.close();
    await app.close();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : deps.config.port;

  let closed: Promise<void> | null = null;
  return {
    port,
    close: () => {
      closed ??= (async () => {
        closing = true;
        await sockets.close();
        await app.close();
      })();
      return closed;
    },
  };
}
