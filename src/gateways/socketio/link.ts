import { randomBytes } from 'node:crypto';
import type { Socket } from 'socket.io';
import { OutputMeter } from './outbuf.js';

/** Requests a socket may have queued before it is treated as a flood and closed. */
export const MAX_PENDING_REQUESTS = 256;

/**
 * What the Socket.IO door keeps beside one socket: the core session id and wire-level state
 * only. Names and membership live in the core; `classicRoom` is just where the classic
 * protocol's bare `chatMessage` is addressed (like the TCP text mode's current room).
 */
export class SocketLink {
  readonly socket: Socket;
  /** Set once, right after the core creates the session (the core needs the link first). */
  sessionId = '';
  /** Secret that lets a reconnecting client take back its own name from a stale session. */
  readonly resumeToken = randomBytes(18).toString('base64url');
  readonly output: OutputMeter;
  classicRoom: string | null = null;
  /** Set once the door has decided to close this socket; no more events are sent to it. */
  closing = false;
  readonly #onFailure: (error: unknown) => void;
  #queue: Promise<void> = Promise.resolve();
  #pending = 0;

  /** `onFailure` receives anything a request throws: a bug, not a chat error (those are data). */
  constructor(socket: Socket, onFailure: (error: unknown) => void) {
    this.socket = socket;
    this.output = new OutputMeter(socket);
    this.#onFailure = onFailure;
  }

  /**
   * Runs a request after the ones before it from the same socket have finished, so that, for
   * example, a `chatMessage` sent right after `joinRoom` is said in the joined room. Returns
   * false, without running it, when too many requests are already waiting.
   */
  enqueue(task: () => Promise<void>): boolean {
    if (this.#pending >= MAX_PENDING_REQUESTS) return false;
    this.#pending++;
    this.#queue = this.#queue
      .then(task)
      .catch(this.#onFailure)
      .finally(() => {
        this.#pending--;
      });
    return true;
  }
}
