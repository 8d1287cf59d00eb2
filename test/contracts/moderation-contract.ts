import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EMPTY_MODERATION, type ModLogEntry, type RoomModeration } from '../../src/core/moderation/state.js';
import type { ModerationStore } from '../../src/core/ports/moderation.js';

export type ClosableModeration = ModerationStore & { close(): Promise<void> };

export interface ModerationFactory {
  /** A fresh, empty store. */
  create(): Promise<ClosableModeration>;
  /** The same data, opened again after close(); absent if the store cannot outlive a process. */
  reopen?: (closed: ClosableModeration) => Promise<ClosableModeration>;
}

const T0 = 1_700_000_000_000;
let n = 0;

function entry(room: string, extra: Partial<ModLogEntry> = {}): ModLogEntry {
  n++;
  return { id: `e${n}-${Math.random().toString(36).slice(2)}`, room, ts: T0 + n, actor: 'ann', action: 'kick', target: 'bob', reason: `r${n}`, detail: '', ...extra };
}

const banned: RoomModeration = {
  ...EMPTY_MODERATION,
  owner: 'ann',
  roles: { cat: 'op', dan: 'voice' },
  bans: [{ key: 'bob', name: 'Bob', address: '10.0.0.7', by: 'ann', reason: 'spam 🥫', at: T0, until: T0 + 60_000 }],
  mutes: [{ key: 'eve', name: 'Eve', address: null, by: 'cat', reason: '', at: T0, until: null }],
  invites: ['fay'],
  settings: { topicLock: true, inviteOnly: true, moderated: false, slowmode: 30, limit: 12 },
};

/** The one contract every ModerationStore must pass; run from a test file per implementation. */
export function moderationContract(name: string, factory: ModerationFactory): void {
  describe(`ModerationStore contract: ${name}`, () => {
    let store: ClosableModeration;
    beforeEach(async () => {
      store = await factory.create();
    });
    afterEach(async () => {
      await store.close();
    });

    it('starts with no moderation and an empty log', async () => {
      expect(await store.moderationOf('general')).toEqual({ state: EMPTY_MODERATION, version: 0 });
      expect(await store.modLog('general', 10)).toEqual([]);
      expect(await store.modLog(null, 10)).toEqual([]);
    });

    it('keeps a saved state whole and counts versions', async () => {
      expect(await store.saveModeration('dev', banned, 0)).toBe(true);
      expect(await store.moderationOf('dev')).toEqual({ state: banned, version: 1 });
      const next = { ...banned, roles: {} };
      expect(await store.saveModeration('dev', next, 1)).toBe(true);
      expect(await store.moderationOf('dev')).toEqual({ state: next, version: 2 });
      expect(await store.moderationOf('other')).toEqual({ state: EMPTY_MODERATION, version: 0 });
    });

    it('refuses a save from a stale version and keeps the other write', async () => {
      expect(await store.saveModeration('dev', banned, 0)).toBe(true);
      expect(await store.saveModeration('dev', EMPTY_MODERATION, 0)).toBe(false);
      expect(await store.saveModeration('dev', EMPTY_MODERATION, 7)).toBe(false);
      expect(await store.moderationOf('dev')).toEqual({ state: banned, version: 1 });
    });

    it('of two writers on one version, exactly one wins', async () => {
      const results = await Promise.all([store.saveModeration('race', banned, 0), store.saveModeration('race', EMPTY_MODERATION, 0)]);
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('returns the log newest first, per room or all, at most `limit`', async () => {
      const a1 = entry('a');
      const b1 = entry('b', { action: 'ban', detail: 'for 2h' });
      const a2 = entry('a', { action: 'mode', target: '', detail: 'slowmode=10' });
      for (const e of [a1, b1, a2]) await store.appendModLog(e);
      expect(await store.modLog('a', 10)).toEqual([a2, a1]);
      expect(await store.modLog('a', 1)).toEqual([a2]);
      expect(await store.modLog(null, 10)).toEqual([a2, b1, a1]);
      expect(await store.modLog('none', 10)).toEqual([]);
    });

    it.skipIf(!factory.reopen)('keeps state and log across a restart', async () => {
      const e = entry('dev');
      await store.saveModeration('dev', banned, 0);
      await store.appendModLog(e);
      await store.close();
      store = await (factory.reopen as NonNullable<ModerationFactory['reopen']>)(store);
      expect(await store.moderationOf('dev')).toEqual({ state: banned, version: 1 });
      expect(await store.modLog('dev', 10)).toEqual([e]);
    });
  });
}
