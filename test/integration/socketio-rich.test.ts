import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SioClient, sleep } from '../e2e/support/sio-client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { LineClient } from '../helpers/tcp-client.js';

/** Parley's own event set: acknowledged requests, several rooms, history, PMs, typing. */

type Message = { id: string; room: string; seq: number; kind: string; author: string; text: string; ts: number };
type Ack<T = Record<string, unknown>> = { ok: true } & T;
type Fail = { ok: false; error: { code: string; text: string } };

let t: TestServer;
const open: Array<SioClient | LineClient> = [];
const track = <C extends SioClient | LineClient>(c: C): C => (open.push(c), c);
const rich = async (name: string) => track(await SioClient.rich(t.httpPort, name));

beforeAll(async () => {
  t = await startTestServer();
});
afterEach(async () => {
  for (const c of open.splice(0)) c.close();
  for (let i = 0; i < 100 && t.server.chat.sessionCount > 0; i++) await sleep(20);
  expect(t.server.chat.sessionCount).toBe(0);
});
afterAll(async () => {
  await t.dispose();
});

describe('requests and acks', () => {
  it('hello names the socket and answers with its room, users, history and a resume secret', async () => {
    const sock = track(await SioClient.connect(t.httpPort));
    const ack = (await sock.request('hello', { name: 'ann' })) as Ack<{ name: string; room: string; users: unknown[]; history: unknown[]; resume: string }>;
    expect(ack).toMatchObject({ ok: true, name: 'ann', room: 'general', users: [{ id: expect.any(String), username: 'ann' }], history: expect.any(Array) });
    expect(ack.resume).toMatch(/^[\w-]{20,}$/);
    const again = (await sock.request('hello', { name: 'ann' })) as Fail;
    expect(again).toEqual({ ok: false, error: { code: 'already_registered', text: expect.any(String) } });
  });

  it('acks a say with the stored message, which history then returns', async () => {
    const ann = await rich('ann');
    const ack = (await ann.request('say', { room: 'general', text: 'durable?' })) as Ack<{ message: Message }>;
    expect(ack.ok).toBe(true);
    expect(ack.message).toMatchObject({ room: 'general', author: 'ann', text: 'durable?', kind: 'chat', seq: expect.any(Number) });
    const history = (await ann.request('history', { room: 'general', after: ack.message.seq - 1 })) as Ack<{ messages: Message[] }>;
    expect(history.messages.map((m) => m.id)).toEqual([ack.message.id]);
    const action = (await ann.request('say', { room: 'general', text: 'waves', action: true })) as Ack<{ message: Message }>;
    expect(action.message.kind).toBe('action');
  });

  it('answers errors in the ack with a code, and bad shapes with bad_request', async () => {
    const ann = await rich('ann');
    expect(await ann.request('say', { room: 'elsewhere', text: 'hi' })).toMatchObject({ ok: false, error: { code: 'not_in_room' } });
    expect(await ann.request('say', { room: 7, text: 'hi' })).toMatchObject({ ok: false, error: { code: 'bad_request', text: expect.stringContaining('room') } });
    expect(await ann.request('history', { room: 'general', limit: 0 })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await ann.request('join', 'not-an-object')).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await ann.request('frobnicate', {})).toMatchObject({ ok: false, error: { code: 'unknown_command' } });
    const anon = track(await SioClient.connect(t.httpPort));
    expect(await anon.request('join', { room: 'x' })).toMatchObject({ ok: false, error: { code: 'not_registered' } });
    // No stray error events when the request had an ack.
    expect(ann.all('error')).toEqual([]);
  });
});

