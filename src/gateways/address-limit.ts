import type { Server, Socket } from 'node:net';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { TokenBucket } from '../core/rate-limit.js';

export interface AddressLimitOptions {
  /** Concurrent connections allowed per remote address; 0 = no limit. */
  readonly max: number;
  /** New connections allowed per remote address per minute; 0 or absent = no limit. */
  readonly perMinute?: number;
  /** Addresses the limit skips: exact addresses, or `loopback` (127.0.0.0/8 and ::1). */
  readonly exempt: readonly string[];
  readonly logger: Logger;
  /** Milliseconds; for the rate of the "limit reached" log line. */
  readonly clock?: () => number;
}

// A new-connection budget unused this long is full again: forgetting it changes nothing.
const FORGET_AFTER_MS = 60_000;

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
  /** New connections per address: `perMinute` at once, refilled at perMinute/60 per second. */
  readonly #arrivals = new Map<string, TokenBucket>();
  readonly perMinute: number;
  #lastSweep: number;
  #lastLog = Number.NEGATIVE_INFINITY;
  #refusedSinceLog = 0;

  constructor(options: AddressLimitOptions) {
    this.max = options.max;
    this.#exemptLoopback = options.exempt.some((e) => e.toLowerCase() === 'loopback');
    this.#exempt = new Set(options.exempt.filter((e) => e.toLowerCase() !== 'loopback').map(normaliseAddress));
    this.#logger = options.logger;
    this.#clock = options.clock ?? Date.now;
    this.perMinute = options.perMinute ?? 0;
    this.#lastSweep = this.#clock();
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
    return this.refusal(socket) === null;
  }

  /**
   * As `admit`, saying why a socket is refused: too many open from its address, too many new
   * ones this minute, or already gone. Null: admitted (and counted until its 'close').
   */
  refusal(socket: Socket): 'too_many_open' | 'too_many_new' | 'gone' | null {
    const raw = socket.remoteAddress;
    if (raw === undefined) return 'gone'; // closed before we looked: nothing to serve
    const address = normaliseAddress(raw);
    if (this.#isExempt(address)) return null;
    if (!this.#arrivalAllowed(address)) return 'too_many_new';
    if (this.max === 0) return null;
    const open = this.#open.get(address) ?? 0;
    if (open >= this.max) {
      this.#noteRefusal(address, 'connection limit per address reached: refusing new connections (MAX_CONNECTIONS_PER_ADDRESS)');
      return 'too_many_open';
    }
    this.#open.set(address, open + 1);
    socket.once('close', () => {
      const left = (this.#open.get(address) ?? 1) - 1;
      if (left <= 0) this.#open.delete(address);
      else this.#open.set(address, left);
    });
    return null;
  }

  /** Counts a new connection from `address` against MAX_NEW_CONNECTIONS_PER_MINUTE. */
  #arrivalAllowed(address: string): boolean {
    if (this.perMinute === 0) return true;
    const now = this.#clock();
    this.#sweep(now);
    let bucket = this.#arrivals.get(address);
    if (bucket === undefined) {
      bucket = new TokenBucket({ burst: this.perMinute, perSecond: this.perMinute / 60 }, now);
      this.#arrivals.set(address, bucket);
    }
    if (bucket.waitMs(now) > 0) {
      this.#noteRefusal(address, 'new-connection rate per address reached: refusing new connections (MAX_NEW_CONNECTIONS_PER_MINUTE)');
      return false;
    }
    bucket.take(now);
    return true;
  }

  #sweep(now: number): void {
    if (now - this.#lastSweep < FORGET_AFTER_MS) return;
    this.#lastSweep = now;
    for (const [address, bucket] of this.#arrivals) if (bucket.idleSince(now) >= FORGET_AFTER_MS) this.#arrivals.delete(address);
  }

  #isExempt(address: string): boolean {
    return this.#exempt.has(address) || (this.#exemptLoopback && isLoopback(address));
  }

  #noteRefusal(address: string, message: string): void {
    this.#refusedSinceLog++;
    const now = this.#clock();
    if (now - this.#lastLog < LOG_EVERY_MS) return;
    this.#logger.warn(
      { address, limit: this.max, perMinute: this.perMinute, refused: this.#refusedSinceLog },
      message,
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
/**
 * The limit the settings ask for (MAX_CONNECTIONS_PER_ADDRESS, MAX_NEW_CONNECTIONS_PER_MINUTE,
 * CONNECTION_LIMIT_EXEMPT). A proxy in TRUSTED_PROXIES is exempt too: it carries many users.
 */
export function addressLimitFrom(
  config: Pick<Config, 'maxConnectionsPerAddress' | 'connectionLimitExempt' | 'maxNewConnectionsPerMinute' | 'trustedProxies'>,
  logger: Logger,
): AddressLimit {
  const exempt = [...parseExemptList(config.connectionLimitExempt), ...parseExemptList(config.trustedProxies)];
  return new AddressLimit({ max: config.maxConnectionsPerAddress, perMinute: config.maxNewConnectionsPerMinute, exempt, logger });
}
