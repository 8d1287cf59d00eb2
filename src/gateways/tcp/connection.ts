import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { disconnect, type Disconnect } from '../../core/disconnect.js';
import { LineDecoder } from '../../protocol/line-decoder.js';

export interface ConnectionLimits {
  readonly maxLineBytes: number;
  readonly maxOutbufBytes: number;
  /** Seconds; 0 disables. */
  readonly idleTimeout: number;
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

// Commands in flight (not yet durable) past which we stop reading a client: a flood is then
// paced by the store's commit per tick, and readers get the event loop between slices.
const PAUSE_AT = 64;
const RESUME_AT = 16;
const CLOSE_GRACE_MS = 2000;

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
export class TcpConnection {
  readonly socket: Socket;
  readonly #limits: ConnectionLimits;
  readonly #logger: Logger;
  readonly #chooseMode: (connection: TcpConnection, first: Buffer) => LineHandler;
  #handler: LineHandler | null = null;
  #decoder: LineDecoder | null = null;
  #modeTimer: NodeJS.Timeout | null;
  #inFlight = 0;
  #closeReason: Disconnect | null = null;

  /**
   * `chooseMode` picks the protocol from the first data, or from an empty buffer when the
   * client has said nothing for `modeWaitMs` (nc and telnet wait to be greeted).
   */
  constructor(
    socket: Socket,
    limits: ConnectionLimits,
    logger: Logger,
    chooseMode: (connection: TcpConnection, first: Buffer) => LineHandler,
    modeWaitMs: number,
    /** The gateway's set of open connections; this one is in it until its socket closes. */
    registry: Set<TcpConnection>,
  ) {
    registry.add(this);
    this.socket = socket;
    this.#limits = limits;
    this.#logger = logger;
    this.#chooseMode = chooseMode;
    this.#modeTimer = setTimeout(() => this.#onData(Buffer.alloc(0)), modeWaitMs);
    // One data listener for the connection's whole life: no closure per mode switch.
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.setNoDelay(true);
    if (limits.idleTimeout > 0) {
      socket.setTimeout(limits.idleTimeout * 1000, () => this.close(disconnect('idle', `Idle for ${limits.idleTimeout} seconds`)));
    }
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // Peers vanish all the time; that is a reason to close, not a server fault.
      this.#closeReason ??= disconnect('closed', `Connection error: ${error.code ?? error.message}`);
    });
    socket.once('close', () => {
      registry.delete(this);
      if (this.#modeTimer) clearTimeout(this.#modeTimer);
      const reason = this.#closeReason ?? disconnect('closed');
      this.#closeReason = reason;
      this.#handler?.closed(reason);
    });
  }

  #onData(chunk: Buffer): void {
    if (this.#decoder) {
      this.#decoder.push(chunk);
      return;
    }
    if (this.#modeTimer) clearTimeout(this.#modeTimer);
    this.#modeTimer = null;
    this.#handler = this.#chooseMode(this, chunk);
    this.#decoder = new LineDecoder(this.#limits.maxLineBytes, this.#handler);
    this.#decoder.push(chunk);
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

  /** Says goodbye (if the peer is still reading) and closes. */
  close(reason: Disconnect, options: { farewell: boolean } = { farewell: true }): void {
    if (!this.open) return;
    const farewell = options.farewell ? this.#handler?.farewell(reason) : undefined;
    if (farewell !== undefined && farewell.length > 0) this.send(farewell);
    this.#closeReason = reason;
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
    this.#logger.info({ remote: this.socket.remoteAddress, code: reason.code, reason: reason.reason }, 'dropping TCP client');
    this.#closeReason = reason;
    this.socket.destroy();
  }
}
