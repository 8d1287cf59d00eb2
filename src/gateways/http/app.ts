import fastifyCors from '@fastify/cors';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyServerFactory } from 'fastify';
import type { Logger } from 'pino';
import { allowedHosts, corsOrigins, floodBudgets, type Config } from '../../config.js';
import { parseExemptList } from '../address-limit.js';
import type { Chat } from '../../core/chat.js';
import type { Identity } from '../../core/identity.js';
import type { Bus } from '../../core/ports/bus.js';
import type { Store } from '../../store/store.js';
import { maxPacketBytes } from '../socketio/index.js';
import { HostCheck } from './allowed-hosts.js';
import { registerErrorHandling, sendError } from './errors.js';
import { openApiRoute, registerOpenApi } from './openapi.js';
import type { AuthDeps } from './auth.js';
import { authRoutes } from './routes/auth.js';
import { healthRoutes } from './routes/health.js';
import { healthSummaryRoute } from './routes/health-summary.js';
import { metricsRoute } from './routes/metrics.js';
import type { Metrics } from '../../metrics/index.js';
import { messageRoutes } from './routes/messages.js';
import { moderationRoutes } from './routes/moderation.js';
import { roomRoutes } from './routes/rooms.js';
import { tokenRoutes } from './routes/tokens.js';
import { registerRateLimit } from './rate-limit.js';
import { registerSecurityHeaders } from './security.js';
import { registerWebClient } from './static.js';
import { jsonSerializerCompiler, zodValidatorCompiler } from './zod-schema.js';

export interface WebAppDeps {
  readonly chat: Chat;
  readonly store: Store;
  readonly bus?: Pick<Bus, 'state'>;
  /** Accounts and tokens; absent when the store keeps none (account routes and bot posts answer 501). */
  readonly identity?: Identity;
  readonly config: Config;
  readonly logger: Logger;
  readonly isClosing: () => boolean;
  /** Creates the listening server (HTTPS when TLS is on); absent = Fastify's own plain HTTP. */
  readonly serverFactory?: FastifyServerFactory;
  /** This node's metrics: served on /metrics and counted in /api/health; absent = no /metrics. */
  readonly metrics?: Metrics;
  /** Which bus, for /api/health (default local). */
  readonly busKind?: 'local' | 'redis';
}

/** TRUSTED_PROXIES as Fastify's trustProxy: the list of addresses, or false when empty. */
export function trustedProxies(config: Pick<Config, 'trustedProxies'>): string[] | false {
  const list = parseExemptList(config.trustedProxies);
  return list.length > 0 ? list : false;
}

/**
 * The HTTP side of the web door: the JSON API under /api, its OpenAPI document and /docs,
 * and the browser client at /. Not listening yet, so tests may use inject().
 */
export async function buildWebApp(deps: WebAppDeps): Promise<FastifyInstance> {
  const { chat, config } = deps;
  const logger = deps.logger.child({ door: 'http' });
  const app = Fastify({
    // Typed as Fastify's base logger so the instance type stays the plain FastifyInstance.
    loggerInstance: logger as FastifyBaseLogger,
    ...(deps.serverFactory ? { serverFactory: deps.serverFactory } : {}),
    // Per-request lines would drown the chat's own log; failures are logged by the error handler.
    logController: new LogController({ disableRequestLogging: true }),
    // A bot post carries one message: the same bound as a Socket.IO packet.
    bodyLimit: maxPacketBytes(config),
    // request.ip is the last hop not in TRUSTED_PROXIES (X-Forwarded-For is read only from them).
    trustProxy: trustedProxies(config),
    // Keep-alive connections must not hold the server open at shutdown.
    forceCloseConnections: true,
    // Errors Fastify raises before routing (a malformed %-escape in the path) bypass the error
    // handler; they get the same JSON error body as every other 4xx.
    frameworkErrors: (error, request, reply) => {
      const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
      if (status >= 400 && status < 500) {
        void sendError(reply, status, 'bad_request', error.message);
        return;
      }
      logger.error({ err: error, url: request.url, method: request.method }, 'HTTP request failed before routing');
      void sendError(reply, 500, 'internal', 'Internal server error.');
    },
  });

  registerErrorHandling(app, logger);
  registerSecurityHeaders(app);
  // Before CORS and the routes: a browser request under a host we do not serve is refused.
  const hosts = new HostCheck(allowedHosts(config));
  app.addHook('onRequest', async (request, reply) => {
    if (!/^\/api(\/|\?|$)/.test(request.url) || hosts.allows(request.headers)) return;
    logger.warn({ host: request.headers.host, origin: request.headers.origin }, 'HTTP API request refused: host not allowed (ALLOWED_HOSTS)');
    return sendError(reply, 403, 'host_not_allowed', 'This server is not served under that host name (see ALLOWED_HOSTS).');
  });
  const budgets = floodBudgets(config);
  if (budgets !== null) registerRateLimit(app, { budgets, identity: deps.identity, logger });
  const origins = corsOrigins(config);
  // Empty list: CORS stays off, so only same-origin pages may call the API from a browser.
  await app.register(fastifyCors, { origin: origins.length > 0 ? origins : false, methods: ['GET', 'HEAD', 'POST', 'DELETE'], maxAge: 600 });
  await registerOpenApi(app);

  await app.register(async (api) => {
    api.setValidatorCompiler(zodValidatorCompiler);
    api.setSerializerCompiler(jsonSerializerCompiler);
    // The API speaks JSON only: any other body is a 415, not a string that fails validation.
    api.removeContentTypeParser('text/plain');
    healthRoutes(api, { store: deps.store, bus: deps.bus, isClosing: deps.isClosing });
    healthSummaryRoute(api, {
      store: deps.store,
      bus: deps.bus,
      busKind: deps.busKind,
      isClosing: deps.isClosing,
      nodeId: config.nodeId,
      connections: deps.metrics ? () => deps.metrics?.observer.connectionsByDoor() ?? {} : undefined,
    });
    const auth: AuthDeps = { identity: deps.identity, allowInsecureAuth: config.allowInsecureAuth, logger, nameInUse: (name) => chat.nameInUse(name) };
    roomRoutes(api, chat);
    messageRoutes(api, chat, auth);
    authRoutes(api, auth);
    tokenRoutes(api, auth);
    moderationRoutes(api, chat, auth);
  });
  if (deps.metrics) metricsRoute(app, { registry: deps.metrics.registry, token: config.metricsToken });
  openApiRoute(app);
  await registerWebClient(app);
  return app;
}
