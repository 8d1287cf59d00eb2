import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { sendError } from '../errors.js';

export interface MetricsRouteDeps {
  readonly registry: Registry;
  /** METRICS_TOKEN: when not empty, a scrape must send `Authorization: Bearer <token>`. */
  readonly token: string;
}

/** Constant-time comparison, so the answer's timing does not tell how much of a guess was right. */
function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The bearer token of an Authorization header, or null. */
function bearer(header: unknown): string | null {
  if (typeof header !== 'string') return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}

/**
 * GET /metrics: Prometheus text exposition of this node. Outside /api (Prometheus's default
 * path), so it is not subject to ALLOWED_HOSTS or CORS; with METRICS_TOKEN set, it answers
 * 401 without the right bearer token.
 */
export function metricsRoute(app: FastifyInstance, deps: MetricsRouteDeps): void {
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    if (deps.token !== '') {
      const given = bearer(request.headers.authorization);
      if (given === null || !sameSecret(given, deps.token)) {
        void reply.header('www-authenticate', 'Bearer realm="metrics"');
        return sendError(reply, 401, 'bad_token', 'GET /metrics needs "Authorization: Bearer <METRICS_TOKEN>".');
      }
    }
    const body = await deps.registry.metrics();
    return reply.header('content-type', deps.registry.contentType).header('cache-control', 'no-store').send(body);
  });
}
