import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Bus, Envelope } from '../../src/core/ports/bus.js';

/** Two nodes' handles on one bus. LocalBus: one instance twice; Redis: two instances, two connections each. */
export interface BusPair {
  readonly a: Bus;
  readonly b: Bus;
  close(): Promise<void>;
}

const say = (text: string, room = 'general'): Envelope => ({
  audience: { kind: 'room', room },
  event: { type: 'broadcast', from: 'test', text, ts: 0 },
});
const textOf = (e: Envelope): string => (e.event.type === 'broadcast' ? e.event.text : e.event.type);

export const waitUntil = async (check: () => boolean, ms = 5000, what = 'condition'): Promise<void> => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};
/** A pause after which an envelope that was going to arrive would have (for "nothing more came" checks). */
export const settle = (ms = 100): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * The one contract every Bus must pass. It checks what a node is promised: watched rooms and
 * node-wide envelopes arrive, in order, once. Receiving MORE than watched is allowed (LocalBus);
 * that an unwatched room does NOT arrive is checked per implementation (Redis).
 */
export function busContract(name: string, create: () => Promise<BusPair>): void {
  describe(`Bus contract: ${name}`, () => {
    let pair: BusPair;
    beforeEach(async () => {
      pair = await create();
    });
    afterEach(async () => {
      await pair.close();
    });

    it('is up once connected', () => {
      expect(pair.a.state).toBe('up');
      expect(pair.b.state).toBe('up');
    });

    it("delivers a watched room's envelopes to every node, in publish order, once", async () => {
      const seenA: string[] = [];
      const seenB: string[] = [];
      const subA = pair.a.subscribe((e) => seenA.push(textOf(e)));
      const subB = pair.b.subscribe((e) => seenB.push(textOf(e)));
      await subA.watch('general');
      await subB.watch('general');
      const sent = Array.from({ length: 200 }, (_, i) => `m${i}`);
      await Promise.all(sent.map((t) => pair.a.publish(say(t))));
      await waitUntil(() => seenA.length >= 200 && seenB.length >= 200, 5000, 'all envelopes');
      await settle();
      expect(seenA).toEqual(sent);
      expect(seenB).toEqual(sent);
    });

    it('keeps each publisher\'s order when two nodes publish at once', async () => {
      const seen: string[] = [];
      const sub = pair.b.subscribe((e) => seen.push(textOf(e)));
      await sub.watch('general');
      const fromA = Array.from({ length: 100 }, (_, i) => `a${i}`);
      const fromB = Array.from({ length: 100 }, (_, i) => `b${i}`);
      await Promise.all([...fromA.map((t) => pair.a.publish(say(t))), ...fromB.map((t) => pair.b.publish(say(t)))]);
      await waitUntil(() => seen.length >= 200, 5000, 'both publishers');
      expect(seen.filter((t) => t.startsWith('a'))).toEqual(fromA);
      expect(seen.filter((t) => t.startsWith('b'))).toEqual(fromB);
    });

    it('carries every envelope field intact', async () => {
      const got: Envelope[] = [];
      const sub = pair.b.subscribe((e) => got.push(e));
      await sub.watch('lobby');
      const envelope: Envelope = {
        audience: { kind: 'room', room: 'lobby' },
        event: {
          type: 'message',
          message: { id: 'm-1', room: 'lobby', seq: 7, kind: 'action', author: 'Ann', text: 'waves\ntwice ✓', ts: 1_700_000_000_123 },
        },
        author: 'session-1',
        except: 'session-2',
      };
      await pair.a.publish(envelope);
      await waitUntil(() => got.length === 1, 5000, 'the envelope');
      expect(got[0]).toEqual(envelope);
    });

    it('delivers envelopes for a user, several rooms and everyone to every node without watching', async () => {
      const seenA: string[] = [];
      const seenB: string[] = [];
      pair.a.subscribe((e) => seenA.push(e.audience.kind));
      pair.b.subscribe((e) => seenB.push(e.audience.kind));
      const event = { type: 'broadcast', from: 'op', text: 'hi', ts: 0 } as const;
      await pair.a.publish({ audience: { kind: 'user', key: 'bob' }, event });
      await pair.a.publish({ audience: { kind: 'rooms', rooms: ['x', 'y'] }, event: { type: 'rename', from: 'Ann', to: 'Anna', id: 's1' } });
      await pair.b.publish({ audience: { kind: 'all' }, event });
      await waitUntil(() => seenA.length >= 3 && seenB.length >= 3, 5000, 'node-wide envelopes');
      await settle();
      expect(seenA.sort()).toEqual(['all', 'rooms', 'user']);
      expect(seenB.sort()).toEqual(['all', 'rooms', 'user']);
    });

    it('stops delivering to a subscription after it is closed, and not to the others', async () => {
      const closed: string[] = [];
      const open: string[] = [];
      const first = pair.b.subscribe((e) => closed.push(textOf(e)));
      const second = pair.b.subscribe((e) => open.push(textOf(e)));
      await first.watch('general');
      await second.watch('general');
      await pair.a.publish(say('one'));
      await waitUntil(() => closed.length === 1 && open.length === 1, 5000, 'the first envelope');
      await first.close();
      await pair.a.publish(say('two'));
      await waitUntil(() => open.length === 2, 5000, 'the second envelope');
      await settle();
      expect(closed).toEqual(['one']);
      expect(open).toEqual(['one', 'two']);
    });

    it('keeps a room watched by another subscription of the node when one unwatches it', async () => {
      const kept: string[] = [];
      const leaving = pair.b.subscribe(() => {});
      const staying = pair.b.subscribe((e) => kept.push(textOf(e)));
      await leaving.watch('general');
      await staying.watch('general');
      await leaving.unwatch('general');
      await pair.a.publish(say('still here'));
      await waitUntil(() => kept.length === 1, 5000, 'the envelope');
      expect(kept).toEqual(['still here']);
    });

    it('treats watch and unwatch as idempotent', async () => {
      const seen: string[] = [];
      const sub = pair.b.subscribe((e) => seen.push(textOf(e)));
      await sub.watch('general');
      await sub.watch('general');
      await sub.unwatch('elsewhere');
      await pair.a.publish(say('once'));
      await waitUntil(() => seen.length >= 1, 5000, 'the envelope');
      await settle();
      expect(seen).toEqual(['once']);
    });
  });
}
