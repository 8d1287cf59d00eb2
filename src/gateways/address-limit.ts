import type { Server, Socket } from 'node:net';
import type { Logger } from 'pino';
import type { Config } from '../config.js';

export interface AddressLimitOptions {
  /** Concurrent connections allowed per remote address; 0 = no limit. */
  readonly max: number;
  /** Addresses the limit skips: exact addresses, or `loopback` (127.0.0.0/8 and ::1). */
  readonly exempt: readonly string[];
  readonly logger: Logger;
  /** Milliseconds; for the rate of the "limit reached" log line. */
  readonly clock?: () => number;
}

// One log line per this long at most, however many sockets are refused: a flood of refusals
// must not become a flood of log lines.
const LOG_EVERY_MS = 10_000;

/** `::ffff:1.2.3.4` is the IPv4 peer 1.2.3.4 on a dual-stack socket: count it as one address. */
export function normaliseAddress(address: string): string {
  const lower = address.toLowerCase();
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(lower);
  return mapped ? (mapped[1] ?? lower) : lower;
}

/** 127.0.0.0/8 or ::1, for an address already normalised. */
export function isLoopback(address: string): boolean {
  return address === '::1' || address.startsWith('127.');
}

/** The CONNECTION_LIMIT_EXEMPT setting as a list: comma-separated; empty or `none` = nobody. */
export function parseExemptList(setting: string): string[] {
  const entries = setting.split(',').map((s) => s.trim()).filter((s) => s !== '');
  return entries.length === 1 && entries[0]?.toLowerCase() === 'none' ? [] : entries;
}

/**
 * Counts open connections per remote address so that one address cannot take every file
 * descriptor. One instance may be shared by several servers: the count is per address across
 * all of them. A socket is counted from `admit` until it closes.
 */
export class AddressLimit {
  readonly max: number;
  readonly #exemptLoopback: boolean;
  readonly #exempt: ReadonlySet<string>;
  readonly #logger: Logger;
  readonly #clock: () => number;
  readonly #open = new Map<string, number>();
  #lastLog = Number.NEGATIVE_INFINITY;
  #refusedSinceLog = 0;

  constructor(options: AddressLimitOptions) {
    this.max = options.max;
    this.#exemptLoopback = options.exempt.some((e) => e.toLowerCase() === 'loopback');
    this.#exempt = new Set(options.exempt.filter((e) => e.toLowerCase() !== 'loopback').map(normaliseAddress));
    this.#logger = options.logger;
    this.#clock = options.clock ?? Date.now;
  }

  /** Connections counted for `address` now. */
  openFrom(address: string): number {
    return this.#open.get(normaliseAddress(address)) ?? 0;
  }

  /**
   * True if the socket may stay; it is then counted until its 'close'. False if its address
   * is at the limit (or the socket is already gone): the caller refuses it.
   */
  admit(socket: Socket): boolean {
    const raw = socket.remoteAddress;
    if (raw === undefined) return false; // closed before we looked: nothing to serve
    const address = normaliseAddress(raw);
    if (this.max === 0 || this.#isExempt(address)) return true;
    const open = this.#open.get(address) ?? 0;
    if (open >= this.max) {
      this.#noteRefusal(address);
      return false;
    }
    this.#open.set(address, open + 1);
    socket.once('close', () => {
      const left = (this.#open.get(address) ?? 1) - 1;
      if (left <= 0) this.#open.delete(address);
      else this.#open.set(address, left);
    });
    return true;
  }

  #isExempt(address: string): boolean {
    return this.#exempt.has(address) || (this.#exemptLoopback && isLoopback(address));
  }

  #noteRefusal(address: string): void {
    this.#refusedSinceLog++;
    const now = this.#clock();
    if (now - this.#lastLog < LOG_EVERY_MS) return;
    this.#logger.warn(
      { address, limit: this.max, refused: this.#refusedSinceLog },
      'connection limit per address reached: refusing new connections (MAX_CONNECTIONS_PER_ADDRESS)',
    );
    this.#lastLog = now;
    this.#refusedSinceLog = 0;
  }
}

/**
 * Applies `limit` to any net.Server (an HTTP or Socket.IO server included): a refused socket
 * is destroyed before the server's own connection handler sees any byte from it. The TCP door
 * does not use this; it calls `admit` itself so it can say why before closing.
 */
export function limitConnections(server: Server, limit: AddressLimit): void {
  server.prependListener('connection', (socket: Socket) => {
    if (!limit.admit(socket)) socket.destroy();
  });
}

/** The limit the settings ask for (MAX_CONNECTIONS_PER_ADDRESS, CONNECTION_LIMIT_EXEMPT). */
export function addressLimitFrom(config: Pick<Config, 'maxConnectionsPerAddress' | 'connectionLimitExempt'>, logger: Logger): AddressLimit {
  return new AddressLimit({ max: config.maxConnectionsPerAddress, exempt: parseExemptList(config.connectionLimitExempt), logger });
}
