import { randomBytes } from 'node:crypto';
import type { Socket } from 'socket.io';
import type { CommandBudget } from '../../core/rate-limit.js';
import type { PeerInfo } from '../../protocol/peer.js';
import { leaveMirrors } from './room-mirror.js';

/** Requests a socket may have queued before it is treated as a flood and closed. */
export const MAX_PENDING_REQUESTS = 256;

/**
 * What the Socket.IO door keeps beside one socket: the core session id and wire-level state
 * only. Names and membership live in the core; `classicRoom` is just where the classic
 * protocol's bare `chatMessage` is addressed (like the TCP text mode's current room).
 * Kept small on purpose: there is one per connection, idle ones included.
 */
export class SocketLink {
  readonly socket: Socket;
  /** The remote address and whether a password may cross this connection. */
  readonly peer: PeerInfo;
  /**
   * The handshake's `auth.token`, until the first `hello` or `joinRoom` logs in with it
   * (rich.ts, classic.ts); then null.
   */
  handshakeToken: string | null;
  /** The account id once logged in (any way); a logged-in socket keeps its account's name. */
  account: string | null = null;
  /** Set once, right after the core creates the session (the core needs the link first). */
  sessionId = '';
  classicRoom: string | null = null;
  /** This socket's flood-control budget; kept by runner.ts (made on its first request), read nowhere else. */
  budget: CommandBudget | null = null;
  /** Bytes in engine.io's write buffer for this socket; kept by outbuf.ts, read nowhere else. */
  unflushedBytes = 0;
  #closing = false;
  /** Made on first use: only Parley's own client (`hello`) is given one. */
  #resumeToken: string | null = null;
  /** The tail of this socket's request queue; null while no request waits (most of a link's life). */
  #queue: Promise<void> | null = null;
  #pending = 0;

  constructor(socket: Socket, peer: PeerInfo, handshakeToken: string | null) {
    this.socket = socket;
    this.peer = peer;
    this.handshakeToken = handshakeToken;
  }

  /** Set once the door has decided to close this socket; no more events are sent to it. */
  get closing(): boolean {
    return this.#closing;
  }

  /**
   * Marks the link as going. It also leaves every mirrored room at once, before the core is
   * told: room broadcasts must never reach a closing link, and the door ignores the core's
   * joins for it from now on (see room-mirror.ts).
   */
  markClosing(): void {
    this.#closing = true;
    leaveMirrors(this.socket);
  }

  /** Secret that lets a reconnecting client take back its own name from a stale session. */
  get resumeToken(): string | null {
    return this.#resumeToken;
  }

  /** Creates the resume secret on first call; the door indexes it (`SocketDoor.resumeTokenOf`). */
  issueResumeToken(): string {
    this.#resumeToken ??= randomBytes(18).toString('base64url');
    return this.#resumeToken;
  }

  /** Whether a request of this socket is running or waiting. */
  get busy(): boolean {
    return this.#pending > 0;
  }

  /** Resolves once no request of this socket is running or waiting. */
  async whenIdle(): Promise<void> {
    while (this.#queue !== null) await this.#queue;
  }

  /**
   * Runs a request after the ones before it from the same socket have finished, so that, for
   * example, a `chatMessage` sent right after `joinRoom` is said in the joined room. Returns
   * false, without running it, when too many requests are already waiting. `onFailure`
   * receives anything the task throws: a bug, not a chat error (those are data).
   */
  enqueue(task: () => Promise<void>, onFailure: (error: unknown) => void): boolean {
    if (this.#pending >= MAX_PENDING_REQUESTS) return false;
    this.#pending++;
    const tail = (this.#queue ?? Promise.resolve())
      .then(task)
      .catch(onFailure)
      .finally(() => {
        // The last one out drops the chain, so an idle link holds no settled promises.
        if (--this.#pending === 0) this.#queue = null;
      });
    this.#queue = tail;
    return true;
  }
}
