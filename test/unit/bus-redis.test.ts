import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RedisBus } from '../../src/bus/redis.js';
import type { Envelope } from '../../src/core/ports/bus.js';
import { PortUnavailableError } from '../../src/core/ports/unavailable.js';
import { busContract, settle, waitUntil } from '../contracts/bus-contract.js';
import { REDIS_SKIP_REASON, redisAvailable, redisRestartable, startRedis, uniquePrefix, type TestRedis } from '../helpers/redis.js';

let redis: TestRedis;
beforeAll(async () => {
  if (redisAvailable) redis = await startRedis();
});
afterAll(async () => {
  await redis?.dispose();
});

const connect = (prefix: string, nodeId: string, errors: Error[] = []): Promise<RedisBus> =>
  RedisBus.connect({ url: redis.url, nodeId, prefix, maxBackoffMs: 200, onError: (e) => errors.push(e) });

const say = (text: string, room = 'general'): Envelope => ({
  audience: { kind: 'room', room },
  event: { type: 'broadcast', from: 'test', text, ts: 0 },
});
const textOf = (e: Envelope): string => (e.event.type === 'broadcast' ? e.event.text : e.event.type);

describe.skipIf(!redisAvailable)('Redis bus', () => {
  // Two nodes: two RedisBus instances, each with its own two connections.
  busContract('redis', async () => {
    const prefix = uniquePrefix();
    const a = await connect(prefix, 'A');
    const b = await connect(prefix, 'B');
    return { a, b, close: async () => void (await Promise.all([a.close(), b.close()])) };
  });

  describe('specific to Redis', () => {
    const open: RedisBus[] = [];
    const node = async (prefix: string, id: string, errors?: Error[]): Promise<RedisBus> => {
      const bus = await connect(prefix, id, errors);
      open.push(bus);
      return bus;
    };
    afterEach(async () => {
      await Promise.all(open.splice(0).map((bus) => bus.close()));
    });

    it("does not deliver a room's envelopes to a node that does not watch it", async () => {
      const prefix = uniquePrefix();
      const a = await node(prefix, 'A');
      const b = await node(prefix, 'B');
      const seen: string[] = [];
      const sub = b.subscribe((e) => seen.push(textOf(e)));
      await sub.watch('watched');
      await a.publish(say('hidden', 'unwatched'));
      await a.publish(say('shown', 'watched'));
      await waitUntil(() => seen.length >= 1, 5000, 'the watched envelope');
      await sub.unwatch('watched');
      await a.publish(say('after unwatch', 'watched'));
      await a.publish({ audience: { kind: 'all' }, event: { type: 'broadcast', from: 'op', text: 'marker', ts: 0 } });
      await waitUntil(() => seen.includes('marker'), 5000, 'the marker');
      expect(seen).toEqual(['shown', 'marker']);
    });

    it('drops what is not a valid envelope, says so, and carries on', async () => {
      const prefix = uniquePrefix();
      const errors: Error[] = [];
      const b = await node(prefix, 'B', errors);
      const seen: string[] = [];
      await b.subscribe((e) => seen.push(textOf(e))).watch('general');
      const raw = new Redis(redis.url);
      try {
        await raw.publish(`${prefix}room:general`, '{not json');
        await raw.publish(`${prefix}room:general`, JSON.stringify({ audience: { kind: 'room', room: 'general' }, event: { type: 'nope' } }));
        // A room envelope on another room's channel is not trusted either.
        await raw.publish(`${prefix}room:general`, JSON.stringify(say('wrong room', 'other')));
        await raw.publish(`${prefix}node-wide`, JSON.stringify(say('room on node-wide')));
        await raw.publish(`${prefix}room:general`, JSON.stringify(say('valid')));
      } finally {
        raw.disconnect();
      }
      await waitUntil(() => seen.length >= 1, 5000, 'the valid envelope');
      await settle();
      expect(seen).toEqual(['valid']);
      expect(errors.map((e) => e.message)).toEqual([
        expect.stringMatching(/not JSON/),
        expect.stringMatching(/not an envelope/),
        expect.stringMatching(/another audience/),
        expect.stringMatching(/room envelope sent on/),
      ]);
    });

    it('refuses to start, in one line, when Redis cannot be reached', async () => {
      await expect(
        RedisBus.connect({ url: 'redis://127.0.0.1:1', nodeId: 'X', startTimeoutMs: 2000 }),
      ).rejects.toThrow(/^Cannot reach Redis at redis:\/\/127\.0\.0\.1:1/);
    });

    it.skipIf(!redisRestartable)('goes down with Redis (publish rejects) and resubscribes watched rooms when it is back', async () => {
      const prefix = uniquePrefix();
      const a = await node(prefix, 'A');
      const b = await node(prefix, 'B');
      const states: string[] = [];
      b.onStateChange((s) => states.push(s));
      const seen: string[] = [];
      const sub = b.subscribe((e) => seen.push(textOf(e)));
      await sub.watch('kept');
      await sub.watch('dropped');

      await redis.stop();
      await waitUntil(() => a.state === 'down' && b.state === 'down', 10_000, 'state down');
      await expect(a.publish(say('lost', 'kept'))).rejects.toBeInstanceOf(PortUnavailableError);
      await expect(sub.watch('while-down')).rejects.toBeInstanceOf(PortUnavailableError);
      await sub.unwatch('dropped');

      await redis.start();
      await waitUntil(() => a.state === 'up' && b.state === 'up', 15_000, 'state up again');
      await a.publish(say('back', 'kept'));
      await a.publish(say('also back', 'while-down'));
      await a.publish(say('not watched any more', 'dropped'));
      await a.publish({ audience: { kind: 'user', key: 'x' }, event: { type: 'broadcast', from: 'op', text: 'node-wide', ts: 0 } });
      await waitUntil(() => seen.includes('node-wide'), 5000, 'the node-wide marker');
      await settle();
      expect(seen).toEqual(['back', 'also back', 'node-wide']);
      expect(states).toEqual(['down', 'up']);
    });
  });
});

describe.skipIf(redisAvailable)('Redis bus (skipped)', () => {
  it.skip(`needs Redis: ${REDIS_SKIP_REASON}`, () => {});
});
