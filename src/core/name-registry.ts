import { isPortUnavailable } from './ports/unavailable.js';
import type { Names } from './ports/names.js';
import type { Session } from './session.js';

export type ClaimResult = 'ok' | 'taken' | 'unavailable';

/**
 * The names held by this node's sessions, backed by the cluster-wide Names port (one map in
 * a single process; Redis with several nodes). The local map answers "who here is called X"
 * (for private messages) without a round trip; the port decides who may take a name.
 * Owners in the port are session ids, unique cluster-wide.
 */
export class NameRegistry {
  readonly #names: Names;
  readonly #onError: (error: unknown) => void;
  readonly #local = new Map<string, Session>();
  /** Keys being claimed by a session of this node, so two local claims of one name never race. */
  readonly #claiming = new Set<string>();

  constructor(names: Names, onError: (error: unknown) => void) {
    this.#names = names;
    this.#onError = onError;
  }

  local(key: string): Session | undefined {
    return this.#local.get(key);
  }

  /** Takes `key` for `session` (releasing its previous name once the new one is held). */
  async claim(session: Session, key: string): Promise<ClaimResult> {
    const here = this.#local.get(key);
    if (here === session) return 'ok';
    if (here !== undefined || this.#claiming.has(key)) return 'taken';
    this.#claiming.add(key);
    let won: boolean;
    try {
      won = await this.#names.claim(key, session.id);
    } catch (error) {
      if (isPortUnavailable(error)) return 'unavailable';
      throw error;
    } finally {
      this.#claiming.delete(key);
    }
    if (!won) return 'taken';
    if (session.key !== null && session.key !== key) this.release(session);
    this.#local.set(key, session);
    return 'ok';
  }

  /** Frees the session's current name, here at once and in the port in the background. */
  release(session: Session): void {
    const key = session.key;
    if (key === null || this.#local.get(key) !== session) return;
    this.#local.delete(key);
    this.#names.release(key, session.id).catch((error: unknown) => {
      // A name the port cannot free now lapses by its TTL when this node stops renewing it.
      if (!isPortUnavailable(error)) this.#onError(error);
    });
  }

  /** Frees a name held by a session of a node that is gone (reported by Presence). */
  releaseFor(key: string, owner: string): void {
    this.#names.release(key, owner).catch((error: unknown) => {
      if (!isPortUnavailable(error)) this.#onError(error);
    });
  }

  /** Whether anyone, on any node, holds `key`. Throws PortUnavailableError when that cannot be known. */
  async held(key: string): Promise<boolean> {
    if (this.#local.has(key)) return true;
    return (await this.#names.holder(key)) !== null;
  }
}
