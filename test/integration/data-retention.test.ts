import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RetentionJob } from '../../src/data/retention.js';
import { MemoryStore } from '../../src/store/memory.js';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import type { MessageDraft } from '../../src/store/store.js';
import { token, user } from '../contracts/accounts-contract.js';

const dir = mkdtempSync(join(tmpdir(), 'parley-retention-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const DAY = 24 * 60 * 60 * 1000;
const NOW = Date.UTC(2026, 11, 1);
let n = 0;
const draft = (room: string, ts: number, extra: Partial<MessageDraft> = {}): MessageDraft => ({ id: `r${++n}`, room, kind: 'chat', author: 'ann', text: `at ${ts}`, ts, ...extra });

const stores = {
  memory: async () => new MemoryStore(),
  sqlite: async () => SqliteStore.open(join(dir, `db${++n}.sqlite`)),
};

for (const [kind, create] of Object.entries(stores)) {
  describe(`retention job (${kind} store, a clock the test sets)`, () => {
    it('deletes only messages older than HISTORY_RETENTION_DAYS; numbering continues after them', async () => {
      const store = await create();
      for (const age of [10, 5, 2.9, 1]) await store.append(draft('general', NOW - age * DAY));
      await store.append(draft('dev', NOW - 4 * DAY));
      await store.append(draft('dev', NOW - 3 * DAY - 1));
      await store.append(draft('dev', NOW - 3 * DAY));
      const job = new RetentionJob({ store, days: 3, clock: () => NOW });
      expect(await job.runOnce()).toMatchObject({ messages: 4, complete: true });
      expect((await store.history('general', {})).map((m) => m.seq)).toEqual([3, 4]);
      // Exactly three days old is not older than three days.
      expect((await store.history('dev', {})).map((m) => m.seq)).toEqual([3]);
      expect((await store.loadRooms()).map((r) => [r.name, r.lastSeq]).sort()).toEqual([['dev', 3], ['general', 4]]);
      expect((await store.append(draft('general', NOW))).message.seq).toBe(5);
      expect((await job.runOnce()).messages).toBe(0);
      await store.close();
    });

    it('deletes in small batches and lets the chat run between them', async () => {
      const store = await create();
      await Promise.all(Array.from({ length: 1050 }, (_, i) => store.append(draft('big', NOW - 30 * DAY + i))));
      const interleaved: number[] = [];
      const job = new RetentionJob({
        store,
        days: 7,
        clock: () => NOW,
        batchSize: 100,
        // Between batches, a message arrives and is stored with the next number.
        pause: async () => {
          interleaved.push((await store.append(draft('big', NOW))).message.seq);
        },
      });
      expect((await job.runOnce()).messages).toBe(1050);
      expect(interleaved.length).toBeGreaterThanOrEqual(11);
      expect(interleaved).toEqual(interleaved.map((_, i) => 1051 + i));
      expect((await store.history('big', { limit: 500 })).map((m) => m.seq)).toEqual(interleaved);
      await store.close();
    });

    it('stop() ends a pass after the current batch and keeps the rest', async () => {
      const store = await create();
      await Promise.all(Array.from({ length: 300 }, (_, i) => store.append(draft('slow', NOW - 30 * DAY + i))));
      let stopping: Promise<void> | null = null;
      const job = new RetentionJob({
        store,
        days: 1,
        clock: () => NOW,
        batchSize: 100,
        pause: async () => {
          stopping ??= job.stop();
        },
      });
      expect(await job.runOnce()).toMatchObject({ messages: 100, complete: false });
      await stopping;
      expect((await store.history('slow', { limit: 500 })).length).toBe(200);
      await store.close();
    });

    it('keeps all history when off (0 days), and prunes expired login tokens and old client ids either way', async () => {
      const store = await create();
      await store.append(draft('general', NOW - 400 * DAY, { dedupe: { authorKey: 'ann', clientId: 'c-old' } }));
      await store.append(draft('general', NOW - 1000, { dedupe: { authorKey: 'ann', clientId: 'c-new' } }));
      const ann = user('retann');
      await store.createAccount(ann);
      const expired = token(ann, { expiresAt: NOW - 1 });
      const live = token(ann, { expiresAt: NOW + DAY });
      await store.addToken(expired);
      await store.addToken(live);
      const job = new RetentionJob({ store, days: 0, clock: () => NOW });
      // The old client id may already be gone (the SQL stores prune on commit too); the contract tests count it.
      expect(await job.runOnce()).toMatchObject({ messages: 0, tokens: 1, complete: true });
      expect((await store.history('general', {})).length).toBe(2);
      expect(await store.tokenByDigest(expired.digest)).toBeNull();
      expect(await store.tokenByDigest(live.digest)).toEqual(live);
      // The recent client id still makes a retry safe.
      const retry = await store.append(draft('general', NOW, { text: `at ${NOW - 1000}`, dedupe: { authorKey: 'ann', clientId: 'c-new' } }));
      expect(retry.duplicate).toBe(true);
      await store.close();
    });

    it('runs on its timer until stopped (timers that do not hold the process)', async () => {
      const store = await create();
      await store.append(draft('t', NOW - 9 * DAY));
      const passes: number[] = [];
      const job = new RetentionJob({ store, days: 1, clock: () => NOW, firstPassMs: 1, intervalMs: 5, onPass: (r) => passes.push(r.messages) });
      job.start();
      const deadline = Date.now() + 5000;
      while (passes.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      await job.stop();
      const after = passes.length;
      await new Promise((r) => setTimeout(r, 30));
      expect(passes.length).toBe(after);
      expect(passes.slice(0, 3)).toEqual([1, 0, 0]);
      await store.close();
    });
  });
}
