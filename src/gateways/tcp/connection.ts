import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { disconnect, type Disconnect } from '../../core/disconnect.js';
import type { FloodBudgets } from '../../core/rate-limit.js';
import { LineDecoder } from '../../protocol/line-decoder.js';
import { socketTransport, type TransportSecurity } from '../transport-security.js';

export interface ConnectionLimits {
  readonly maxLineBytes: number;
  readonly maxOutbufBytes: number;
  /** Seconds; 0 disables. */
  readonly idleTimeout: number;
  /** Seconds a connection may stay without a name; 0 disables. */
  readonly namingTimeout: number;
  /** Command budgets for pacing (see CommandRunner); null = no flood control. */
  readonly flood: FloodBudgets | null;
}

/** What a protocol mode does with a connection's input. */
export interface LineHandler {
  line(text: string): void;
  overflow(limit: number): void;
  /** The connection is gone, for `why`. Called exactly once. */
  closed(why: Disconnect): void;
  /** Text to send before closing for the given reason (idle, too slow, shutdown). */
  farewell(why: Disconnect): string | Buffer;
}

/** The text-mode handler every connection starts with; dropped without a trace if the client speaks JSON. */
export interface GreetingHandler extends LineHandler {
  /** The client turned out to speak JSON: forget the session, say nothing. */
  abandon(): void;
}

/** How a connection gets its protocol: text at once (greeting), JSON if the first byte is `{`. */
export interface Modes {
  text(connection: TcpConnection): GreetingHandler;
  json(connection: TcpConnection): LineHandler;
}

// Commands in flight (not yet durable) past which we stop reading a client: a flood is then
// paced by the store's commit per tick, and readers get the event loop between slices.
const PAUSE_AT = 64;
const RESUME_AT = 16;
const CLOSE_GRACE_MS = 2000;
const OPEN_BRACE = 0x7b;
/**
 * Some clients (the seeds' `net` chat clients) write each typed line without a newline, one
 * write per line. Until a connection has sent its first newline, bytes left unterminated for
 * this long are taken as a line. 300 ms: a person waits about that long for an answer without
 * noticing, while the pieces of one write arrive far sooner (microseconds on a LAN, one round
 * trip on the internet), so a line split by TCP is not cut in two. nc and telnet send a
 * newline with their first line, and from then on framing is strict.
 */
export const UNTERMINATED_LINE_MS = 300;

const corked = new Set<Socket>();
let uncorkScheduled = false;

function uncorkAll(): void {
  uncorkScheduled = false;
  for (const socket of corked) socket.uncork();
  corked.clear();
}

/**
 * Everything written to a socket in this tick leaves in one writev. One shared tick callback
 * uncorks them all, so a fan-out to 1,000 sockets schedules one callback, not 1,000.
 */
function corkUntilNextTick(socket: Socket): void {
  if (corked.has(socket)) return;
  socket.cork();
  corked.add(socket);
  if (!uncorkScheduled) {
    uncorkScheduled = true;
    process.nextTick(uncorkAll);
  }
}

/**
 * One TCP connection: bounded output, line framing, idle timeout, close with a reason.
 * Writes within one tick are corked into one syscall.
 */
export class TcpConnection implements TransportSecurity {
  readonly socket: Socket;
  readonly logger: Logger;
  /** Arrived on the TLS port (TLS_TCP_PORT); fixed for the connection's life. */
  readonly secure: boolean;
  /** The peer's address, taken at accept (it stays readable after the socket closes). */
  readonly peerAddress: string;
  /** The peer is this machine: a plain connection that never crossed a network. */
  readonly loopback: boolean;
  readonly #limits: ConnectionLimits;
  readonly #modes: Modes;
  /** Text until the first byte says otherwise; replaced once, by the JSON handler. */
  #handler: LineHandler;
  #greeting: GreetingHandler | null;
  #decoder: LineDecoder | null = null;
  #namingTimer: NodeJS.Timeout | null = null;
  #unterminatedTimer: NodeJS.Timeout | null = null;
  #inFlight = 0;
  #closeReason: Disconnect | null = null;

