import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RedisPresence, type RedisPresenceOptions } from '../../src/cluster/presence-redis.js';
import type { PresenceMember } from '../../src/core/ports/presence.js';
import { PortUnavailableError } from '../../src/core/ports/unavailable.js';
import { settle } from '../contracts/bus-contract.js';
import { presenceContract } from '../contracts/presence-contract.js';
import { REDIS_SKIP_REASON, redisAvailable, redisRestartable, startRedis, uniquePrefix, type TestRedis } from '../helpers/redis.js';
import { eventually } from '../helpers/wait.js';

let redis: TestRedis;
beforeAll(async () => {
  if (redisAvailable) redis = await startRedis();
});
afterAll(async () => {
  await redis?.dispose();
});

const connect = (prefix: string, nodeId: string, options: Partial<RedisPresenceOptions> = {}): Promise<RedisPresence> =>
  RedisPresence.connect({ url: redis.url, nodeId, prefix, maxBackoffMs: 200, ...options });

describe.skipIf(!redisAvailable)('Redis presence', () => {
  presenceContract('redis', async () => {
    const prefix = uniquePrefix();
    const a = await connect(prefix, 'A');
    const b = await connect(prefix, 'B');
    return { a, b, close: async () => void (await Promise.all([a.close(), b.close()])) };
  });

  describe('specific to Redis', () => {
    const open: RedisPresence[] = [];
    const node = async (prefix: string, id: string, options: Partial<RedisPresenceOptions> = {}): Promise<RedisPresence> => {
      const presence = await connect(prefix, id, options);
      open.push(presence);
      return presence;
    };
    afterEach(async () => {
      await Promise.all(open.splice(0).map((presence) => presence.close()));
    });
    const short = { ttlMs: 400, heartbeatEveryMs: 100, sweepEveryMs: 50 };

    it("removes a stopped node's members within the TTL, and exactly one survivor reports each, once", async () => {
      const prefix = uniquePrefix();
      const dying = await node(prefix, 'C', short);
      const survivors = [await node(prefix, 'A', short), await node(prefix, 'B', short)];
      const reports: string[] = [];
      survivors.forEach((presence, i) => presence.onExpired((room, member) => reports.push(`${i}:${room}:${member.id}:${member.name}`)));
      const gone: PresenceMember[] = Array.from({ length: 20 }, (_, i) => ({ id: `c${i}`, name: `Cat${i}`, node: 'C' }));
      for (const member of gone) await dying.join(member.id.endsWith('0') ? 'one' : 'two', member);
      await survivors[0]?.join('one', { id: 'a1', name: 'Ann', node: 'A' });
      await dying.close(); // no heartbeat from now on, and nobody left: as if the node died

      const survivor = survivors[0] as RedisPresence;
      await eventually(async () => (await survivor.counts(['one', 'two'])).get('two') === 0, 5000, "the stopped node's members to go");
      await eventually(async () => reports.length >= gone.length, 5000, 'every expiry to be reported');
      await settle(300); // several more sweeps by both survivors
      expect(await survivor.members('one')).toEqual([{ id: 'a1', name: 'Ann', node: 'A' }]);
      const reported = reports.map((r) => r.slice(2)).sort();
      const expected = gone.map((m) => `${m.id.endsWith('0') ? 'one' : 'two'}:${m.id}:${m.name}`).sort();
      expect(reported).toEqual(expected); // each member once, from one survivor
    });

    it("keeps a live node's members past the TTL", async () => {
      const prefix = uniquePrefix();
      const living = await node(prefix, 'A', short);
      const sweeper = await node(prefix, 'B', short);
      const reports: string[] = [];
      sweeper.onExpired((_, member) => reports.push(member.id));
      await living.join('general', { id: 'a1', name: 'Ann', node: 'A' });
      await settle(1200);
      expect(await sweeper.members('general')).toEqual([{ id: 'a1', name: 'Ann', node: 'A' }]);
      expect(reports).toEqual([]);
    });

    it.skipIf(!redisRestartable)('rejects while Redis is down, and writes its members back when Redis comes back empty', async () => {
      const prefix = uniquePrefix();
      const presence = await node(prefix, 'A');
      await presence.join('general', { id: 'a1', name: 'Ann', node: 'A' });
      await presence.join('general', { id: 'a2', name: 'Abe', node: 'A' });
      await presence.leave('general', 'a2');
      await redis.stop();
      await expect(presence.join('general', { id: 'a3', name: 'Al', node: 'A' })).rejects.toBeInstanceOf(PortUnavailableError);
      await expect(presence.members('general')).rejects.toBeInstanceOf(PortUnavailableError);
      await expect(presence.counts(['general'])).rejects.toBeInstanceOf(PortUnavailableError);
      await redis.start(); // no persistence: every key is gone
      const other = await node(prefix, 'B');
      await eventually(async () => (await other.members('general')).length > 0, 10_000, 'the members to be written back');
      expect(await other.members('general')).toEqual([{ id: 'a1', name: 'Ann', node: 'A' }]);
    });
  });
});

describe.skipIf(redisAvailable)('Redis presence (skipped)', () => {
  it.skip(`needs Redis: ${REDIS_SKIP_REASON}`, () => {});
});
