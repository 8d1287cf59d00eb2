import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SioClient, sleep } from '../e2e/support/sio-client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Slash commands typed into a classic client (issue 7, finding 10): `chatMessage "/who"` is a
 * command, answered to that socket only as bot notices, never posted as chat.
 */

type Msg = { username: string; text: string; system?: boolean };
const BOT = 'Parley Bot';

let t: TestServer;
const open: SioClient[] = [];
const classic = async (name: string, room: string) => {
  const c = await SioClient.classic(t.httpPort, name, room);
  open.push(c);
  return c;
};

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

/** Sends a line and resolves with the bot notices that follow, once `until` matches one. */
async function command(c: SioClient, line: string, until: (text: string) => boolean): Promise<string[]> {
  const from = c.received.length;
  c.socket.emit('chatMessage', line);
  await c.waitFor<Msg>('message', (m) => m.username === BOT && until(m.text), 5000, from);
  return c.all<Msg>('message', from).filter((m) => m.username === BOT).map((m) => m.text);
}

describe('classic chatMessage slash commands', () => {
  it('/who, /rooms, /history and /help answer the sender only, and nothing is posted', async () => {
    const ann = await classic('ann', 'den');
    const ben = await classic('ben', 'den');
    ann.socket.emit('chatMessage', 'first words');
    await ben.waitFor<Msg>('message', (m) => m.text === 'first words');
    const benFrom = ben.received.length;
    expect(await command(ann, '/who', (l) => l.startsWith('Users in'))).toContain('Users in #den (2): ann, ben');
    const rooms = await command(ann, '/rooms', (l) => l.startsWith('  #den'));
    expect(rooms).toEqual(expect.arrayContaining([expect.stringMatching(/^Rooms \(\d+\):$/), '  #den (2 users)']));
    const history = await command(ann, '/history 5', (l) => l === '--- end of history ---');
    expect(history.some((l) => /^\[\d\d:\d\d\] ann: first words$/.test(l))).toBe(true);
    const help = await command(ann, '/HELP', (l) => l.startsWith('Any other line'));
    expect(help[0]).toBe('Commands:');
    expect(help.some((l) => l.includes('/msg NAME TEXT'))).toBe(true);
    await sleep(100);
    expect(ben.all<Msg>('message', benFrom)).toEqual([]);
    const stored = await fetch(`http://127.0.0.1:${t.httpPort}/api/rooms/den/messages`).then((r) => r.json() as Promise<{ messages: Array<{ text: string }> }>);
    expect(stored.messages.map((m) => m.text)).toEqual(['first words']);
  });

  it('an unknown command or a usage error is an error notice, not chat; // sends a literal slash', async () => {
    const ann = await classic('ann', 'den');
    const ben = await classic('ben', 'den');
    expect(await command(ann, '/frobnicate now', (l) => l.startsWith('Error:'))).toEqual(['Error: Unknown command "/frobnicate". Type /help for the list.']);
    await ann.waitFor<{ code: string }>('error', (e) => e.code === 'unknown_command');
    expect(await command(ann, '/msg ben', (l) => l.startsWith('Error:'))).toEqual(['Error: Usage: /msg NAME TEXT']);
    ann.socket.emit('chatMessage', '//shrug');
    const literal = await ben.waitFor<Msg>('message', (m) => m.username === 'ann');
    expect(literal.text).toBe('/shrug');
    expect(ben.all<Msg>('message').some((m) => m.text.includes('frobnicate'))).toBe(false);
  });

  it('/me acts, /nick renames, /topic sets and shows, /msg whispers', async () => {
    const ann = await classic('ann', 'den');
    const ben = await classic('ben', 'den');
    ann.socket.emit('chatMessage', '/me waves');
    const action = await ben.waitFor<Msg & { kind?: string }>('message', (m) => m.kind === 'action');
    expect(action).toMatchObject({ username: 'ann', text: 'waves' });
    expect(await command(ann, '/nick anna', (l) => l.startsWith('You are now known'))).toContain('You are now known as anna.');
    await ben.waitFor<Msg>('message', (m) => m.text === 'ann is now known as anna');
    expect(await command(ann, '/topic Tea at five', (l) => l.startsWith('You set the topic'))).toContain('You set the topic of #den to: Tea at five');
    expect(await command(ben, '/topic', (l) => l.startsWith('Topic of'))).toContain('Topic of #den: Tea at five');
    expect(await command(ann, '/msg ben psst', (l) => l.startsWith('[PM to'))).toContain('[PM to ben]: psst');
    expect(await ben.waitFor<{ from: string; text: string }>('private')).toMatchObject({ from: 'anna', text: 'psst' });
  });

  it('/join moves the classic client like joinRoom; /leave leaves; /quit closes with bye', async () => {
    const ann = await classic('ann', 'den');
    const ben = await classic('ben', 'attic');
    expect(await command(ann, '/join attic', (l) => l.startsWith('Welcome'))).toContain('Welcome to Parley! You are in #attic.');
    await ben.waitFor<Msg>('message', (m) => m.text === 'ann has joined the chat');
    ann.socket.emit('chatMessage', 'up here');
    await ben.waitFor<Msg>('message', (m) => m.text === 'up here' && m.username === 'ann');
    expect(await command(ann, '/leave', (l) => l.startsWith('You left'))).toContain('You left #attic.');
    ann.socket.emit('chatMessage', 'nowhere');
    await ann.waitFor<{ code: string }>('error', (e) => e.code === 'not_in_room');
    const gone = ann.disconnected();
    ann.socket.emit('chatMessage', '/quit gotta go');
    expect(await ann.waitFor<{ code: string }>('bye')).toMatchObject({ code: 'quit' });
    await gone;
    expect(await command(ben, '/who', (l) => l.startsWith('Users in'))).toContain('Users in #attic (1): ben');
  });
});