describe('rooms, history, private messages, typing', () => {
  it('routes messages of several rooms, each tagged with its room', async () => {
    const ann = await rich('ann');
    const ben = await rich('ben');
    for (const c of [ann, ben]) expect(await c.request('join', { room: 'alpha' })).toMatchObject({ ok: true, room: 'alpha' });
    expect(await ann.request('join', { room: 'beta' })).toMatchObject({ ok: true, room: 'beta', fresh: true });
    await ann.request('say', { room: 'beta', text: 'in beta' });
    await ann.request('say', { room: 'alpha', text: 'in alpha' });
    const got = await ben.waitFor<{ text: string; room: string }>('message', (m) => m.text === 'in alpha');
    expect(got.room).toBe('alpha');
    expect(ben.all<{ text: string }>('message').some((m) => m.text === 'in beta')).toBe(false);
    const rooms = (await ben.request('rooms')) as Ack<{ rooms: Array<{ name: string; members: number }> }>;
    expect(rooms.rooms.find((r) => r.name === 'alpha')?.members).toBe(2);
    expect(rooms.rooms.find((r) => r.name === 'beta')?.members).toBe(1);
    const left = await ann.request('leave', { room: 'beta' });
    expect(left).toEqual({ ok: true, room: 'beta' });
  });

  it('pages history by sequence number', async () => {
    const ann = await rich('ann');
    await ann.request('join', { room: 'paged' });
    const seqs: number[] = [];
    for (let i = 1; i <= 30; i++) {
      const ack = (await ann.request('say', { room: 'paged', text: `m${i}` })) as Ack<{ message: Message }>;
      seqs.push(ack.message.seq);
    }
    const page = async (q: Record<string, unknown>) =>
      ((await ann.request('history', { room: 'paged', ...q })) as Ack<{ messages: Message[] }>).messages.map((m) => m.text);
    expect(await page({ limit: 5 })).toEqual(['m26', 'm27', 'm28', 'm29', 'm30']);
    expect(await page({ before: seqs[25], limit: 5 })).toEqual(['m21', 'm22', 'm23', 'm24', 'm25']);
    expect(await page({ after: seqs[27] })).toEqual(['m29', 'm30']);
    expect(await page({ after: 0, limit: 3 })).toEqual(['m1', 'm2', 'm3']);
    const joined = (await (await rich('ben')).request('join', { room: 'paged' })) as Ack<{ history: Message[] }>;
    expect(joined.history.at(-1)?.text).toBe('m30');
  });

  it('delivers a private message to its recipient only, and knows unknown names', async () => {
    const ann = await rich('ann');
    const ben = await rich('ben');
    const cat = await rich('cat');
    const ack = (await ann.request('msg', { to: 'BEN', text: 'psst' })) as Ack<{ to: string; id: string }>;
    expect(ack).toMatchObject({ ok: true, to: 'ben' });
    const pm = await ben.waitFor<{ from: string; text: string; id: string; time: string }>('private');
    expect(pm).toMatchObject({ from: 'ann', to: 'ben', text: 'psst', id: ack.id, action: false });
    expect(await ann.request('msg', { to: 'nobody', text: 'hello?' })).toMatchObject({ ok: false, error: { code: 'no_such_user' } });
    await sleep(100);
    expect(cat.all('private')).toEqual([]);
    expect(ann.all('private')).toEqual([]);
  });

  it('sends typing to the others in the room, not to the typist', async () => {
    const ann = await rich('ann');
    const ben = await rich('ben');
    expect(await ann.request('typing', { room: 'general' })).toEqual({ ok: true });
    const typing = await ben.waitFor<{ room: string; user: { username: string } }>('typing');
    expect(typing).toMatchObject({ room: 'general', user: { username: 'ann', id: expect.any(String) } });
    await sleep(100);
    expect(ann.all('typing')).toEqual([]);
  });

  it('renames with nick and tells the room; sets and reads the topic', async () => {
    const ann = await rich('ann');
    const ben = await rich('ben');
    expect(await ann.request('nick', { name: 'anna' })).toEqual({ ok: true, from: 'ann', to: 'anna' });
    await ben.waitFor<{ text: string }>('message', (m) => m.text === 'ann is now known as anna');
    await ben.waitFor<{ users: Array<{ username: string }> }>('roomUsers', (r) => r.users.some((u) => u.username === 'anna'));
    expect(await ann.request('topic', { room: 'general', text: 'Tea at five' })).toMatchObject({ ok: true, topic: 'Tea at five' });
    const topicMessage = await ben.waitFor<{ kind: string; text: string }>('message', (m) => m.kind === 'topic');
    expect(topicMessage.text).toBe('Tea at five');
    expect(await ben.request('topic', { room: 'general' })).toMatchObject({ ok: true, topic: 'Tea at five' });
  });
});

describe('reconnecting and other doors', () => {
  it('lets a client with its resume secret take its name back from a stale session', async () => {
    const first = track(await SioClient.connect(t.httpPort));
    const hello = (await first.request('hello', { name: 'phoenix' })) as Ack<{ resume: string }>;
    const watcher = await rich('watcher');
    // Simulate a dead network: the server still holds the first session.
    const second = track(await SioClient.connect(t.httpPort));
    expect(await second.request('hello', { name: 'phoenix' })).toMatchObject({ ok: false, error: { code: 'name_taken' } });
    expect(await second.request('hello', { name: 'phoenix', resume: 'wrong-secret' })).toMatchObject({ ok: false, error: { code: 'name_taken' } });
    const gone = first.disconnected();
    expect(await second.request('hello', { name: 'phoenix', resume: hello.resume })).toMatchObject({ ok: true, name: 'phoenix' });
    await gone;
    await watcher.waitFor<{ text: string }>('message', (m) => m.text === 'phoenix has left the chat');
    await second.request('say', { room: 'general', text: 'back again' });
    await watcher.waitFor<{ text: string; username: string }>('message', (m) => m.text === 'back again' && m.username === 'phoenix');
  });

  it('carries messages between Socket.IO and TCP in both directions', async () => {
    const tcp = track(await LineClient.named(t.tcpPort, 'tess'));
    const sock = await rich('sam');
    await sock.request('say', { room: 'general', text: 'hello tcp' });
    await tcp.waitFor('sam: hello tcp');
    tcp.send('hello socket');
    const m = await sock.waitFor<{ username: string; text: string; room: string }>('message', (p) => p.text === 'hello socket');
    expect(m).toMatchObject({ username: 'tess', room: 'general' });
    const pmTo = await sock.request('msg', { to: 'tess', text: 'private hi' });
    expect(pmTo.ok).toBe(true);
    await tcp.waitFor('[PM from sam]: private hi');
  });

  it('relays operator broadcasts as a system message', async () => {
    const sock = await rich('listener');
    t.server.chat.broadcast('SERVER', 'maintenance at noon');
    const m = await sock.waitFor<{ username: string; text: string; system: boolean }>('message', (p) => p.text === 'maintenance at noon');
    expect(m).toMatchObject({ username: 'SERVER', system: true });
  });
});
