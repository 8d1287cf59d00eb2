import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SioClient, sleep } from '../e2e/support/sio-client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** Issue 7 for Socket.IO: safe retries of rich `say`, paged `rooms`, line breaks kept. */

type Message = { id: string; room: string; seq: number; text: string };
type Ack<T> = { ok: true } & T;

let t: TestServer;
const open: SioClient[] = [];
const track = (c: SioClient): SioClient => (open.push(c), c);
const rich = async (name: string) => track(await SioClient.rich(t.httpPort, name));
const classic = async (name: string, room: string) => track(await SioClient.classic(t.httpPort, name, room));

beforeAll(async () => {
  t = await startTestServer({ durability: 'normal' });
});
afterEach(async () => {
  for (const c of open.splice(0)) c.close();
  for (let i = 0; i < 100 && t.server.chat.sessionCount > 0; i++) await sleep(20);
});
afterAll(async () => {
  await t.dispose();
});

describe('rich say with a client id', () => {
  it('a retry (same id, room, text) returns the same message id and seq, stored and delivered once', async () => {
    const ann = await rich('ann');
    const ben = await rich('ben');
    const first = (await ann.request('say', { room: 'general', text: 'only once', id: 'c-1' })) as Ack<{ message: Message }>;
    expect(first.ok).toBe(true);
    const retry = (await ann.request('say', { room: 'general', text: 'only once', id: 'c-1' })) as Ack<{ message: Message }>;
    expect(retry.message).toEqual(first.message);
    // Also after a reconnect: a new connection under the same name.
    ann.close();
    await ben.waitFor<{ text: string }>('message', (m) => m.text === 'ann has left the chat');
    const again = await rich('ann');
    const afterReconnect = (await again.request('say', { room: 'general', text: 'only once', id: 'c-1' })) as Ack<{ message: Message }>;
    expect(afterReconnect.message).toEqual(first.message);
    await again.request('say', { room: 'general', text: 'marker' });
    await ben.waitFor<{ text: string }>('message', (m) => m.text === 'marker');
    expect(ben.all<{ id?: string }>('message').filter((m) => m.id === first.message.id)).toHaveLength(1);
    const history = (await ben.request('history', { room: 'general', limit: 500 })) as Ack<{ messages: Message[] }>;
    expect(history.messages.filter((m) => m.text === 'only once')).toHaveLength(1);
  });

  it('refuses an id that is not a string of 1 to 64 characters', async () => {
    const ann = await rich('ann');
    for (const id of ['', 'x'.repeat(65), 7, null]) {
      expect(await ann.request('say', { room: 'general', text: 'x', id })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    }
  });
});

describe('rich rooms paged', () => {
  it('walks 300 rooms with { limit, after } and answers { rooms, next }', async () => {
    const names = Array.from({ length: 300 }, (_, i) => `sp${String(i).padStart(3, '0')}`);
    const posted = await Promise.all(names.map((name) => t.server.chat.postAs('bot', name, 'hello')));
    expect(posted.every((p) => p.ok)).toBe(true);
    const ann = await rich('ann');
    const whole = (await ann.request('rooms')) as Ack<{ rooms: unknown[]; next: string | null }>;
    expect(whole.rooms).toHaveLength(200);
    expect(typeof whole.next).toBe('string');
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 20; page++) {
      const reply = (await ann.request('rooms', after === null ? { limit: 90 } : { limit: 90, after })) as Ack<{ rooms: Array<{ name: string }>; next: string | null }>;
      expect(reply.ok).toBe(true);
      expect(reply.rooms.length).toBeLessThanOrEqual(90);
      seen.push(...reply.rooms.map((r) => r.name));
      after = reply.next;
      if (after === null) break;
    }
    expect(after).toBeNull();
    expect(seen.filter((n) => n.startsWith('sp'))).toEqual(names);
    expect(new Set(seen).size).toBe(seen.length);
    for (const bad of [{ limit: 0 }, { limit: 201 }, { limit: 'x' }, { after: 5 }]) {
      expect(await ann.request('rooms', bad)).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    }
  });
});

describe('line breaks', () => {
  it('classic chatMessage and rich say keep \\n, delivered and in history alike', async () => {
    const cal = await classic('cal', 'lines');
    const ann = await rich('ann');
    await ann.request('join', { room: 'lines' });
    cal.socket.emit('chatMessage', 'classic\nsecond line');
    const fromClassic = await ann.waitFor<{ text: string }>('message', (m) => m.text.startsWith('classic'));
    expect(fromClassic.text).toBe('classic\nsecond line');
    const sent = (await ann.request('say', { room: 'lines', text: 'rich\r\nsecond\u2028third' })) as Ack<{ message: Message }>;
    expect(sent.message.text).toBe('rich\nsecond\nthird');
    const fromRich = await cal.waitFor<{ text: string }>('message', (m) => m.text.startsWith('rich'));
    expect(fromRich.text).toBe('rich\nsecond\nthird');
    const history = (await ann.request('history', { room: 'lines' })) as Ack<{ messages: Message[] }>;
    expect(history.messages.map((m) => m.text)).toEqual(['classic\nsecond line', 'rich\nsecond\nthird']);
  });
});
