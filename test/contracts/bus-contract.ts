import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Bus, Envelope } from '../../src/bus/bus.js';

/** Two handles on the same bus, as two nodes would have. */
export interface BusPair {
  readonly a: Bus;
  readonly b: Bus;
  close(): Promise<void>;
}

const envelope = (text: string): Envelope => ({
  audience: { kind: 'room', room: 'general' },
  event: { type: 'broadcast', from: 'test', text, ts: 0 },
});

const waitUntil = async (check: () => boolean, ms = 2000): Promise<void> => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
};

/** The one contract every Bus must pass. */
export function busContract(name: string, create: () => Promise<BusPair>): void {
  describe(`Bus contract: ${name}`, () => {
    let pair: BusPair;
    beforeEach(async () => {
      pair = await create();
    });
    afterEach(async () => {
      await pair.close();
    });

    it('delivers every envelope to every subscriber on every node, in publish order, once', async () => {
      const seenA: string[] = [];
      const seenB: string[] = [];
      const text = (e: Envelope) => (e.event.type === 'broadcast' ? e.event.text : '');
      pair.a.subscribe((e) => seenA.push(text(e)));
      pair.b.subscribe((e) => seenB.push(text(e)));
      const sent = Array.from({ length: 100 }, (_, i) => `m${i}`);
      for (const t of sent) pair.a.publish(envelope(t));
      await waitUntil(() => seenA.length >= 100 && seenB.length >= 100);
      await new Promise((r) => setTimeout(r, 20));
      expect(seenA).toEqual(sent);
      expect(seenB).toEqual(sent);
    });

    it('stops delivering to a handler after it unsubscribes', async () => {
      const seen: string[] = [];
      const off = pair.b.subscribe((e) => seen.push(e.event.type));
      pair.a.publish(envelope('one'));
      await waitUntil(() => seen.length === 1);
      off();
      pair.a.publish(envelope('two'));
      await new Promise((r) => setTimeout(r, 50));
      expect(seen).toEqual(['broadcast']);
    });
  });
}
