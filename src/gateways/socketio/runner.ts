import type { Logger } from 'pino';
import type { Chat } from '../../core/chat.js';
import { disconnect } from '../../core/disconnect.js';
import { chatError, type ChatError } from '../../core/errors.js';
import { CommandBudget, classOf, type CommandClass, type FloodBudgets } from '../../core/rate-limit.js';
import type { SocketDoor } from './door.js';
import { routeIncoming, type Ack } from './incoming.js';
import type { SocketLink } from './link.js';
import { failed, type RequestContext, type Result } from './request.js';
import { ROUTES, type Route } from './routes.js';

/** Shared by every connection of the door: made once, not per socket. */
export interface RunnerDeps {
  readonly chat: Chat;
  readonly door: SocketDoor;
  readonly logger: Logger;
  readonly clock: () => number;
  /** Per-socket command budgets (FLOOD_*); null or absent = no flood control. */
  readonly flood?: FloodBudgets | null;
}

// Classic `chatMessage` lines and rich requests, by what they cost (see core/rate-limit.ts).
const CLASSIC_SLASH_CLASS: ReadonlyArray<readonly [RegExp, CommandClass]> = [
  [/^\/(history|rooms|who)\b/i, 'expensive'],
  [/^\/(msg|join|nick)\b/i, 'social'],
];

const RICH_CLASS: ReadonlyMap<string, CommandClass> = new Map(
  (['history', 'rooms', 'who', 'msg', 'join', 'nick'] as const).map((type) => [type, classOf(type)] as const),
);

function requestClass(name: string, payload: unknown): CommandClass {
  if (name === 'joinRoom') return 'social';
  if (name === 'chatMessage') {
    if (typeof payload !== 'string') return 'general';
    return CLASSIC_SLASH_CLASS.find(([pattern]) => pattern.test(payload))?.[1] ?? 'general';
  }
  return RICH_CLASS.get(name) ?? 'general';
}

/**
 * Over budget: answers `rate_limited` with the wait and returns true; a socket that keeps
 * sending far past its budget (FLOOD_HARD_LIMIT refusals within 10 s) is disconnected.
 */
function refusedForFlood(deps: RunnerDeps, link: SocketLink, name: string, payload: unknown, ack: Ack | undefined): boolean {
  const budgets = deps.flood ?? null;
  if (budgets === null) return false;
  const now = deps.clock();
  link.budget ??= new CommandBudget(budgets, now);
  link.budget.setPrivileged(deps.chat.privileged(link.sessionId), now);
  const wait = link.budget.tryTake(requestClass(name, payload), now);
  if (wait === 0) return false;
  const retryAfterMs = Number.isFinite(wait) ? wait : 60_000;
  const error: ChatError = { ...chatError('rate_limited', `Too many requests; retry in ${Math.ceil(retryAfterMs / 1000)} s.`), retryAfterMs };
  answer(link, failed(error), ack);
  if (link.budget.refused(now)) {
    deps.door.kick(link, disconnect('flood', `Flooding: more than ${budgets.hardLimit} requests refused within 10 s`));
  }
  return true;
}

/**
 * The door's one command runner: every event a socket sends comes through here, as the raw
 * arguments socket.io hands over (names, payloads and acks unchecked).
 *
 * Contract: each request is answered exactly once: in its ack when it has one, else (only on
 * failure) by an `error` event. Requests of one socket run one after the other. Something
 * unexpected (a bug, not a chat error: those are data) is logged with the session id, answered
 * `internal_error`, and closes that socket only (disconnect code `internal_error`).
 */
export function runIncoming(deps: RunnerDeps, link: SocketLink, args: readonly unknown[]): void {
  try {
    const incoming = routeIncoming(args, ROUTES);
    if (incoming.kind === 'refused') {
      answer(link, failed(incoming.error), incoming.ack);
      return;
    }
    const { name, route, payload, ack } = incoming;
    if (refusedForFlood(deps, link, name, payload, ack)) return;
    const ctx: RequestContext = { chat: deps.chat, door: deps.door, link, clock: deps.clock };
    const accepted = link.enqueue(
      () => runOne(deps, ctx, name, route, payload, ack),
      (error) => unexpected(deps, link, name, error, undefined),
    );
    if (!accepted) {
      answer(link, failed(chatError('bad_request', 'Too many requests in flight.')), ack);
      deps.door.kick(link, disconnect('flood', 'Too many requests in flight'));
    }
  } catch (error) {
    // Runs inside socket.io's packet dispatch: a throw here would be uncaught.
    unexpected(deps, link, null, error, undefined);
  }
}

async function runOne(deps: RunnerDeps, ctx: RequestContext, name: string, route: Route, payload: unknown, ack: Ack | undefined): Promise<void> {
  let result: Result;
  try {
    result = await route(ctx, payload);
  } catch (error) {
    unexpected(deps, ctx.link, name, error, ack);
    return;
  }
  answer(ctx.link, result, ack);
}

function unexpected(deps: RunnerDeps, link: SocketLink, event: string | null, error: unknown, ack: Ack | undefined): void {
  if (ack !== undefined) ack(errorAnswer(chatError('internal_error')));
  deps.door.fail(link, error, event === null ? 'request' : `request ${event}`);
}

function errorAnswer(error: ChatError): { ok: false; error: { code: string; text: string; retryAfterMs?: number } } {
  const wire = { code: error.code, text: error.text };
  return { ok: false, error: error.retryAfterMs === undefined ? wire : { ...wire, retryAfterMs: error.retryAfterMs } };
}

/** Answers in the ack when the client asked for one, else a failure goes out as an `error` event. */
function answer(link: SocketLink, result: Result, ack: Ack | undefined): void {
  if (ack !== undefined) ack(result.ok ? { ok: true, ...result.data } : errorAnswer(result.error));
  else if (!result.ok) link.socket.emit('error', errorAnswer(result.error).error);
}
