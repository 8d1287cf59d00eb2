import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Names } from '../../src/core/ports/names.js';

/** Two nodes' handles on one namespace. Memory: one instance twice; Redis: two instances. */
export interface NamesPair {
  readonly a: Names;
  readonly b: Names;
  close(): Promise<void>;
}

/** The one contract every Names must pass. */
export function namesContract(name: string, create: () => Promise<NamesPair>): void {
  describe(`Names contract: ${name}`, () => {
    let pair: NamesPair;
    beforeEach(async () => {
      pair = await create();
    });
    afterEach(async () => {
      await pair.close();
    });

    it('gives a free name to the first claimant and refuses it to another node', async () => {
      expect(await pair.a.holder('ann')).toBeNull();
      expect(await pair.a.claim('ann', 's1')).toBe(true);
      expect(await pair.b.claim('ann', 's2')).toBe(false);
      expect(await pair.b.holder('ann')).toBe('s1');
    });

    it('answers true to a claim of a name one already holds', async () => {
      expect(await pair.a.claim('ann', 's1')).toBe(true);
      expect(await pair.a.claim('ann', 's1')).toBe(true);
      expect(await pair.a.holder('ann')).toBe('s1');
    });

    it('frees a name on release by its owner, so another node can take it', async () => {
      await pair.a.claim('ann', 's1');
      await pair.a.release('ann', 's1');
      expect(await pair.b.holder('ann')).toBeNull();
      expect(await pair.b.claim('ann', 's2')).toBe(true);
    });

    it('ignores a release by someone who does not hold the name', async () => {
      await pair.a.claim('ann', 's1');
      await pair.b.release('ann', 's2');
      await pair.b.release('nobody', 's2');
      expect(await pair.a.holder('ann')).toBe('s1');
    });

    it('lets exactly one of two nodes win each name claimed by both at the same instant', async () => {
      const names = Array.from({ length: 200 }, (_, i) => `race-${i}`);
      const results = await Promise.all(
        names.map(async (key) => {
          const [fromA, fromB] = await Promise.all([pair.a.claim(key, `a-${key}`), pair.b.claim(key, `b-${key}`)]);
          return { key, fromA, fromB, holder: await pair.a.holder(key) };
        }),
      );
      for (const { key, fromA, fromB, holder } of results) {
        expect(fromA !== fromB, `${key}: exactly one wins`).toBe(true);
        expect(holder).toBe(fromA ? `a-${key}` : `b-${key}`);
      }
    });

    it('keeps names apart by key, exactly as given', async () => {
      expect(await pair.a.claim('ann', 's1')).toBe(true);
      expect(await pair.b.claim('ann2', 's2')).toBe(true);
      expect(await pair.b.claim('Ann', 's3')).toBe(true); // folding is the core's job
    });
  });
}
