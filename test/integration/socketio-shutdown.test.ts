import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/store/memory.js';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import type { Appended, MessageDraft } from '../../src/store/store.js';
import { SioClient } from '../e2e/support/sio-client.js';
import { startTestServer } from '../helpers/server.js';
import { startSocketGateway } from '../helpers/socket-gateway.js';

/**
 * Shutdown answers every request (issue 7, finding 4): requests in flight when the server
 * stops get their ack, `ok` or `shutting_down`, exactly once and before `bye`; every message
 * acknowledged ok is stored.
 */

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

type Answer = { ok: true; message: { id: string; seq: number; text: string } } | { ok: false; error: { code: string } };

describe('server.stop() with requests in flight', () => {
  it('acks each of 100 says exactly once (ok or shutting_down) before bye; every ok is stored', async () => {
    const t = await startTestServer();
    dirs.push(t.dataDir);
    const sock = await SioClient.rich(t.httpPort, 'streamer');
    const answers = new Map<number, Answer[]>();
    const order: string[] = [];
    sock.socket.on('bye', () => order.push('bye'));
    let stopping: Promise<void> | null = null;
    const acked = new Promise<void>((resolve) => {
      for (let i = 0; i < 100; i++) {
        sock.socket.emit('say', { room: 'general', text: `s${i}` }, (answer: Answer) => {
          answers.set(i, [...(answers.get(i) ?? []), answer]);
          order.push(`ack${i}`);
          // Stop mid-stream, once a few have been answered.
          if (answers.size === 10) stopping = t.server.stop();
          if (answers.size === 100) resolve();
        });
      }
    });
    const gone = sock.disconnected(10_000);
    await Promise.race([acked, gone]);
    await gone;
    await stopping;
    expect(answers.size).toBe(100);
    for (const list of answers.values()) expect(list).toHaveLength(1);
    expect(order.indexOf('bye')).toBe(order.length - 1);
    const all = [...answers.values()].map((list) => list[0] as Answer);
    const ok = all.filter((a): a is Extract<Answer, { ok: true }> => a.ok);
    const refused = all.filter((a) => !a.ok);
    expect(ok.length).toBeGreaterThanOrEqual(10);
    expect(refused.every((a) => !a.ok && a.error.code === 'shutting_down')).toBe(true);

    const store = SqliteStore.open(join(t.dataDir, 'parley.db'));
    try {
      const stored = await store.history('general', { after: 0, limit: 500 });
      const ids = new Set(stored.map((m) => m.id));
      for (const a of ok) expect(ids.has(a.message.id)).toBe(true);
      expect(stored).toHaveLength(ok.length);
    } finally {
      await store.close();
    }
    sock.close();
  });
});

/** A memory store whose appends wait until the test opens the gate. */
class GatedStore extends MemoryStore {
  #open: () => void = () => {};
  readonly #gate = new Promise<void>((resolve) => (this.#open = resolve));
  #reached: () => void = () => {};
  /** Resolves when an append is waiting at the gate. */
  readonly reached = new Promise<void>((resolve) => (this.#reached = resolve));
  release(): void {
    this.#open();
  }
  override async append(draft: MessageDraft): Promise<Appended> {
    this.#reached();
    await this.#gate;
    return super.append(draft);
  }
}

describe('shutdown delivered while a request is still running (the drain deadline passed)', () => {
  it('sends bye only after that request is answered', async () => {
    const store = new GatedStore();
    const f = await startSocketGateway({}, store);
    try {
      const sock = await SioClient.rich(f.port, 'slowpoke');
      const order: string[] = [];
      sock.socket.on('bye', () => order.push('bye'));
      const answered = new Promise<unknown>((resolve) => {
        sock.socket.emit('say', { room: 'general', text: 'late but stored' }, (ack: unknown) => {
          order.push('ack');
          resolve(ack);
        });
      });
      const gone = sock.disconnected(10_000);
      // What server.stop() does when the drain deadline passes: drain, then shutdown anyway.
      await store.reached;
      void f.chat.drain();
      f.chat.shutdown();
      setTimeout(() => store.release(), 50);
      const noAck = new Promise((resolve) => setTimeout(() => resolve('no ack within 5 s'), 5000).unref());
      expect(await Promise.race([answered, noAck])).toMatchObject({ ok: true, message: { text: 'late but stored' } });
      await gone;
      expect(order).toEqual(['ack', 'bye']);
      sock.close();
    } finally {
      store.release();
      await f.close();
    }
  });
});
