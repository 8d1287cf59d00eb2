import type { Chat } from '../../core/chat.js';
import { disconnect } from '../../core/disconnect.js';
import type { Command, Outcome } from '../../core/types.js';
import type { TcpConnection } from './connection.js';

/**
 * When a command runs relative to the session's others. By default at once: the core fixes
 * the order of a session's commands synchronously as they arrive.
 */
export interface RunOrder {
  /** Runs only once every earlier command has been answered (quit: its answers come before `bye`). */
  readonly afterEarlier?: boolean;
  /** Later commands wait until this one is answered (hello: the welcome comes first). */
  readonly beforeLater?: boolean;
}

export interface RunHandlers {
  /** Writes the answer. Runs once, in the order the outcomes arrive. */
  answer(outcome: Outcome): void;
  /** Writes the error answer for a command that failed unexpectedly (before the connection closes). */
  internalError(): void;
}

/**
 * The one place a TCP session's commands are run and their promises handled. An outcome
 * (including a ChatError) is answered through `answer`; anything thrown is a bug: it is
 * logged with the session id, the request is answered `internal_error`, and only this
 * connection is closed with disconnect('internal_error').
 */
export class CommandRunner {
  readonly #chat: Chat;
  readonly #connection: TcpConnection;
  readonly #sessionId: string;
  /** Commands not yet answered, in order. */
  readonly #pending = new Set<Promise<void>>();
  /** Set while a `beforeLater` command runs: later ones start after it. */
  #gate: Promise<void> | null = null;

  constructor(chat: Chat, connection: TcpConnection, sessionId: string) {
    this.#chat = chat;
    this.#connection = connection;
    this.#sessionId = sessionId;
  }

  /** Resolves once the command is answered (or has failed and the connection is closing). */
  run(command: Command, handlers: RunHandlers, order: RunOrder = {}): Promise<void> {
    const waitFor: Array<Promise<void>> = order.afterEarlier ? [...this.#pending] : this.#gate ? [this.#gate] : [];
    const started = waitFor.length === 0 ? this.#execute(command) : Promise.all(waitFor).then(() => this.#execute(command));
    const done = started.then(handlers.answer).catch((error: unknown) => this.#failed(error, command, handlers));
    this.#pending.add(done);
    void done.then(() => this.#pending.delete(done));
    if (order.beforeLater) {
      this.#gate = done;
      void done.then(() => {
        if (this.#gate === done) this.#gate = null;
      });
    }
    return done;
  }

  #execute(command: Command): Promise<Outcome> {
    try {
      return this.#connection.track(this.#chat.execute(this.#sessionId, command));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  #failed(error: unknown, command: Command, handlers: RunHandlers): void {
    this.#connection.logger.error({ err: error, session: this.#sessionId, command: command.type, ...('room' in command && command.room !== undefined ? { room: command.room } : {}) }, 'TCP command failed unexpectedly; closing its connection');
    if (!this.#connection.open) return;
    handlers.internalError();
    this.#connection.close(disconnect('internal_error'));
  }
}
