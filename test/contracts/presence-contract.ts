import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Presence, PresenceMember } from '../../src/core/ports/presence.js';

/** Two nodes' handles on one presence, for nodes 'A' and 'B'. Memory: one instance twice. */
export interface PresencePair {
  readonly a: Presence;
  readonly b: Presence;
  close(): Promise<void>;
}

const onA = (id: string, name = id): PresenceMember => ({ id, name, node: 'A' });
const onB = (id: string, name = id): PresenceMember => ({ id, name, node: 'B' });

/** The one contract every Presence must pass. */
export function presenceContract(name: string, create: () => Promise<PresencePair>): void {
  describe(`Presence contract: ${name}`, () => {
    let pair: PresencePair;
    beforeEach(async () => {
      pair = await create();
    });
    afterEach(async () => {
      await pair.close();
    });

    it('lists the members of every node in joining order', async () => {
      await pair.a.join('general', onA('s1', 'Ann'));
      await pair.b.join('general', onB('s2', 'Bob'));
      await pair.a.join('general', onA('s3', 'Cid'));
      const expected = [onA('s1', 'Ann'), onB('s2', 'Bob'), onA('s3', 'Cid')];
      expect(await pair.a.members('general')).toEqual(expected);
      expect(await pair.b.members('general')).toEqual(expected);
    });

    it('updates a member on a second join (a rename) and keeps its place', async () => {
      await pair.a.join('general', onA('s1', 'Ann'));
      await pair.b.join('general', onB('s2', 'Bob'));
      await pair.a.join('general', onA('s1', 'Anna'));
      expect(await pair.b.members('general')).toEqual([onA('s1', 'Anna'), onB('s2', 'Bob')]);
    });

    it('removes a member on leave, and ignores a leave of someone absent', async () => {
      await pair.a.join('general', onA('s1'));
      await pair.b.join('general', onB('s2'));
      await pair.b.leave('general', 's1'); // any node may remove a member
      await pair.a.leave('general', 'nobody');
      await pair.a.leave('nowhere', 's2');
      expect(await pair.a.members('general')).toEqual([onB('s2')]);
      await pair.b.leave('general', 's2');
      expect(await pair.a.members('general')).toEqual([]);
    });

    it('keeps rooms apart: a member may be in several', async () => {
      await pair.a.join('one', onA('s1'));
      await pair.a.join('two', onA('s1'));
      await pair.b.join('two', onB('s2'));
      await pair.a.leave('one', 's1');
      expect(await pair.b.members('one')).toEqual([]);
      expect(await pair.b.members('two')).toEqual([onA('s1'), onB('s2')]);
    });

    it('counts members per room across nodes, 0 for unknown rooms', async () => {
      await pair.a.join('one', onA('s1'));
      await pair.b.join('one', onB('s2'));
      await pair.b.join('two', onB('s2'));
      const counts = await pair.a.counts(['one', 'two', 'empty']);
      expect([...counts]).toEqual([
        ['one', 2],
        ['two', 1],
        ['empty', 0],
      ]);
      expect((await pair.a.counts([])).size).toBe(0);
    });

    it('keeps the joining order of many members', async () => {
      const members = Array.from({ length: 300 }, (_, i) => (i % 2 === 0 ? onA(`a${i}`) : onB(`b${i}`)));
      for (const member of members) await (member.node === 'A' ? pair.a : pair.b).join('big', member);
      expect(await pair.a.members('big')).toEqual(members);
    });
  });
}
