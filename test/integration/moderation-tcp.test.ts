import { afterEach, describe, expect, it } from 'vitest';
import { LineClient } from '../helpers/tcp-client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Moderation through the TCP door, text mode and JSON lines, on the real server and its SQLite
 * store (so roles and bans are checked across a restart). Every client is on 127.0.0.1: a
 * guest's ban holds that address, so tests keep one guest per room and everyone else logged in.
 */

const PASSWORD = 'a long enough password';
let server: TestServer | null = null;
const clients: LineClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await server?.dispose();
  server = null;
});

async function start(dataDir?: string): Promise<TestServer> {
  server = await startTestServer(dataDir === undefined ? {} : { dataDir }, { web: false });
  return server;
}

async function guest(s: TestServer, name: string): Promise<LineClient> {
  const client = await LineClient.named(s.tcpPort, name);
  clients.push(client);
  return client;
}

/** A text client logged in as `name`, registering the name the first time. */
async function member(s: TestServer, name: string, first = true): Promise<LineClient> {
  const client = await LineClient.open(s.tcpPort);
  clients.push(client);
  await client.waitFor('Enter your name:');
  if (first) {
    client.send(name);
    await client.waitFor((l) => l.startsWith(`Welcome, ${name}!`));
    client.send(`/register ${PASSWORD}`);
  } else {
    client.send(`/login ${name} ${PASSWORD}`);
  }
  await client.waitFor(`You are logged in as ${name}.`);
  return client;
}

async function joined(client: LineClient, room: string): Promise<string> {
  const from = client.lines.length;
  client.send(`/join ${room}`);
  return client.waitFor((l) => l.startsWith(`You joined #${room}`), 5000, from);
}

/** Sends a line and waits for a line after it that passes `test`. */
async function answer(client: LineClient, line: string, test: string | RegExp): Promise<string> {
  const from = client.lines.length;
  client.send(line);
  return client.waitFor(test, 5000, from);
}

type Json = Record<string, unknown>;

async function jsonMember(s: TestServer, name: string): Promise<LineClient> {
  const client = await LineClient.open(s.tcpPort);
  clients.push(client);
  client.json({ type: 'hello', name, password: PASSWORD, id: 'hi' });
  await client.waitForJson((m) => m.re === 'hi' && m.type === 'welcome');
  return client;
}

let seq = 0;
async function request(client: LineClient, body: Json): Promise<Json> {
  const id = `r${++seq}`;
  client.json({ ...body, id });
  return client.waitForJson((m) => m.re === id);
}

