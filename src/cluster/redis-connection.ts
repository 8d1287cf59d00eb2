import { Redis } from 'ioredis';
import { PortUnavailableError, type PortName } from '../core/ports/unavailable.js';
import { redactUrl } from '../lib/redact-url.js';
export { redactUrl };

export interface RedisConnectOptions {
  /** Shown in Redis's CLIENT LIST, e.g. "parley:node-1:bus-pub". */
  readonly name: string;
  /** Longest wait between two reconnection attempts. */
  readonly maxBackoffMs?: number;
  /** How long the first connection may take before start fails. */
  readonly startTimeoutMs?: number;
  /** A command with no answer for this long fails (Redis hung, not closed). */
  readonly commandTimeoutMs?: number;
  /**
   * Connection errors. They are expected while Redis is unreachable (the client keeps
   * reconnecting with backoff, and the owner's state says 'down'); pass a logger to see them.
   */
  readonly onError?: (error: Error) => void;
}

const FIRST_DELAY_MS = 50;

/**
 * Milliseconds before reconnection attempt `attempt` (1, 2, ...): doubling from 50 ms up to
 * `maxMs`, plus up to 20 % jitter so that many nodes do not reconnect in step.
 */
export function backoffDelay(attempt: number, maxMs: number, random: () => number = Math.random): number {
  const base = Math.min(maxMs, FIRST_DELAY_MS * 2 ** Math.min(Math.max(attempt - 1, 0), 20));
  return Math.round(base * (1 + 0.2 * random()));
}


/**
 * Opens one Redis connection and waits until it is ready; rejects with one readable line when
 * Redis cannot be reached within `startTimeoutMs`. Afterwards the client reconnects by itself,
 * forever, with backoff.
 * Commands fail at once while disconnected (no offline queue, no retry of a command whose
 * connection was lost): a caller learns of an outage instead of waiting behind it.
 * Subscriptions are NOT restored by the client: the owner does it on 'ready', so that it knows
 * when they are back.
 */
export async function openRedis(url: string, options: RedisConnectOptions): Promise<Redis> {
  const maxBackoffMs = options.maxBackoffMs ?? 5_000;
  const startTimeoutMs = options.startTimeoutMs ?? 5_000;
  const redis = new Redis(url, {
    lazyConnect: true,
    connectionName: options.name,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResubscribe: false,
    autoResendUnfulfilledCommands: false,
    // Commands issued in one tick (a commit batch's publishes) leave in one write.
    enableAutoPipelining: true,
    connectTimeout: Math.min(startTimeoutMs, 10_000),
    commandTimeout: options.commandTimeoutMs ?? 5_000,
    retryStrategy: (attempt) => backoffDelay(attempt, maxBackoffMs),
  });
  const onError = options.onError ?? (() => {});
  // Until the first connection is made, an error is the reason start-up fails, not news to log.
  let started = false;
  let firstError: Error | null = null;
  redis.on('error', (error: Error) => {
    if (started) onError(error);
    else firstError ??= error;
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${startTimeoutMs} ms`)), startTimeoutMs);
  });
  try {
    await Promise.race([redis.connect(), timeout]);
    started = true;
    return redis;
  } catch (error) {
    redis.disconnect();
    // ioredis rejects with "Connection is closed."; the socket's error says why (ECONNREFUSED...).
    const cause = firstError ?? error;
    const detail = cause instanceof Error ? cause.message : String(cause);
    throw new Error(`Cannot reach Redis at ${redactUrl(url)}: ${detail}`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

/** Closes politely when connected, at once otherwise (QUIT would wait for a connection). */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  if (redis.status === 'ready') {
    try {
      await redis.quit();
    } catch (error) {
      // The connection dropped while quitting: nothing is left to say goodbye to.
      redis.disconnect();
      if (!(error instanceof Error)) throw error;
    }
    return;
  }
  redis.disconnect();
}

/**
 * What a failed Redis command means to a port's caller: an error reply from Redis (a script
 * or usage bug) is a defect and stays as it is; anything else (not connected, connection lost,
 * timed out) is the service being unavailable.
 */
export function portError(port: PortName, error: unknown): Error {
  if (error instanceof Error && error.name === 'ReplyError') return error;
  return new PortUnavailableError(port, error instanceof Error ? error.message : String(error));
}

export function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
