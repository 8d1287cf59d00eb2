import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Bus } from '../../../core/ports/bus.js';
import { pingWithin } from '../../../store/ping.js';
import type { Store } from '../../../store/store.js';
import { PARLEY_VERSION } from '../../../version.js';
import { READY_TIMEOUT_MS } from './health.js';

export interface HealthSummaryDeps {
  readonly store: Pick<Store, 'ping'>;
  /** The cluster bus; absent in one process (always up). */
  readonly bus?: Pick<Bus, 'state'>;
  /** Which bus: in-process or Redis (default local). */
  readonly busKind?: 'local' | 'redis';
  readonly isClosing: () => boolean;
  readonly nodeId: string;
  /** Open sessions by door; absent = none counted. */
  readonly connections?: () => Record<string, number>;
  /** Seconds this process has run. */
  readonly uptime?: () => number;
}

const Part = z.object({ state: z.enum(['up', 'down']), error: z.string().optional() });

export const HealthSummary = z.object({
  status: z.enum(['ok', 'unavailable', 'shutting_down']),
  version: z.string(),
  node: z.string(),
  uptimeSeconds: z.number(),
  store: Part,
  bus: Part.extend({ kind: z.enum(['local', 'redis']) }),
  connections: z.record(z.string(), z.number()),
});
export type HealthSummary = z.infer<typeof HealthSummary>;

/**
 * GET /api/health: one summary for people and dashboards. 200 with status "ok" when ready
 * (the same rule as /api/health/ready), else 503 with the same body saying which part is down.
 */
export function healthSummaryRoute(app: FastifyInstance, deps: HealthSummaryDeps): void {
  app.get(
    '/api/health',
    {
      schema: {
        tags: ['health'],
        summary: 'Summary: status, version, node, uptime, store and bus state, connections by door; 503 when not ready',
        response: { 200: HealthSummary, 503: HealthSummary },
      },
    },
    async (_request, reply) => {
      const problem = await pingWithin(deps.store, READY_TIMEOUT_MS);
      const busDown = deps.bus?.state === 'down';
      const closing = deps.isClosing();
      const summary: HealthSummary = {
        status: closing ? 'shutting_down' : problem !== null || busDown ? 'unavailable' : 'ok',
        version: PARLEY_VERSION,
        node: deps.nodeId,
        uptimeSeconds: Math.round((deps.uptime ?? process.uptime)()),
        store: problem === null ? { state: 'up' } : { state: 'down', error: problem },
        bus: { kind: deps.busKind ?? 'local', state: busDown ? 'down' : 'up' },
        connections: deps.connections?.() ?? {},
      };
      return reply.code(summary.status === 'ok' ? 200 : 503).send(summary);
    },
  );
}
