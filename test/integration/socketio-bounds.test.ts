import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SioClient, sleep } from '../e2e/support/sio-client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { LineClient } from '../helpers/tcp-client.js';

/** Output bounds, input bounds at scale, shutdown. */

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ maxOutbufBytes: 256 * 1024, maxMessageLength: 100_000, durability: 'normal' });
});
afterAll(async () => {
  await t.dispose();
});

describe('a client that stops reading', () => {
  it('is disconnected with a reason once its output passes the bound; the room carries on', async () => {
    const slow = await SioClient.classic(t.httpPort, 'slowpoke', 'flood');
    const reader = await SioClient.classic(t.httpPort, 'reader', 'flood');
    const sender = await SioClient.rich(t.httpPort, 'sender');
    expect(await sender.request('join', { room: 'flood' })).toMatchObject({ ok: true });
    const watcher = await LineClient.open(t.tcpPort);
    watcher.json({ type: 'hello', name: 'watcher' });
    watcher.json({ type: 'join', room: 'flood', id: 'j' });
    await watcher.waitForJson((m) => m.type === 'joined');

    // Stop reading: pause the client's TCP socket, so the kernel buffers fill, then the server's.
    const transport = slow.socket.io.engine.transport as unknown as { ws: { _socket: { pause(): void } } };
    transport.ws._socket.pause();

    const text = 'z'.repeat(90_000);
    let sent = 0;
    for (; sent < 1000 && t.server.chat.members('flood')?.some((u) => u.name === 'slowpoke'); sent++) {
      const ack = await sender.request('say', { room: 'flood', text: `${sent} ${text}` });
      expect(ack.ok).toBe(true);
    }
    const leave = await watcher.waitForJson<{ reason: string; user: { name: string } }>((m) => m.type === 'leave');
    expect(leave).toMatchObject({ user: { name: 'slowpoke' }, reason: 'Too slow: outgoing buffer full' });
    // Measured: about 90 KB x `sent` went out before the kick (kernel buffers + the bound).
    console.log(`slow reader kicked after ${sent} messages of 90 KB`);
    expect(sent).toBeLessThan(1000);
    // The reader, which kept reading, got every message and is still connected.
    await reader.waitFor<{ text: string }>('message', (m) => m.text.startsWith(`${sent - 1} `), 10_000);
    expect(reader.all<{ text: string }>('message').filter((m) => /^\d+ z/.test(m.text))).toHaveLength(sent);
    expect(reader.socket.connected).toBe(true);
    for (const c of [slow, reader, sender]) c.close();
    watcher.close();
  }, 60_000);
});

describe('roomUsers at scale', () => {
  it('coalesces member lists: N joins cost far fewer than N^2/2 roomUsers events', async () => {
    const N = 150;
    const clients = await Promise.all(Array.from({ length: N }, () => SioClient.connect(t.httpPort)));
    const start = performance.now();
    clients.forEach((c, i) => c.socket.emit('joinRoom', { username: `u${i}`, room: 'crowd' }));
    // Bounded wait until every client has seen the full member list.
    for (let i = 0; i < 200; i++) {
      if (clients.every((c) => c.all<{ users: unknown[] }>('roomUsers').some((r) => r.users.length === N))) break;
      await sleep(25);
    }
    const elapsed = performance.now() - start;
    for (const c of clients) expect(c.all<{ users: unknown[] }>('roomUsers').at(-1)?.users).toHaveLength(N);
    const total = clients.reduce((sum, c) => sum + c.all('roomUsers').length, 0);
    console.log(`${N} concurrent joins: ${total} roomUsers events in total (uncoalesced would be ${(N * (N + 1)) / 2}), ${elapsed.toFixed(0)} ms`);
    expect(total).toBeLessThan((N * (N + 1)) / 4);
    for (const c of clients) c.close();
    for (let i = 0; i < 100 && t.server.chat.sessionCount > 0; i++) await sleep(20);
  }, 30_000);
});

describe('shutdown', () => {
  it('tells every Socket.IO client why, closes them, and stops promptly', async () => {
    const s = await startTestServer();
    const a = await SioClient.classic(s.httpPort, 'a', 'lobby');
    const b = await SioClient.rich(s.httpPort, 'b');
    const goneA = a.disconnected();
    const goneB = b.disconnected();
    const started = performance.now();
    await s.dispose();
    const took = performance.now() - started;
    for (const c of [a, b]) {
      expect(await c.waitFor<{ reason: string }>('bye')).toEqual({ reason: 'Server is shutting down. Bye!', code: 'shutdown' });
      await c.waitFor<{ text: string; system: boolean }>('message', (m) => m.text === 'Server is shutting down. Bye!' && m.system);
    }
    expect(await goneA).toMatch(/server/);
    expect(await goneB).toMatch(/server/);
    expect(took).toBeLessThan(3000);
  });
});