describe('moderation in text mode', () => {
  it('owner, ops and voice show in /who; /kick tells the room and removes the user', async () => {
    const s = await start();
    const olga = await member(s, 'Olga');
    expect(await joined(olga, 'den')).toContain('1 here: @Olga');
    const bob = await member(s, 'Bob');
    await joined(bob, 'den');
    const gus = await guest(s, 'gus');
    await joined(gus, 'den');
    expect(await answer(olga, '/voice Bob', /voice/)).toBe('Olga gave Bob a voice in #den.');
    expect(await answer(olga, '/devoice Bob', /voice/)).toBe("Olga took Bob's voice in #den.");
    expect(await answer(olga, '/op Bob', /made Bob/)).toBe('Olga made Bob an operator of #den.');
    await bob.waitFor('Olga made Bob an operator of #den.');
    expect(await answer(gus, '/who', /^Users in #den/)).toBe('Users in #den (3): @Olga, @Bob, gus');
    expect(await answer(gus, '/kick Bob', /^Error/)).toBe('Error: Only room operators can do that.');
    expect(await answer(bob, '/kick gus be nice', /kicked/)).toBe('gus was kicked from #den by Bob (be nice).');
    await gus.waitFor('gus was kicked from #den by Bob (be nice).');
    await olga.waitFor('gus was kicked from #den by Bob (be nice).');
    await olga.waitFor('gus has left the chat.');
    expect(await answer(gus, 'still here?', /^Error/)).toMatch(/^Error: You are not in #den/);
  });

  it('/ban keeps a guest out under another name from the same address; /bans, /unban; /mute and /unmute', async () => {
    const s = await start();
    const olga = await member(s, 'Olga');
    await joined(olga, 'den');
    const gus = await guest(s, 'gus');
    await joined(gus, 'den');
    expect(await answer(olga, '/ban gus 2h spamming links', /banned/)).toBe('gus was banned from #den by Olga for 2h (spamming links).');
    await gus.waitFor('gus was banned from #den by Olga for 2h (spamming links).');
    gus.close();
    const again = await guest(s, 'gus_again');
    expect(await answer(again, '/join den', /^Error/)).toMatch(/^Error: You are banned from #den for (2h|1h 59m) more \(spamming links\)\.$/);
    expect(await answer(olga, '/bans', /Banned:/)).toMatch(/^ {2}Banned: gus \(guest, and address\) by Olga until .* UTC - spamming links$/);
    await answer(olga, '/unban gus', /lifted the ban/);
    await joined(again, 'den');
    await answer(olga, '/mute gus_again 10m', /muted/);
    expect(await answer(again, 'hello?', /^Error/)).toMatch(/^Error: You are muted in #den for (10m|9m \d+s) more\.$/);
    await answer(olga, '/unmute gus_again', /unmuted/);
    again.send('thanks');
    await olga.waitFor('gus_again: thanks');
  });

  it('room settings: /mode, slowmode with the seconds left, moderated, invite-only; /modlog', async () => {
    const s = await start();
    const olga = await member(s, 'Olga');
    await joined(olga, 'den');
    const gus = await guest(s, 'gus');
    await joined(gus, 'den');
    await answer(olga, '/mode slowmode 60', 'Olga set slowmode=60 in #den.');
    await gus.waitFor('Olga set slowmode=60 in #den.');
    gus.send('first');
    await olga.waitFor('gus: first');
    expect(await answer(gus, 'second', /^Error/)).toMatch(/^Error: #den is in slowmode: wait (60|59) s before your next message\.$/);
    await answer(olga, '/mode moderated on', /moderated=on/);
    expect(await answer(gus, 'hm', /^Error/)).toBe('Error: #den is moderated: only voiced users and operators speak.');
    await answer(olga, '/mode inviteonly on', /inviteonly=on/);
    const bob = await member(s, 'Bob');
    expect(await answer(bob, '/join den', /^Error/)).toBe('Error: #den is invite-only; ask an operator for an /invite.');
    await answer(olga, '/invite Bob', /invited Bob/);
    await bob.waitFor('[#den] Olga invited Bob to #den.');
    await joined(bob, 'den');
    expect(await answer(gus, '/mode', /^Settings/)).toBe('Settings of #den: topiclock off, inviteonly on, moderated on, slowmode 60, limit 0');
    expect(await answer(gus, '/modlog', /^Error/)).toBe('Error: Only room operators can do that.');
    await answer(olga, '/modlog 2', /^Moderation log of #den/);
    const log = await olga.waitFor(/\] Olga invited Bob/);
    expect(log).toMatch(/^ {2}\[\d{4}-\d\d-\d\d \d\d:\d\d\] Olga invited Bob to #den\.$/);
  });

  it('roles and bans survive a restart of the server, and a reconnect', async () => {
    let s = await start();
    const dataDir = s.dataDir;
    const olga = await member(s, 'Olga');
    await joined(olga, 'den');
    const bob = await member(s, 'Bob');
    await joined(bob, 'den');
    await member(s, 'Eve');
    await answer(olga, '/voice Bob', /voice/);
    await answer(olga, '/ban Eve', /banned/);
    for (const c of clients.splice(0)) c.close();
    await s.stop();
    s = await start(dataDir);
    const bob2 = await member(s, 'Bob', false);
    await joined(bob2, 'den');
    const olga2 = await member(s, 'Olga', false);
    expect(await joined(olga2, 'den')).toContain('2 here: +Bob, @Olga');
    const eve = await member(s, 'Eve', false);
    expect(await answer(eve, '/join den', /^Error/)).toBe('Error: You are banned from #den.');
  });
});

describe('moderation over JSON lines', () => {
  it('requests, replies and events; errors carry codes (and slowmode its wait)', async () => {
    const s = await start();
    const olga = await member(s, 'Olga');
    await joined(olga, 'den');
    // Accounts for JSON clients: registered from text mode first.
    const bobText = await member(s, 'Bob');
    bobText.close();
    const bob = await jsonMember(s, 'Bob');
    expect(await request(bob, { type: 'join', room: 'den' })).toMatchObject({ type: 'joined', users: [{ name: 'Olga', role: 'owner' }, { name: 'Bob' }] });
    const gus = await LineClient.open(s.tcpPort);
    clients.push(gus);
    gus.json({ type: 'hello', name: 'gus', room: 'den', id: 'g' });
    await gus.waitForJson((m) => m.re === 'g');

    expect(await request(bob, { type: 'kick', room: 'den', name: 'gus' })).toMatchObject({ type: 'error', code: 'not_operator' });
    await answer(olga, '/op Bob', /made Bob/);
    await bob.waitForJson((m) => m.type === 'moderation' && (m.entry as Json).action === 'op');
    expect(await request(bob, { type: 'who', room: 'den' })).toMatchObject({ users: [{ name: 'Olga', role: 'owner' }, { name: 'Bob', role: 'op' }, { name: 'gus' }] });
    expect(await request(bob, { type: 'mode', room: 'den', setting: 'slowmode', value: 30 })).toMatchObject({ type: 'moderated', entry: { action: 'mode', detail: 'slowmode=30' } });
    expect(await request(gus, { type: 'say', room: 'den', text: 'one' })).toMatchObject({ type: 'ack' });
    const slow = await request(gus, { type: 'say', room: 'den', text: 'two' });
    expect(slow).toMatchObject({ type: 'error', code: 'slowmode' });
    expect(slow.retryAfterMs).toEqual(expect.any(Number));
    expect(await request(bob, { type: 'mute', room: 'den', name: 'gus', seconds: 600, reason: 'calm down' })).toMatchObject({
      type: 'moderated',
      entry: { action: 'mute', actor: 'Bob', target: 'gus', reason: 'calm down', detail: 'for 10m' },
    });
    await gus.waitForJson((m) => m.type === 'moderation' && (m.entry as Json).action === 'mute');
    expect(await request(bob, { type: 'bans', room: 'den' })).toMatchObject({ type: 'bans', bans: [], mutes: [{ name: 'gus', guest: true, reason: 'calm down' }] });
    expect(await request(bob, { type: 'ban', room: 'den', name: 'gus' })).toMatchObject({ type: 'moderated', entry: { action: 'ban' } });
    await gus.waitForJson((m) => m.type === 'moderation' && (m.entry as Json).action === 'ban');
    expect(await request(gus, { type: 'join', room: 'den' })).toMatchObject({ type: 'error', code: 'banned' });
    expect(await request(bob, { type: 'command', line: '/unban gus' })).toMatchObject({ type: 'moderated', entry: { action: 'unban' } });
    expect(await request(bob, { type: 'deop', room: 'den', name: 'Olga' })).toMatchObject({ type: 'error', code: 'not_operator' });
    const log = await request(bob, { type: 'modlog', room: 'den', limit: 3 });
    expect((log.entries as Json[]).map((e) => e.action)).toEqual(['unban', 'ban', 'mute']);
  });

  it('every other request type: op, deop, voice, devoice, invite, unmute, kick', async () => {
    const s = await start();
    const olgaText = await member(s, 'Olga');
    olgaText.close();
    for (const name of ['Bob', 'Cat']) (await member(s, name)).close();
    const olga = await jsonMember(s, 'Olga');
    expect(await request(olga, { type: 'join', room: 'den' })).toMatchObject({ type: 'joined', users: [{ name: 'Olga', role: 'owner' }] });
    const bob = await jsonMember(s, 'Bob');
    await request(bob, { type: 'join', room: 'den' });
    const cat = await jsonMember(s, 'Cat');
    const entry = async (body: Json) => ((await request(olga, { room: 'den', ...body })) as { entry?: Json; code?: string }).entry ?? {};
    expect(await entry({ type: 'op', name: 'Bob' })).toMatchObject({ action: 'op', target: 'Bob' });
    expect(await entry({ type: 'deop', name: 'Bob' })).toMatchObject({ action: 'deop' });
    expect(await entry({ type: 'voice', name: 'Bob' })).toMatchObject({ action: 'voice' });
    expect(await request(bob, { type: 'who', room: 'den' })).toMatchObject({ users: [{ name: 'Olga', role: 'owner' }, { name: 'Bob', role: 'voice' }] });
    expect(await entry({ type: 'devoice', name: 'Bob' })).toMatchObject({ action: 'devoice' });
    await bob.waitForJson((m) => m.type === 'moderation' && (m.entry as Json).action === 'devoice');
    expect(await entry({ type: 'mode', setting: 'inviteonly', value: 'on' })).toMatchObject({ detail: 'inviteonly=on' });
    expect(await request(cat, { type: 'join', room: 'den' })).toMatchObject({ type: 'error', code: 'invite_only' });
    expect(await entry({ type: 'invite', name: 'Cat' })).toMatchObject({ action: 'invite', target: 'Cat' });
    await cat.waitForJson((m) => m.type === 'moderation' && (m.entry as Json).action === 'invite');
    expect(await request(cat, { type: 'join', room: 'den' })).toMatchObject({ type: 'joined' });
    expect(await entry({ type: 'mute', name: 'Cat' })).toMatchObject({ action: 'mute', detail: '' });
    expect(await request(cat, { type: 'say', room: 'den', text: 'hm' })).toMatchObject({ type: 'error', code: 'muted' });
    expect(await entry({ type: 'unmute', name: 'Cat' })).toMatchObject({ action: 'unmute' });
    expect(await request(cat, { type: 'say', room: 'den', text: 'hm' })).toMatchObject({ type: 'ack' });
    expect(await entry({ type: 'kick', name: 'Cat', reason: 'enough' })).toMatchObject({ action: 'kick', reason: 'enough' });
    await cat.waitForJson((m) => m.type === 'leave' || (m.type === 'moderation' && (m.entry as Json).action === 'kick'));
    expect(await request(cat, { type: 'say', room: 'den', text: 'hm' })).toMatchObject({ type: 'error', code: 'not_in_room' });
    await bob.waitForJson((m) => m.type === 'leave' && (m.user as Json).name === 'Cat');
  });
});
