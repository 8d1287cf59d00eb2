import type { Chat } from '../../core/chat.js';
import { disconnect } from '../../core/disconnect.js';
import { CommandBudget, classOf } from '../../core/rate-limit.js';
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

interface Paced {
  readonly command: Command;
  readonly handlers: RunHandlers;
  readonly order: RunOrder;
  readonly started: (done: Promise<void>) => void;
}

/**
 * The one place a TCP session's commands are run and their promises handled.
 *
 * Pacing (FLOOD_*): a command over the connection's budget waits, in order, until the budget
 * allows it (IRC's fakelag): nothing is lost and a flood only slows its sender. More than the
 * hard limit waiting closes the connection with disconnect('flood').
 * An outcome
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
  readonly #budget: CommandBudget | null;
  readonly #clock: () => number;
  /** Commands over budget, waiting their turn, oldest first. */
  readonly #paced: Paced[] = [];
  #pacer: NodeJS.Timeout | null = null;

  constructor(chat: Chat, connection: TcpConnection, sessionId: string, clock: () => number = Date.now) {
    this.#chat = chat;
    this.#connection = connection;
    this.#sessionId = sessionId;
    this.#clock = clock;
    const budgets = connection.floodBudgets;
    this.#budget = budgets === null ? null : new CommandBudget(budgets, clock());
  }

  /** Commands waiting for budget; the session adds its own held lines when it checks the hard limit. */
  get waiting(): number {
    return this.#paced.length;
  }

  /** Past the hard limit: true when `held` lines (waiting here or in the session) are too many. */
  overHardLimit(held: number): boolean {
    return this.#budget !== null && held > this.#budget.budgets.hardLimit;
  }

  /** Closes the connection for flooding and drops what waits. */
  flood(): void {
    this.#paced.length = 0;
    if (this.#pacer) clearTimeout(this.#pacer);
    this.#pacer = null;
    this.#connection.close(disconnect('flood', `Flooding: more than ${this.#budget?.budgets.hardLimit ?? 0} commands waiting`));
  }

  /**
   * Resolves once the command is answered (or has failed and the connection is closing).
   * Over budget, it first waits behind the commands already waiting.
   */
  run(command: Command, handlers: RunHandlers, order: RunOrder = {}): Promise<void> {
    if (this.#budget === null) return this.#start(command, handlers, order);
    if (!this.#connection.open) return Promise.resolve(); // closing (flood, quit): later lines are moot
    if (this.#paced.length === 0) {
      const now = this.#clock();
      this.#budget.setPrivileged(this.#chat.privileged(this.#sessionId), now);
      const kind = classOf(command.type);
      if (this.#budget.waitMs(kind, now) === 0) {
        this.#budget.take(kind, now);
        return this.#start(command, handlers, order);
      }
    }
    if (this.overHardLimit(this.#paced.length + 1)) {
      this.flood();
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      this.#paced.push({ command, handlers, order, started: (done) => void done.then(resolve) });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#pacer !== null || this.#budget === null) return;
    const head = this.#paced[0];
    if (head === undefined) return;
    const wait = this.#budget.waitMs(classOf(head.command.type), this.#clock());
    this.#pacer = setTimeout(() => this.#release(), Math.max(1, Math.min(wait, 60_000)));
  }

  /** Starts every waiting command the budget now allows, in order. */
  #release(): void {
    this.#pacer = null;
    if (!this.#connection.open || this.#budget === null) {
      this.#paced.length = 0;
      return;
    }
    const now = this.#clock();
    this.#budget.setPrivileged(this.#chat.privileged(this.#sessionId), now);
    for (let head = this.#paced[0]; head !== undefined; head = this.#paced[0]) {
      const kind = classOf(head.command.type);
      if (this.#budget.waitMs(kind, now) > 0) break;
      this.#budget.take(kind, now);
      this.#paced.shift();
      head.started(this.#start(head.command, head.handlers, head.order));
    }
    this.#schedule();
  }

  #start(command: Command, handlers: RunHandlers, order: RunOrder): Promise<void> {
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
