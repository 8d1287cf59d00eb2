import { isPortUnavailable } from './ports/unavailable.js';
import type { Names } from './ports/names.js';
import type { Session } from './session.js';

export type ClaimResult = 'ok' | 'taken' | 'unavailable';

/**
 * The names held by this node's sessions, backed by the cluster-wide Names port (one map in
 * a single process; Redis with several nodes). The local map answers "who here is called X"
 * (for private messages) without a round trip; the port decides who may take a name.
 * The owner in the port is the session id for a guest, and `acct:<id>` for a logged-in
 * account, so every connection of one account (a phone and a laptop) holds the same name.
 */
export class NameRegistry {
  readonly #names: Names;
  readonly #onError: (error: unknown) => void;
  readonly #local = new Map<string, Set<Session>>();
  /** Keys being claimed by a session of this node, so two local claims of one name never race. */
  readonly #claiming = new Set<string>();

  constructor(names: Names, onError: (error: unknown) => void) {
    this.#names = names;
    this.#onError = onError;
  }

  /** This node's sessions holding `key` (several only for one account's connections). */
  local(key: string): ReadonlySet<Session> {
    return this.#local.get(key) ?? EMPTY;
  }

  /**
   * Takes `key` for `session` (releasing its previous name, held by `previousOwner`, once the new
   * one is held: a guest logging in changes owner as well as name).
   */
  async claim(session: Session, key: string, previousOwner: string = ownerOf(session)): Promise<ClaimResult> {
    const owner = ownerOf(session);
    const here = this.#local.get(key);
    if (here?.has(session)) return 'ok';
    const holder = here === undefined ? undefined : [...here][0];
    if (holder !== undefined && ownerOf(holder) !== owner) return 'taken';
    if (holder === undefined && this.#claiming.has(key)) return 'taken';
    this.#claiming.add(key);
    let won: boolean;
    try {
      won = await this.#names.claim(key, owner);
    } catch (error) {
      if (isPortUnavailable(error)) return 'unavailable';
      throw error;
    } finally {
      this.#claiming.delete(key);
    }
    if (!won) return 'taken';
    if (session.key !== null && session.key !== key) this.release(session, previousOwner);
    let sessions = this.#local.get(key);
    if (!sessions) this.#local.set(key, (sessions = new Set()));
    sessions.add(session);
    return 'ok';
  }

  /** The session keeps its name under a new owner (a guest registering the name it uses). */
  async reown(session: Session, key: string, previousOwner: string): Promise<ClaimResult> {
    const owner = ownerOf(session);
    if (owner === previousOwner) return 'ok';
    try {
      await this.#names.release(key, previousOwner);
      return (await this.#names.claim(key, owner)) ? 'ok' : 'taken';
    } catch (error) {
      if (isPortUnavailable(error)) return 'unavailable';
      throw error;
    }
  }

  /**
   * Frees the session's current name, here at once and in the port in the background, unless
   * another connection of the same account still holds it.
   */
  release(session: Session, owner: string = ownerOf(session)): void {
    const key = session.key;
    if (key === null) return;
    const sessions = this.#local.get(key);
    if (!sessions?.delete(session)) return;
    if (sessions.size > 0) return;
    this.#local.delete(key);
    this.#releaseInPort(key, owner);
  }

  /** Frees a name held by a session of a node that is gone (reported by Presence). */
  releaseFor(key: string, owner: string): void {
    this.#releaseInPort(key, owner);
  }

  /** Whether anyone, on any node, holds `key`. Throws PortUnavailableError when that cannot be known. */
  async held(key: string): Promise<boolean> {
    if (this.#local.has(key)) return true;
    return (await this.#names.holder(key)) !== null;
  }

  #releaseInPort(key: string, owner: string): void {
    this.#names.release(key, owner).catch((error: unknown) => {
      // A name the port cannot free now lapses by its TTL when this node stops renewing it.
      if (!isPortUnavailable(error)) this.#onError(error);
    });
  }
}

const EMPTY: ReadonlySet<Session> = new Set();

/** Who holds a session's name in the Names port. */
export function ownerOf(session: Session): string {
  return session.account === null ? session.id : `acct:${session.account.id}`;
}
