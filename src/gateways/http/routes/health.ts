import type { FastifyInstance } from 'fastify';
import { chatError } from '../../../core/errors.js';
import type { Bus } from '../../../core/ports/bus.js';
import type { Store } from '../../../store/store.js';
import { HttpError } from '../errors.js';
import { ErrorSchema, LiveReply, ReadyReply } from '../schemas.js';

/** How long readiness waits for the store before calling it unreachable. */
export const READY_TIMEOUT_MS = 2000;

export interface HealthDeps {
  readonly store: Store;
  /** The cluster bus (Redis); absent or 'up' in one process. */
  readonly bus?: Pick<Bus, 'state'>;
  /** True once the server has begun to stop: not ready, so balancers drain it. */
  readonly isClosing: () => boolean;
}

export function healthRoutes(app: FastifyInstance, deps: HealthDeps): void {
  app.get(
    '/api/health/live',
    { schema: { tags: ['health'], summary: 'Liveness: the process answers', response: { 200: LiveReply } } },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/api/health/ready',
    {
      schema: {
        tags: ['health'],
        summary: 'Readiness: the store and the bus are reachable and the server is not stopping',
        response: { 200: ReadyReply, 503: ErrorSchema },
      },
    },
    async () => {
      if (deps.isClosing()) throw HttpError.fromChat(chatError('shutting_down'));
      if (deps.bus?.state === 'down') throw HttpError.fromChat(chatError('bus_unavailable', 'The bus (Redis) is unreachable; sends are refused until it is back.'));
      const problem = await pingWithin(deps.store, READY_TIMEOUT_MS);
      if (problem !== null) throw HttpError.fromChat(chatError('store_unavailable', `The store is unreachable: ${problem}`));
      return { status: 'ready' as const };
    },
  );
}

/** Null when the store answered in time, else why not. */
async function pingWithin(store: Store, ms: number): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${ms} ms`), ms);
  });
  const ping = store.ping().then(
    () => null,
    (error: unknown) => (error instanceof Error ? error.message : String(error)),
  );
  try {
    return await Promise.race([ping, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
