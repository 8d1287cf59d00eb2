import type { DisconnectCode } from '../disconnect.js';
import type { ErrorCode } from '../errors.js';
import type { Command } from '../types.js';

/**
 * What the core tells whoever watches it (metrics). Every argument is bounded: a door name,
 * a command type, an error or disconnect code, a count or a duration; never a room or user
 * name, so an implementation may use them as metric labels. Calls are synchronous and must
 * not throw; the core does not wait on them.
 */
export interface Observer {
  /** A session opened behind `door` (one per TCP or Socket.IO connection). */
  sessionOpened(door: string): void;
  /** A session behind `door` ended, for the reason `code`. */
  sessionClosed(door: string, code: DisconnectCode): void;
  /** A room message (say, action, topic, bot post) was stored; `storeMs` is how long the store took. */
  messageStored(storeMs: number): void;
  /** A command of `type` was refused with `code` (for a message: why it was not posted). */
  commandRefused(type: Command['type'] | 'post', code: ErrorCode): void;
  /** A resume was answered: 'ok' or the error code. */
  resumed(outcome: 'ok' | ErrorCode): void;
  /**
   * `count` connections of `door` were handed one event; for a room message, `latencyMs` is
   * the time since this message was received (the receiving node's clock).
   */
  delivered(door: string, count: number, latencyMs?: number): void;
}

/** The default: watches nothing. */
export const NO_OBSERVER: Observer = {
  sessionOpened: () => {},
  sessionClosed: () => {},
  messageStored: () => {},
  commandRefused: () => {},
  resumed: () => {},
  delivered: () => {},
};
