import type { JsonServerMessage } from '../../src/protocol/jsonl-shapes.js';
import { Backoff, formatDelay, type BackoffOptions } from './backoff.js';
import { JsonLineConnection, type OpenOptions } from './connection.js';
import type { Target } from './target.js';

/**
 * Keeps one JSON-lines connection to the server, reconnecting with exponential backoff after
 * it drops. Knows nothing of names or rooms: the session is told when a connection is up and
 * redoes hello and its joins itself.
 */
export interface LinkEvents {
  /** A connection is up: the first one, or a reconnect. */
  up(): void;
  message(message: JsonServerMessage): void;
  malformed(line: string, why: string): void;
  /** The connection dropped. Returning false means "do not reconnect" (quitting, or done). */
  down(error: Error | null): boolean;
  /** A status line for the user: lost, retrying. */
  notice(text: string): void;
  /** Reconnect attempts are used up (`maxAttempts`); the notice has been given. */
  gaveUp(): void;
}

export class Link {
  readonly #target: OpenOptions;
  readonly #backoff: Backoff;
  readonly #events: LinkEvents;
  #conn: JsonLineConnection | null = null;
  #timer: NodeJS.Timeout | null = null;
  #stopped = false;

  constructor(target: OpenOptions, backoff: BackoffOptions, events: LinkEvents) {
    this.#target = target;
    this.#backoff = new Backoff(backoff);
    this.#events = events;
  }

  get connection(): JsonLineConnection | null {
    return this.#conn;
  }

  /**
   * The first connect. Resolves to the connect error instead of retrying, so a wrong host or
   * port fails fast; null once connected (and `up` has run).
   */
  async start(): Promise<Error | null> {
    let conn: JsonLineConnection;
    try {
      conn = await this.#open();
    } catch (error) {
      // Only the connect itself is in this try: refused, unreachable, timed out.
      return error instanceof Error ? error : new Error(String(error));
    }
    this.#adopt(conn);
    return null;
  }

  /** The session is whole again (name accepted): the next outage starts from initialMs. */
  settled(): void {
    this.#backoff.reset();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#conn?.destroy();
    this.#conn = null;
  }

  async #open(): Promise<JsonLineConnection> {
    let conn: JsonLineConnection | null = null;
    // Events of a replaced connection are dropped. None can arrive before `conn` is set: socket
    // events are macrotasks, and the await below resumes in a microtask.
    const current = (): boolean => conn !== null && conn === this.#conn;
    conn = await JsonLineConnection.open(this.#target, {
      message: (message) => {
        if (current()) this.#events.message(message);
      },
      malformed: (line, why) => {
        if (current()) this.#events.malformed(line, why);
      },
      close: (error) => {
        if (current()) this.#dropped(error);
      },
    });
    return conn;
  }

  #adopt(conn: JsonLineConnection): void {
    if (this.#stopped) {
      conn.destroy();
      return;
    }
    this.#conn = conn;
    this.#events.up();
  }

  #dropped(error: Error | null): void {
    this.#conn = null;
    if (this.#stopped || !this.#events.down(error)) return;
    const why = error === null ? '' : ` (${describeError(error)})`;
    this.#retry(`Connection lost${why}; reconnecting in`, `Connection lost${why}; giving up.`);
  }

  #retry(lead: string, giveUp: string): void {
    const delay = this.#backoff.next();
    if (delay === null) {
      this.#events.notice(giveUp);
      this.#events.gaveUp();
      return;
    }
    this.#events.notice(`${lead} ${formatDelay(delay)}…`);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#open().then(
        (conn) => this.#adopt(conn),
        (error: unknown) => {
          if (this.#stopped) return;
          const why = describeError(error);
          this.#retry(
            `Reconnect failed (${why}); retrying in`,
            `Could not reconnect to ${formatTarget(this.#target)} (${why}); giving up after ${this.#backoff.attempts} attempts.`,
          );
        },
      );
    }, delay);
  }
}

export function formatTarget({ host, port }: Target): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** One readable phrase for a socket error: "connect ECONNREFUSED 127.0.0.1:4000". */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // A connect to a name with several addresses fails with an AggregateError whose own
  // message is empty; the first inner error says what happened.
  if (error.message === '' && error instanceof AggregateError && error.errors[0] instanceof Error) {
    return describeError(error.errors[0]);
  }
  const code = (error as NodeJS.ErrnoException).code;
  if (error.message === '') return code ?? error.name;
  return code !== undefined && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
}
