/**
 * `parley connect`: a terminal client speaking the JSON-lines protocol (docs/protocol.md).
 * src/cli.ts parses the flags and calls runConnect; everything else is in this folder, which
 * imports only the protocol's shapes, never the core or the gateways.
 */
import type { ClientTls } from './connection.js';
import { ConnectSession } from './session.js';

export { DEFAULT_PORT, DEFAULT_TLS_PORT, parseTarget } from './target.js';

export interface ConnectOptions {
  host: string;
  port: number;
  /** Connect over TLS (the server's TLS_TCP_PORT); absent = plain TCP. */
  tls?: ClientTls;
  /** Asked at the prompt (or read as the first input line) when absent. */
  name?: string;
  /** Joined, and made current, once the name is accepted. */
  room?: string;
  /** false turns colour off; colour also needs a TTY output and NO_COLOR unset. */
  color?: boolean;
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  /** Backoff after a lost connection; default 1s doubling to 30s, forever. */
  reconnect?: { initialMs: number; maxMs: number; maxAttempts?: number };
  /** Prompt and line editing on or off; default: on when input and output are both TTYs. */
  terminal?: boolean;
  /** After input ends, how long to wait for the server to confirm lines already sent. */
  drainTimeoutMs?: number;
  /** Where NO_COLOR, XDG_CONFIG_HOME and HOME are read; default process.env. */
  env?: NodeJS.ProcessEnv;
  /**
   * Log in with a password (asked without echo, never taken from argv) rather than as a
   * guest. A login saved for this server (token file) is used first either way.
   */
  login?: boolean;
  /** Where the token file lives; default `$XDG_CONFIG_HOME/parley` or `~/.config/parley`. */
  configDir?: string;
}

/**
 * Runs until the user quits (/quit, Ctrl-C, Ctrl-D, end of piped input) or the client gives
 * up. Resolves to the exit code: 0 on a clean quit; 1 when the first connect fails, when
 * reconnecting gives up, or, for piped input, when any line was refused or left unconfirmed.
 */
export async function runConnect(options: ConnectOptions): Promise<number> {
  return new ConnectSession(options).run();
}