  /**
   * Greets in text mode at once; the first byte that ever arrives decides the mode for good
   * (`{`: JSON lines, whatever was already written; anything else: text).
   */
  constructor(
    socket: Socket,
    limits: ConnectionLimits,
    logger: Logger,
    modes: Modes,
    /** The gateway's set of open connections; this one is in it until its socket closes. */
    registry: Set<TcpConnection>,
  ) {
    registry.add(this);
    this.socket = socket;
    ({ secure: this.secure, peerAddress: this.peerAddress, loopback: this.loopback } = socketTransport(socket));
    this.logger = logger;
    this.#limits = limits;
    this.#modes = modes;
    // One data listener for the connection's whole life: no closure per mode switch.
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.setNoDelay(true);
    if (limits.idleTimeout > 0) {
      socket.setTimeout(limits.idleTimeout * 1000, () => this.close(disconnect('idle', `Idle for ${limits.idleTimeout} seconds`)));
    }
    if (limits.namingTimeout > 0) {
      this.#namingTimer = setTimeout(() => this.close(disconnect('naming_timeout')), limits.namingTimeout * 1000);
    }
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // Peers vanish all the time; that is a reason to close, not a server fault.
      this.#closeReason ??= disconnect('closed', `Connection error: ${error.code ?? error.message}`);
    });
    socket.once('close', () => {
      registry.delete(this);
      this.#clearTimers();
      const reason = this.#closeReason ?? disconnect('closed');
      this.#closeReason = reason;
      this.#handler.closed(reason);
    });
    this.#greeting = modes.text(this);
    this.#handler = this.#greeting;
  }

  /** The budgets the connection's commands are paced by; null = not paced. */
  get floodBudgets(): FloodBudgets | null {
    return this.#limits.flood;
  }

  /** The session has a name: the naming timeout no longer applies. */
  named(): void {
    if (this.#namingTimer) clearTimeout(this.#namingTimer);
    this.#namingTimer = null;
  }

  #onData(chunk: Buffer): void {
    // Closing (flood, quit, idle): what the peer still sends is not read.
    if (chunk.length === 0 || !this.open) return;
    if (!this.#decoder) {
      if (chunk[0] === OPEN_BRACE && this.#greeting) {
        this.#greeting.abandon();
        this.#handler = this.#modes.json(this);
      }
      this.#decoder = new LineDecoder(this.#limits.maxLineBytes, this.#handler);
    }
    this.#decoder.push(chunk);
    if (this.#handler === this.#greeting && !this.#decoder.sawNewline && this.#decoder.buffered > 0) this.#awaitUnterminated();
  }

  #awaitUnterminated(): void {
    if (this.#unterminatedTimer) clearTimeout(this.#unterminatedTimer);
    this.#unterminatedTimer = setTimeout(() => {
      this.#unterminatedTimer = null;
      if (this.open && this.#decoder && !this.#decoder.sawNewline) this.#decoder.flush();
    }, UNTERMINATED_LINE_MS);
  }

  #clearTimers(): void {
    if (this.#namingTimer) clearTimeout(this.#namingTimer);
    if (this.#unterminatedTimer) clearTimeout(this.#unterminatedTimer);
    this.#namingTimer = null;
    this.#unterminatedTimer = null;
  }

  /** False once closing, and as soon as the peer has gone: writing then only builds errors. */
  get open(): boolean {
    return this.#closeReason === null && this.socket.writable;
  }

  /** Queues bytes; a peer that lets its buffer pass the bound is disconnected. */
  send(data: string | Buffer): void {
    if (!this.open) return;
    corkUntilNextTick(this.socket);
    this.socket.write(data);
    if (this.socket.writableLength > this.#limits.maxOutbufBytes) {
      this.#abort(disconnect('slow_reader'));
    }
  }

  /**
   * Something unexpected broke this connection (a bug, not the peer): log it with `context`
   * (the session id) and cut only this connection; its siblings carry on.
   */
  fail(error: unknown, context: Record<string, unknown> = {}): void {
    this.logger.error({ err: error, remote: this.socket.remoteAddress, ...context }, 'TCP connection failed; closing it');
    if (this.#closeReason === null) this.#abort(disconnect('internal_error'));
  }

  /** Says goodbye (if the peer is still reading) and closes. */
  close(reason: Disconnect, options: { farewell: boolean } = { farewell: true }): void {
    if (!this.open) return;
    const farewell = options.farewell ? this.#handler?.farewell(reason) : undefined;
    if (farewell !== undefined && farewell.length > 0) this.send(farewell);
    this.#closeReason = reason;
    this.#clearTimers();
    // A flooder keeps writing until it notices it was cut: stop reading it, which would only
    // cost CPU. (Not for other reasons: a paused socket never sees the peer's FIN, so it
    // closes only when the grace below runs out.)
    if (reason.code === 'flood') this.socket.pause();
    this.socket.end();
    setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS).unref();
  }

  /** Counts a command that has not completed yet; pauses reading while too many are pending. */
  track<T>(work: Promise<T>): Promise<T> {
    if (++this.#inFlight === PAUSE_AT) this.socket.pause();
    return work.finally(() => {
      if (--this.#inFlight === RESUME_AT && this.open) this.socket.resume();
    });
  }

  #abort(reason: Disconnect): void {
    this.logger.info({ remote: this.socket.remoteAddress, code: reason.code, reason: reason.reason }, 'dropping TCP client');
    this.#closeReason = reason;
    this.socket.destroy();
  }
}
