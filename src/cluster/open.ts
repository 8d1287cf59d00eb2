import type { Logger } from 'pino';
import { LocalBus } from '../bus/local.js';
import { RedisBus } from '../bus/redis.js';
import type { Config } from '../config.js';
import type { Bus } from '../core/ports/bus.js';
import type { Names } from '../core/ports/names.js';
import { MemoryNames } from '../core/ports/names-memory.js';
import type { Presence } from '../core/ports/presence.js';
import { MemoryPresence } from '../core/ports/presence-memory.js';
import { RedisNames } from './names-redis.js';
import { RedisPresence } from './presence-redis.js';

/** Redis could not be reached at start; `message` is one line fit to print before exiting. */
export class ClusterOpenError extends Error {
  constructor(message: string, cause: unknown) {
    super(message, { cause });
    this.name = 'ClusterOpenError';
  }
}

/** The ports that make several nodes one chat; one process needs none of them outside. */
export interface ClusterPorts {
  readonly bus: Bus;
  readonly names: Names;
  readonly presence: Presence;
  /** 'redis' with REDIS_URL, else 'local'. */
  readonly kind: 'local' | 'redis';
  close(): Promise<void>;
}

/**
 * Redis for the bus, names and presence when REDIS_URL is set, else the in-process ports.
 * Rejects with one readable line (the Redis clients' own) when Redis cannot be reached.
 */
export async function openClusterPorts(config: Config, logger: Logger): Promise<ClusterPorts> {
  if (config.redisUrl === undefined) {
    const bus = new LocalBus();
    return { bus, names: new MemoryNames(), presence: new MemoryPresence(), kind: 'local', close: () => bus.close() };
  }
  const log = logger.child({ port: 'redis' });
  const onError = (error: Error) => log.warn({ error: error.message }, 'Redis: an operation failed; the connection retries with backoff');
  const common = { url: config.redisUrl, nodeId: config.nodeId, onError };
  const opened: Array<{ close(): Promise<void> }> = [];
  try {
    const bus = await RedisBus.connect(common);
    opened.push(bus);
    const names = await RedisNames.connect({ ...common, ttlMs: config.nameTtl * 1000 });
    opened.push(names);
    const presence = await RedisPresence.connect({ ...common, ttlMs: config.presenceTtl * 1000 });
    opened.push(presence);
    bus.onStateChange((state) => log.warn({ state }, state === 'up' ? 'Redis bus is back: rooms resubscribed' : 'Redis bus is down: sends are refused until it is back'));
    return {
      bus,
      names,
      presence,
      kind: 'redis',
      close: async () => {
        await presence.close();
        await names.close();
        await bus.close();
      },
    };
  } catch (error) {
    for (const port of opened.reverse()) await port.close();
    // The Redis clients reject with one readable line (password hidden).
    const reason = error instanceof Error ? error.message : String(error);
    throw new ClusterOpenError(`${reason} (REDIS_URL)`, error);
  }
}
