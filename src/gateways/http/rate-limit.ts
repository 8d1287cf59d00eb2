import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { chatError } from '../../core/errors.js';
import type { Identity } from '../../core/identity.js';
import { CommandBudget, type CommandClass, type FloodBudgets } from '../../core/rate-limit.js';
import { normaliseAddress } from '../address-limit.js';
import { HttpError, sendError } from './errors.js';

export interface HttpRateLimitDeps {
  readonly budgets: FloodBudgets;
  /** To tell a bot's or an admin's bearer token (larger budget); absent = nobody is privileged. */
  readonly identity: Identity | undefined;
  readonly logger: Logger;
  readonly clock?: () => number;
}

// Budgets idle this long are full again: forgetting them changes nothing and bounds the map.
const FORGET_AFTER_MS = 60_000;
// Whether a bearer token is a bot's or an admin's, remembered this long (one store lookup per token per minute).
const PRIVILEGE_TTL_MS = 60_000;
const MAX_REMEMBERED_TOKENS = 1000;
const BEARER = /^Bearer +(\S{1,512}) *$/i;

/** Reading many rows costs more than one post: history and room lists take the expensive budget too. */
function classOf(request: FastifyRequest): CommandClass {
  if (request.method !== 'GET') return 'general';
  const path = request.url.split('?', 1)[0] ?? '';
  return /^\/api\/rooms(\/[^/]+\/(messages|users))?\/?$/.test(path) ? 'expensive' : 'general';
}

/**
 * Flood control for the HTTP API: one budget per client address (`request.ip`: the last
 * untrusted hop when TRUSTED_PROXIES is set), as the other doors have one per connection.
 * Over budget: 429 `rate_limited` with Retry-After. Requests with the bearer token of a bot or
 * an admin get the privileged multiplier.
 */
export function registerRateLimit(app: FastifyInstance, deps: HttpRateLimitDeps): void {
  const clock = deps.clock ?? Date.now;
  const budgets = new Map<string, { budget: CommandBudget; seen: number }>();
  const privileged = new Map<string, { value: boolean; until: number }>();
  let lastSweep = clock();

  const sweep = (now: number): void => {
    if (now - lastSweep < FORGET_AFTER_MS) return;
    lastSweep = now;
    for (const [key, entry] of budgets) if (now - entry.seen > FORGET_AFTER_MS) budgets.delete(key);
    for (const [token, entry] of privileged) if (entry.until <= now) privileged.delete(token);
  };

  const isPrivileged = async (request: FastifyRequest, now: number): Promise<boolean> => {
    const token = BEARER.exec(request.headers.authorization ?? '')?.[1];
    if (token === undefined || deps.identity === undefined) return false;
    const known = privileged.get(token);
    if (known !== undefined && known.until > now) return known.value;
    const result = await deps.identity.authenticate(token);
    const value = result.ok && (result.value.account.kind === 'bot' || deps.identity.isAdmin(result.value.account));
    if (privileged.size >= MAX_REMEMBERED_TOKENS) privileged.clear();
    privileged.set(token, { value, until: now + PRIVILEGE_TTL_MS });
    return value;
  };

  app.addHook('onRequest', async (request, reply) => {
    // Health probes come from load balancers, often and from one address: never limited.
    if (!/^\/api(\/|\?|$)/.test(request.url) || /^\/api\/health(\/|\?|$)/.test(request.url)) return;
    const now = clock();
    sweep(now);
    const address = normaliseAddress(request.ip);
    let entry = budgets.get(address);
    if (entry === undefined) {
      entry = { budget: new CommandBudget(deps.budgets, now), seen: now };
      budgets.set(address, entry);
    }
    entry.seen = now;
    entry.budget.setPrivileged(await privilegedOrNot(isPrivileged, request, now, deps.logger), now);
    const wait = entry.budget.tryTake(classOf(request), now);
    if (wait === 0) return;
    const retryAfterMs = Number.isFinite(wait) ? wait : 60_000;
    if (entry.budget.refused(now)) {
      // HTTP has no session to end: the keep-alive connection is closed after this answer.
      deps.logger.warn({ address }, 'HTTP client far over its request budget (FLOOD_HARD_LIMIT); closing its connection');
      reply.header('connection', 'close');
    }
    const refused = HttpError.fromChat({ ...chatError('rate_limited', `Too many requests; retry in ${Math.ceil(retryAfterMs / 1000)} s.`), retryAfterMs });
    return sendError(reply, refused.status, refused.code, refused.message, refused.headers);
  });
}

/** A failing account store must not fail the request here: the caller is then not privileged. */
async function privilegedOrNot(
  check: (request: FastifyRequest, now: number) => Promise<boolean>,
  request: FastifyRequest,
  now: number,
  logger: Logger,
): Promise<boolean> {
  try {
    return await check(request, now);
  } catch (error) {
    logger.warn({ err: error }, 'could not check a bearer token for the rate limit; using the ordinary budget');
    return false;
  }
}
