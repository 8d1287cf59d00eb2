import { randomBytes } from 'node:crypto';
import type { ClientRequest } from './auth-requests.js';
import { isChatRequest } from './commands.js';

/**
 * Requests sent and not yet answered. Every request gets an `id` of its own; the server answers
 * each exactly once, with that id as `re`, so the answer can be matched to what was asked (the
 * text of a `/msg`, whether a join was part of restoring rooms after a reconnect).
 *
 * The id of a `say` or `action` is also its retry key: the server stores a message once per id
 * (24 h window, across restarts) and answers a repeat with the first message's ack. So ids are
 * unique across connections and runs (a random prefix per client, then a counter), and a line
 * resent after a reconnect keeps the id it was first sent with.
 */
export interface Pending {
  readonly request: ClientRequest;
  /** A join or leave that sets rooms up after hello; input waits until all such are answered. */
  readonly sync?: 'initial' | 'resync';
}

/** A request with the id it went out with. */
export type Sent = ClientRequest & { readonly id: string };

/** say and action: stored once per id by the server, so safe to send again with the same id. */
export function isRetryable(request: ClientRequest): boolean {
  return request.type === 'say' || request.type === 'action';
}

/**
 * Requests whose answer changes what later lines mean (the current room, one's name): a line
 * typed or piped after one of these waits for its answer.
 */
export function changesState(request: ClientRequest): boolean {
  return request.type === 'join' || request.type === 'leave' || request.type === 'nick' || request.type === 'login' || request.type === 'register';
}

export function newClientPrefix(): string {
  return randomBytes(9).toString('hex');
}

export class InFlight {
  readonly #pending = new Map<string, Pending>();
  readonly #prefix: string;
  #nextId = 1;
  #syncOpen = 0;
  #blockingOpen = 0;

  constructor(prefix: string = newClientPrefix()) {
    this.#prefix = prefix;
  }

  /** Records the request and returns it with its id, ready to write. A request that already has an id (a retry) keeps it. */
  add(request: ClientRequest, sync?: Pending['sync']): Sent {
    const id = typeof request.id === 'string' ? request.id : `${this.#prefix}-${this.#nextId++}`;
    const sent: Sent = { ...request, id };
    this.#pending.set(id, sync === undefined ? { request: sent } : { request: sent, sync });
    if (sync !== undefined) this.#syncOpen += 1;
    if (changesState(request)) this.#blockingOpen += 1;
    return sent;
  }

  /** The request an answer belongs to, forgotten once taken. */
  take(re: unknown): Pending | undefined {
    if (re === null || re === undefined) return undefined;
    const key = String(re);
    const pending = this.#pending.get(key);
    this.#pending.delete(key);
    if (pending?.sync !== undefined) this.#syncOpen -= 1;
    if (pending !== undefined && changesState(pending.request)) this.#blockingOpen -= 1;
    return pending;
  }

  get size(): number {
    return this.#pending.size;
  }

  /** Sync requests still unanswered. */
  get syncOpen(): number {
    return this.#syncOpen;
  }

  /** Unanswered requests that change state (join, leave, nick, login, register): typed lines wait behind them. */
  get blockingOpen(): number {
    return this.#blockingOpen;
  }

  /** The chat lines among the requests: what the user must be told about if the link drops. */
  chatTexts(): string[] {
    return [...this.#pending.values()].flatMap(({ request }) => (isChatRequest(request) ? [request.text] : []));
  }

  /**
   * The connection is gone: no answer will come for any of these. Returns the retryable ones
   * (with their ids, in the order sent) for resending after the reconnect; the rest are lost.
   */
  clear(): { retry: Sent[]; lost: ClientRequest[] } {
    const retry: Sent[] = [];
    const lost: ClientRequest[] = [];
    for (const { request } of this.#pending.values()) {
      if (isRetryable(request)) retry.push(request as Sent);
      else lost.push(request);
    }
    this.#pending.clear();
    this.#syncOpen = 0;
    this.#blockingOpen = 0;
    return { retry, lost };
  }
}
