import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SioClient, sleep } from '../e2e/support/sio-client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { LineClient } from '../helpers/tcp-client.js';

/** The classic Socket.IO room-chat protocol, exactly as the tutorial clients expect it. */

type Msg = { username: string; text: string; time: string; room?: string | null; system?: boolean; id?: string; seq?: number };
type RoomUsers = { room: string; users: Array<{ id: string; username: string }> };

const BOT = 'Parley Bot';
const TIME = /^(1[0-2]|[1-9]):[0-5]\d (am|pm)$/;

let t: TestServer;
const open: Array<SioClient | LineClient> = [];
const track = <C extends SioClient | LineClient>(c: C): C => (open.push(c), c);

beforeAll(async () => {
  t = await startTestServer();
});
afterEach(async () => {
  for (const c of open.splice(0)) c.close();
  // Names are reused between tests: wait (bounded) until the server has seen every client go.
  for (let i = 0; i < 100 && t.server.chat.sessionCount > 0; i++) await sleep(20);
  expect(t.server.chat.sessionCount).toBe(0);
});
afterAll(async () => {
  await t.dispose();
});

const classic = async (name: string, room: string) => track(await SioClient.classic(t.httpPort, name, room));
const usersOf = (r: RoomUsers) => r.users.map((u) => u.username).sort();

describe('classic events', () => {
  it('welcomes the joiner only, tells the others, and sends roomUsers to the room', async () => {
    const alice = await classic('alice', 'lobby');
    const welcome = alice.all<Msg>('message')[0];
    expect(welcome?.username).toBe(BOT);
    expect(welcome?.text).toMatch(/^Welcome to Parley/);
    expect(welcome?.time).toMatch(TIME);
    const first = await alice.waitFor<RoomUsers>('roomUsers', (r) => r.room === 'lobby');
    expect(first.users).toEqual([{ id: expect.any(String), username: 'alice' }]);

    const bob = await classic('bob', 'lobby');
    const joined = await alice.waitFor<Msg>('message', (m) => m.text === 'bob has joined the chat');
    expect(joined.username).toBe(BOT);
    expect(joined.time).toMatch(TIME);
    await alice.waitFor<RoomUsers>('roomUsers', (r) => r.users.length === 2);
    const bobsUsers = await bob.waitFor<RoomUsers>('roomUsers', (r) => r.users.length === 2);
    expect(bobsUsers.room).toBe('lobby');
    expect(usersOf(bobsUsers)).toEqual(['alice', 'bob']);
    // The joiner gets the welcome, never its own join notice; the others never get its welcome.
    await sleep(100);
    expect(bob.all<Msg>('message').map((m) => m.text)).toEqual([expect.stringMatching(/^Welcome to Parley/)]);
    expect(alice.all<Msg>('message').filter((m) => m.text.startsWith('Welcome'))).toHaveLength(1);
  });

  it('sends a chat message to everyone in the room, the sender included, and nobody else', async () => {
    const alice = await classic('alice', 'kitchen');
    const bob = await classic('bob', 'kitchen');
    const carol = await classic('carol', 'attic');
    alice.socket.emit('chatMessage', 'dinner is ready');
    for (const client of [alice, bob]) {
      const m = await client.waitFor<Msg>('message', (p) => p.text === 'dinner is ready');
      expect(m).toMatchObject({ username: 'alice', room: 'kitchen', system: false, seq: expect.any(Number), id: expect.any(String) });
      expect(m.time).toMatch(TIME);
    }
    // carol is in another room: a later message of her own arrives, the kitchen's never does.
    carol.socket.emit('chatMessage', 'anyone upstairs?');
    await carol.waitFor<Msg>('message', (p) => p.text === 'anyone upstairs?');
    expect(carol.all<Msg>('message').some((m) => m.text === 'dinner is ready')).toBe(false);
    expect(bob.all<Msg>('message').some((m) => m.text === 'anyone upstairs?')).toBe(false);
  });

  it('tells the room when a user goes, and updates roomUsers', async () => {
    const alice = await classic('alice', 'porch');
    const bob = await classic('bob', 'porch');
    await alice.waitFor<RoomUsers>('roomUsers', (r) => r.users.length === 2);
    const mark = alice.received.length;
    bob.close();
    const left = await alice.waitFor<Msg>('message', (m) => m.text === 'bob has left the chat', 5000, mark);
    expect(left.username).toBe(BOT);
    const after = await alice.waitFor<RoomUsers>('roomUsers', () => true, 5000, mark);
    expect(usersOf(after)).toEqual(['alice']);
  });

  it('joinRoom again moves the user: leaves the previous room, joins the new one', async () => {
    const alice = await classic('alice', 'red');
    const bob = await classic('bob', 'red');
    const carol = await classic('carol', 'blue');
    const mark = alice.received.length;
    bob.socket.emit('joinRoom', { username: 'bob', room: 'blue' });
    await alice.waitFor<Msg>('message', (m) => m.text === 'bob has left the chat', 5000, mark);
    await carol.waitFor<Msg>('message', (m) => m.text === 'bob has joined the chat');
    await bob.waitFor<Msg>('message', (m) => m.text.startsWith('Welcome') && m.room === 'blue');
    const blue = await bob.waitFor<RoomUsers>('roomUsers', (r) => r.room === 'blue' && r.users.length === 2);
    expect(usersOf(blue)).toEqual(['bob', 'carol']);
    await alice.waitFor<RoomUsers>('roomUsers', (r) => r.room === 'red' && r.users.length === 1, 5000, mark);
    bob.socket.emit('chatMessage', 'hi blue');
    await carol.waitFor<Msg>('message', (m) => m.text === 'hi blue');
    await sleep(100);
    expect(alice.all<Msg>('message', mark).some((m) => m.text === 'hi blue')).toBe(false);
  });

  it('keeps the order of events: a chatMessage right after joinRoom is said in that room', async () => {
    const bob = await classic('bob', 'fast');
    const alice = track(await SioClient.connect(t.httpPort));
    alice.socket.emit('joinRoom', { username: 'alice', room: 'fast' });
    alice.socket.emit('chatMessage', 'one');
    alice.socket.emit('chatMessage', 'two');
    await bob.waitFor<Msg>('message', (m) => m.text === 'two');
    const texts = bob.all<Msg>('message').map((m) => m.text);
    expect(texts.indexOf('one')).toBeLessThan(texts.indexOf('two'));
    expect(alice.all('error')).toEqual([]);
  });
});

