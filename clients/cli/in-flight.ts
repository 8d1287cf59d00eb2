import type { JsonRequest } from '../../src/protocol/jsonl-shapes.js';
import { isChatRequest } from './commands.js';

/**
 * Requests sent and not yet answered. Every request gets a fresh `id`; the server answers each
 * exactly once, with that id as `re`, so the answer can be matched to what was asked (the text
 * of a `/msg`, whether a join was part of restoring rooms after a reconnect).
 */
export interface Pending {
  readonly request: JsonRequest;
  /** A join or leave that sets rooms up after hello; input waits until all such are answered. */
  readonly sync?: 'initial' | 'resync';
}

export class InFlight {
  readonly #pending = new Map<string, Pending>();
  #nextId = 1;
  #syncOpen = 0;

  /** Records the request and returns it with its id, ready to write. */
  add(request: JsonRequest, sync?: Pending['sync']): JsonRequest {
    const id = `c${this.#nextId++}`;
    this.#pending.set(id, sync === undefined ? { request } : { request, sync });
    if (sync !== undefined) this.#syncOpen += 1;
    return { ...request, id };
  }

  /** The request an answer belongs to, forgotten once taken. */
  take(re: unknown): Pending | undefined {
    if (re === null || re === undefined) return undefined;
    const key = String(re);
    const pending = this.#pending.get(key);
    this.#pending.delete(key);
    if (pending?.sync !== undefined) this.#syncOpen -= 1;
    return pending;
  }

  get size(): number {
    return this.#pending.size;
  }

  /** Sync requests still unanswered. */
  get syncOpen(): number {
    return this.#syncOpen;
  }

  /** The chat lines among the requests: what the user must be told about if the link drops. */
  chatTexts(): string[] {
    return [...this.#pending.values()].flatMap(({ request }) => (isChatRequest(request) ? [request.text] : []));
  }

  /** The connection is gone: no answer will come for any of these. */
  clear(): void {
    this.#pending.clear();
    this.#syncOpen = 0;
  }
}
