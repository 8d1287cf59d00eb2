import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RedisNames, type RedisNamesOptions } from '../../src/cluster/names-redis.js';
import { PortUnavailableError } from '../../src/core/ports/unavailable.js';
import { settle } from '../contracts/bus-contract.js';
import { namesContract } from '../contracts/names-contract.js';
import { REDIS_SKIP_REASON, redisAvailable, redisRestartable, startRedis, uniquePrefix, type TestRedis } from '../helpers/redis.js';
import { eventually } from '../helpers/wait.js';

let redis: TestRedis;
beforeAll(async () => {
  if (redisAvailable) redis = await startRedis();
});
afterAll(async () => {
  await redis?.dispose();
});

const connect = (prefix: string, nodeId: string, options: Partial<RedisNamesOptions> = {}): Promise<RedisNames> =>
  RedisNames.connect({ url: redis.url, nodeId, prefix, maxBackoffMs: 200, ...options });

describe.skipIf(!redisAvailable)('Redis names', () => {
  namesContract('redis', async () => {
    const prefix = uniquePrefix();
    const a = await connect(prefix, 'A');
    const b = await connect(prefix, 'B');
    return { a, b, close: async () => void (await Promise.all([a.close(), b.close()])) };
  });

  describe('specific to Redis', () => {
    const open: RedisNames[] = [];
    const node = async (prefix: string, id: string, options: Partial<RedisNamesOptions> = {}): Promise<RedisNames> => {
      const names = await connect(prefix, id, options);
      open.push(names);
      return names;
    };
    afterEach(async () => {
      await Promise.all(open.splice(0).map((names) => names.close()));
    });

    it("keeps a live node's names past the TTL, and frees a stopped node's names within it", async () => {
      const prefix = uniquePrefix();
      const ttl = { ttlMs: 400, renewEveryMs: 100 };
      const dying = await node(prefix, 'dying', ttl);
      const living = await node(prefix, 'living', ttl);
      expect(await dying.claim('ann', 's1')).toBe(true);
      expect(await living.claim('bob', 's2')).toBe(true);
      await dying.close(); // stops renewing, releases nothing: as if the node died
      await eventually(async () => (await living.holder('ann')) === null, 5000, "the stopped node's name to lapse");
      expect(await living.claim('ann', 's3')).toBe(true);
      // Several TTLs have passed: the living node's own name is still held.
      await settle(800);
      expect(await living.holder('bob')).toBe('s2');
    });

    it('tells the node when a name it held was taken by someone else, and re-takes lapsed free ones', async () => {
      const prefix = uniquePrefix();
      const names = await node(prefix, 'A', { renewEveryMs: 60_000 });
      const lost: string[] = [];
      names.onLost((key, owner) => lost.push(`${key}:${owner}`));
      await names.claim('ann', 's1');
      await names.claim('bob', 's2');
      const raw = new Redis(redis.url);
      try {
        await raw.set(`${prefix}name:ann`, 'intruder');
        await raw.del(`${prefix}name:bob`);
      } finally {
        raw.disconnect();
      }
      await names.renew();
      expect(lost).toEqual(['ann:s1']);
      expect(await names.holder('ann')).toBe('intruder');
      expect(await names.holder('bob')).toBe('s2');
      await names.renew();
      expect(lost).toEqual(['ann:s1']); // told once: the name is no longer held
    });

    it.skipIf(!redisRestartable)('rejects while Redis is down, and re-takes its names when Redis comes back empty', async () => {
      const prefix = uniquePrefix();
      const names = await node(prefix, 'A');
      await names.claim('ann', 's1');
      await redis.stop();
      await expect(names.claim('bob', 's2')).rejects.toBeInstanceOf(PortUnavailableError);
      await expect(names.holder('ann')).rejects.toBeInstanceOf(PortUnavailableError);
      await redis.start(); // no persistence: every key is gone
      const other = await node(prefix, 'B');
      await eventually(async () => (await other.holder('ann')) === 's1', 10_000, 'the name to be re-taken');
    });
  });
});

describe.skipIf(redisAvailable)('Redis names (skipped)', () => {
  it.skip(`needs Redis: ${REDIS_SKIP_REASON}`, () => {});
});