describe('names', () => {
  it('refuses a taken name, case-insensitively, with an error event and no welcome', async () => {
    await classic('alice', 'lobby');
    const other = track(await SioClient.connect(t.httpPort));
    other.socket.emit('joinRoom', { username: 'ALICE', room: 'lobby' });
    const error = await other.waitFor<{ code: string; text: string }>('error');
    expect(error.code).toBe('name_taken');
    expect(error.text).toMatch(/taken/);
    await sleep(100);
    expect(other.all('message')).toEqual([]);
    // The socket stays usable: another name works.
    other.socket.emit('joinRoom', { username: 'alice2', room: 'lobby' });
    await other.waitFor<Msg>('message', (m) => m.text.startsWith('Welcome'));
  });

  it('refuses a name held on another door (TCP)', async () => {
    const dave = track(await LineClient.named(t.tcpPort, 'dave'));
    const sock = track(await SioClient.connect(t.httpPort));
    sock.socket.emit('joinRoom', { username: 'Dave', room: 'lobby' });
    expect((await sock.waitFor<{ code: string }>('error')).code).toBe('name_taken');
    dave.close();
  });

  it('refuses an invalid name and an invalid room with a clear text', async () => {
    const sock = track(await SioClient.connect(t.httpPort));
    sock.socket.emit('joinRoom', { username: 'two words', room: 'lobby' });
    const badName = await sock.waitFor<{ code: string; text: string }>('error');
    expect(badName).toEqual({ code: 'invalid_name', text: expect.stringContaining('no spaces') });
    sock.socket.emit('joinRoom', { username: 'fine', room: 'no such/room' });
    const badRoom = await sock.waitFor<{ code: string; text: string }>('error', (e) => e.code === 'invalid_room');
    expect(badRoom.text).toMatch(/room name/);
    // A bad room leaves the name free.
    await classic('fine', 'lobby');
  });
});

describe('bad payloads', () => {
  it('answers a wrong shape with a bad_request error, and the connection survives', async () => {
    const sock = track(await SioClient.connect(t.httpPort));
    sock.socket.emit('joinRoom', 42);
    expect(await sock.waitFor<{ code: string; text: string }>('error')).toMatchObject({ code: 'bad_request', text: expect.stringContaining('joinRoom') });
    sock.socket.emit('joinRoom', { username: ['x'], room: 'lobby' });
    await sock.waitFor<{ code: string; text: string }>('error', (e) => e.text.includes('username'));
    sock.socket.emit('chatMessage', 'before joining');
    await sock.waitFor<{ code: string }>('error', (e) => e.code === 'not_registered');
    sock.socket.emit('joinRoom', { username: 'shapely', room: 'lobby' });
    await sock.waitFor<Msg>('message', (m) => m.text.startsWith('Welcome'));
    sock.socket.emit('chatMessage', { text: 'an object, not a string' });
    await sock.waitFor<{ code: string; text: string }>('error', (e) => e.code === 'bad_request' && e.text.includes('chatMessage'));
    sock.socket.emit('chatMessage', '   ');
    await sock.waitFor<{ code: string }>('error', (e) => e.code === 'empty_message');
    sock.socket.emit('no-such-event', 1);
    await sock.waitFor<{ code: string }>('error', (e) => e.code === 'unknown_command');
    sock.socket.emit('chatMessage', 'still here');
    await sock.waitFor<Msg>('message', (m) => m.text === 'still here');
    expect(sock.socket.connected).toBe(true);
  });

  it('answers an over-long message with message_too_long', async () => {
    const sock = await classic('verbose', 'lobby');
    sock.socket.emit('chatMessage', 'x'.repeat(4001));
    expect((await sock.waitFor<{ code: string }>('error')).code).toBe('message_too_long');
  });

  it('closes a connection whose packet exceeds the input bound, and nobody else notices', async () => {
    const calm = await classic('calm', 'lobby');
    const big = await classic('big', 'lobby');
    const gone = big.disconnected();
    big.socket.emit('chatMessage', 'y'.repeat(200_000));
    expect(await gone).toMatch(/transport/);
    await calm.waitFor<Msg>('message', (m) => m.text === 'big has left the chat');
    calm.socket.emit('chatMessage', 'fine here');
    await calm.waitFor<Msg>('message', (m) => m.text === 'fine here');
  });
});
