import type { Redis } from 'ioredis';
import type { Names } from '../core/ports/names.js';
import { asError, closeRedis, openRedis, portError } from './redis-connection.js';
import { RedisScript } from './redis-script.js';

export interface RedisNamesOptions {
  readonly url: string;
  readonly nodeId: string;
  /** Prefix of every key; nodes of one chat share it. */
  readonly prefix?: string;
  /** How long a name outlives the last renewal of its node (NAME_TTL). */
  readonly ttlMs?: number;
  /** Default: a third of the TTL, so two renewals may fail before a name lapses. */
  readonly renewEveryMs?: number;
  readonly maxBackoffMs?: number;
  readonly startTimeoutMs?: number;
  /** Connection errors (expected during an outage) and failed renewals. */
  readonly onError?: (error: Error) => void;
}

// Free, or already ours: take it (again) with a fresh expiry. Held by another: refuse.
const CLAIM = new RedisScript(`
local current = redis.call('GET', KEYS[1])
if current == false then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
if current == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
`);

const RELEASE = new RedisScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`);

// ARGV[1] is the TTL, ARGV[i + 1] the owner of KEYS[i]. Re-takes names that lapsed (an outage,
// or Redis lost its data); returns the indexes of names someone else took meanwhile.
const RENEW = new RedisScript(`
local lost = {}
for i, key in ipairs(KEYS) do
  local owner = ARGV[i + 1]
  local current = redis.call('GET', key)
  if current == owner then
    redis.call('PEXPIRE', key, ARGV[1])
  elseif current == false then
    redis.call('SET', key, owner, 'PX', ARGV[1])
  else
    lost[#lost + 1] = i
  end
end
return lost
`);

/** Renewals are sent in batches of this many names (one script call each). */
const RENEW_BATCH = 500;

/**
 * Names in Redis: one key per name, `<prefix>name:<key>`, holding the owner, with an expiry
 * that this node renews for every name it claimed. When the node dies its names lapse within
 * the TTL. Every check-and-set is a Lua script, so concurrent claims from any nodes are atomic.
 */
export class RedisNames implements Names {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #ttlMs: number;
  readonly #onError: (error: Error) => void;
  /** The names this node claimed and has not released, by key: what it renews. */
  readonly #held = new Map<string, string>();
  readonly #lostHandlers = new Set<(key: string, owner: string) => void>();
  readonly #timer: NodeJS.Timeout;
  #renewing = false;
  /**
   * Names released while a renewal was running: that renewal may have re-taken one just
   * released (a lapsed name is re-taken), so each is released again when it ends.
   */
  readonly #releasedWhileRenewing = new Map<string, string>();

  private constructor(redis: Redis, options: RedisNamesOptions) {
    this.#redis = redis;
    this.#prefix = options.prefix ?? 'parley:';
    this.#ttlMs = options.ttlMs ?? 30_000;
    this.#onError = options.onError ?? (() => {});
    this.#timer = setInterval(() => void this.renew(), options.renewEveryMs ?? Math.max(1, Math.floor(this.#ttlMs / 3)));
    this.#timer.unref();
    // After an outage, renew at once: the names may have lapsed, or Redis may have lost them.
    redis.on('ready', () => void this.renew());
  }

  static async connect(options: RedisNamesOptions): Promise<RedisNames> {
    const redis = await openRedis(options.url, {
      name: `parley:${options.nodeId}:names`,
      maxBackoffMs: options.maxBackoffMs,
      startTimeoutMs: options.startTimeoutMs,
      onError: options.onError,
    });
    return new RedisNames(redis, options);
  }

  async claim(key: string, owner: string): Promise<boolean> {
    let taken: unknown;
    try {
      taken = await CLAIM.run(this.#redis, [this.#key(key)], [owner, this.#ttlMs]);
    } catch (error) {
      throw portError('names', error);
    }
    if (taken === 1) this.#held.set(key, owner);
    return taken === 1;
  }

  async release(key: string, owner: string): Promise<void> {
    // Forgotten first: if Redis cannot be told now, the name lapses within the TTL.
    if (this.#held.get(key) === owner) this.#held.delete(key);
    if (this.#renewing) this.#releasedWhileRenewing.set(key, owner);
    try {
      await RELEASE.run(this.#redis, [this.#key(key)], [owner]);
    } catch (error) {
      throw portError('names', error);
    }
  }

  async holder(key: string): Promise<string | null> {
    try {
      return await this.#redis.get(this.#key(key));
    } catch (error) {
      throw portError('names', error);
    }
  }

  onLost(handler: (key: string, owner: string) => void): () => void {
    this.#lostHandlers.add(handler);
    return () => this.#lostHandlers.delete(handler);
  }

  /**
   * Extends every held name's expiry; runs by itself every renewEveryMs and on reconnection.
   * Public for tests and for a core that wants to renew at a moment of its choosing.
   */
  async renew(): Promise<void> {
    if (this.#renewing || this.#redis.status !== 'ready') return;
    this.#renewing = true;
    try {
      const keys = [...this.#held.keys()];
      for (let start = 0; start < keys.length; start += RENEW_BATCH) {
        // Read at sending time, so a name released before this batch is not in it.
        const batch = keys
          .slice(start, start + RENEW_BATCH)
          .flatMap((key): [string, string][] => {
            const owner = this.#held.get(key);
            return owner === undefined ? [] : [[key, owner]];
          });
        if (batch.length === 0) continue;
        const lost = await RENEW.run(
          this.#redis,
          batch.map(([key]) => this.#key(key)),
          [this.#ttlMs, ...batch.map(([, owner]) => owner)],
        );
        for (const index of Array.isArray(lost) ? lost : []) {
          const entry = typeof index === 'number' ? batch[index - 1] : undefined;
          if (entry) this.#lose(entry[0], entry[1]);
        }
      }
    } catch (error) {
      // Expected during an outage; the next renewal (or reconnection) tries again.
      this.#onError(asError(error));
    } finally {
      this.#renewing = false;
      await this.#releaseAgain();
    }
  }

  async #releaseAgain(): Promise<void> {
    const released = [...this.#releasedWhileRenewing];
    this.#releasedWhileRenewing.clear();
    for (const [key, owner] of released) {
      // A name claimed again by the same owner meanwhile is wanted: keep it.
      if (this.#held.get(key) === owner) continue;
      try {
        await RELEASE.run(this.#redis, [this.#key(key)], [owner]);
      } catch (error) {
        // Not re-released: the name lapses within the TTL, as it is no longer renewed.
        this.#onError(asError(error));
      }
    }
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    this.#held.clear();
    this.#lostHandlers.clear();
    await closeRedis(this.#redis);
  }

  #lose(key: string, owner: string): void {
    // Released while the renewal ran: not lost, just gone.
    if (this.#held.get(key) !== owner) return;
    this.#held.delete(key);
    for (const handler of this.#lostHandlers) handler(key, owner);
  }

  #key(key: string): string {
    return `${this.#prefix}name:${key}`;
  }
}
