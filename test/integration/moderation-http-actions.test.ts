import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { LineClient } from '../helpers/tcp-client.js';

/**
 * Moderation actions over HTTP (server admins only), on the real server: the effect on the TCP
 * door is the slash command's. Every client is on 127.0.0.1 and a guest's ban holds its address,
 * so each test keeps one guest per room and everyone else logged in.
 */

const PASSWORD = 'correct horse battery';
let t: TestServer;
let base: string;
let boss: string;
let olgaToken: string;
const clients: LineClient[] = [];

beforeAll(async () => {
  t = await startTestServer({ admins: 'boss' });
  base = `http://127.0.0.1:${t.httpPort}`;
  boss = await tokenFor('boss');
  olgaToken = await tokenFor('Olga');
});
afterEach(() => {
  for (const client of clients.splice(0)) client.close();
});
afterAll(async () => {
  await t.dispose();
});

type Json = Record<string, unknown>;

async function tokenFor(name: string): Promise<string> {
  const res = await fetch(`${base}/api/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, password: PASSWORD }) });
  expect(res.status).toBe(201);
  return ((await res.json()) as { token: string }).token;
}

async function act(room: string, body: unknown, token?: string): Promise<{ status: number; json: Json }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${base}/api/moderation/rooms/${encodeURIComponent(room)}/actions`, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Json };
}

async function modLog(room: string): Promise<Json[]> {
  const res = await fetch(`${base}/api/moderation/log?room=${room}`, { headers: { authorization: `Bearer ${boss}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { entries: Json[] }).entries;
}

async function guest(name: string): Promise<LineClient> {
  const client = await LineClient.named(t.tcpPort, name);
  clients.push(client);
  return client;
}

/** A text client logged in to an account registered over HTTP. */
async function member(name: string): Promise<LineClient> {
  const client = await LineClient.open(t.tcpPort);
  clients.push(client);
  await client.waitFor('Enter your name:');
  client.send(`/login ${name} ${PASSWORD}`);
  await client.waitFor(`You are logged in as ${name}.`);
  return client;
}

async function joined(client: LineClient, room: string): Promise<void> {
  const from = client.lines.length;
  client.send(`/join ${room}`);
  await client.waitFor((l) => l.startsWith(`You joined #${room}`), 5000, from);
}

async function answer(client: LineClient, line: string, test: string | RegExp): Promise<string> {
  const from = client.lines.length;
  client.send(line);
  return client.waitFor(test, 5000, from);
}

describe('POST /api/moderation/rooms/:room/actions', () => {
  it('an admin bans a TCP guest: the room is told, the guest is taken out and cannot rejoin, the log names the admin; unban lets it back', async () => {
    const olga = await member('Olga');
    await joined(olga, 'den');
    const gus = await guest('gus');
    await joined(gus, 'den');

    const banned = await act('#den', { action: 'ban', target: 'gus', seconds: 7200, reason: 'spam' }, boss);
    expect(banned).toMatchObject({ status: 200, json: { entry: { room: 'den', actor: 'boss', action: 'ban', target: 'gus', reason: 'spam', detail: 'for 2h' } } });
    const notice = 'gus was banned from #den by boss for 2h (spam).';
    await gus.waitFor(notice);
    await olga.waitFor(notice);
    await olga.waitFor('gus has left the chat.');
    expect(await answer(olga, '/who', /^Users in #den/)).toBe('Users in #den (1): @Olga');
    expect(await answer(gus, '/join den', /^Error/)).toMatch(/^Error: You are banned from #den for (2h|1h 59m) more \(spam\)\.$/);
    // A guest's ban also holds the address it came from, as for /ban.
    const again = await guest('gus_again');
    expect(await answer(again, '/join den', /^Error/)).toMatch(/^Error: You are banned from #den/);
    again.close();
    // A ban holds the room only: private messages still go.
    expect(await answer(gus, '/msg Olga still here', /^Error|^\[PM to Olga\]/)).toBe('[PM to Olga]: still here');

    expect((await modLog('den'))[0]).toMatchObject({ actor: 'boss', action: 'ban', target: 'gus', reason: 'spam', detail: 'for 2h' });

    expect(await act('den', { action: 'unban', target: 'gus' }, boss)).toMatchObject({ status: 200, json: { entry: { actor: 'boss', action: 'unban', target: 'gus' } } });
    await olga.waitFor('boss lifted the ban on gus in #den.');
    await joined(gus, 'den');
  });

  it('refuses anyone but an admin (401 without a token, 403 for a room owner), and acts on nothing then', async () => {
    const olga = await member('Olga');
    await joined(olga, 'porch');
    const gus = await guest('gus2');
    await joined(gus, 'porch');
    const before = await modLog('porch');
    expect(before).toMatchObject([{ action: 'owner', target: 'Olga' }]);

    expect(await act('porch', { action: 'kick', target: 'gus2' })).toMatchObject({ status: 401, json: { error: { code: 'not_logged_in' } } });
    expect(await act('porch', { action: 'kick', target: 'gus2' }, 'not-a-token')).toMatchObject({ status: 401 });
    expect(await act('porch', { action: 'kick', target: 'gus2' }, olgaToken)).toMatchObject({ status: 403, json: { error: { code: 'forbidden' } } });
    expect(await modLog('porch')).toEqual(before);
    expect(await answer(gus, '/who', /^Users in #porch/)).toMatch(/gus2/);
  });

  it('checks the body: 400 for an unknown action or field, a missing target or mode setting; the core\'s errors keep their codes', async () => {
    const olga = await member('Olga');
    await joined(olga, 'yard');
    expect(await act('yard', { action: 'smite', target: 'Olga' }, boss)).toMatchObject({ status: 400 });
    expect(await act('yard', { action: 'kick', target: 'Olga', extra: 1 }, boss)).toMatchObject({ status: 400 });
    expect(await act('yard', { action: 'ban', target: 'Olga', seconds: 0 }, boss)).toMatchObject({ status: 400 });
    expect(await act('yard', { action: 'kick' }, boss)).toMatchObject({ status: 400, json: { error: { code: 'usage' } } });
    expect(await act('yard', { action: 'mode', setting: 'limit' }, boss)).toMatchObject({ status: 400, json: { error: { code: 'usage' } } });
    expect(await act('bad room!', { action: 'kick', target: 'Olga' }, boss)).toMatchObject({ status: 400 });
    expect(await act('yard', { action: 'kick', target: 'nobody_here' }, boss)).toMatchObject({ status: 409, json: { error: { code: 'not_in_room' } } });
    expect(await act('yard', { action: 'unmute', target: 'Olga' }, boss)).toMatchObject({ status: 404, json: { error: { code: 'no_such_user' } } });
    expect(await act('yard', { action: 'op', target: 'ghost' }, boss)).toMatchObject({ status: 404, json: { error: { code: 'no_such_user' } } });
  });

  it('kick, mute and unmute, op and voice, and room modes act as the slash commands do, on text and JSON clients', async () => {
    const olga = await member('Olga');
    await joined(olga, 'hall');
    const jo = await LineClient.open(t.tcpPort);
    clients.push(jo);
    await tokenFor('Jo');
    jo.json({ type: 'hello', name: 'Jo', password: PASSWORD, id: 'hi' });
    await jo.waitForJson((m) => m.re === 'hi' && m.type === 'welcome');
    jo.json({ type: 'join', room: 'hall', id: 'j' });
    await jo.waitForJson((m) => m.re === 'j' && m.type === 'joined');
    const cat = await guest('cat');
    await joined(cat, 'hall');
    // The admin's own connections are told like any member's: the HTTP request has no connection to answer instead.
    const bossHere = await member('boss');
    await joined(bossHere, 'hall');

    expect(await act('hall', { action: 'op', target: 'Jo' }, boss)).toMatchObject({ status: 200, json: { entry: { action: 'op', target: 'Jo', actor: 'boss' } } });
    await olga.waitFor('boss made Jo an operator of #hall.');
    await bossHere.waitFor('boss made Jo an operator of #hall.');
    expect(await answer(olga, '/who', /^Users in #hall/)).toMatch(/@Jo/);

    expect(await act('hall', { action: 'mute', target: 'cat', seconds: 600 }, boss)).toMatchObject({ status: 200, json: { entry: { action: 'mute', detail: 'for 10m' } } });
    const muted = await jo.waitForJson<{ entry: Json }>((m) => m.type === 'moderation' && (m.entry as Json).action === 'mute');
    expect(muted.entry).toMatchObject({ actor: 'boss', target: 'cat', room: 'hall' });
    expect(await answer(cat, 'hello?', /^Error/)).toMatch(/^Error: You are muted in #hall/);
    expect(await act('hall', { action: 'unmute', target: 'cat' }, boss)).toMatchObject({ status: 200 });
    await cat.waitFor('boss unmuted cat in #hall.');

    await tokenFor('Vi');
    expect(await act('hall', { action: 'voice', target: 'Vi' }, boss)).toMatchObject({ status: 200, json: { entry: { action: 'voice', target: 'Vi' } } });
    expect(await act('hall', { action: 'mode', setting: 'moderated', value: true }, boss)).toMatchObject({ status: 200, json: { entry: { action: 'mode', detail: 'moderated=on', target: '' } } });
    await olga.waitFor('boss set moderated=on in #hall.');
    expect(await answer(cat, 'can I speak?', /^Error/)).toMatch(/^Error/);
    expect(await act('hall', { action: 'mode', setting: 'limit', value: 5 }, boss)).toMatchObject({ status: 200, json: { entry: { detail: 'limit=5' } } });

    expect(await act('hall', { action: 'kick', target: 'cat', reason: 'be nice' }, boss)).toMatchObject({ status: 200, json: { entry: { action: 'kick', reason: 'be nice' } } });
    await cat.waitFor('cat was kicked from #hall by boss (be nice).');
    await olga.waitFor('cat has left the chat.');
    expect(await answer(olga, '/who', /^Users in #hall/)).not.toMatch(/cat/);

    const actions = (await modLog('hall')).map((e) => `${e.actor} ${e.action} ${e.target}`);
    expect(actions.slice(0, 8)).toEqual(['boss kick cat', 'boss mode ', 'boss mode ', 'boss voice Vi', 'boss unmute cat', 'boss mute cat', 'boss op Jo', 'Olga owner Olga']);
  });

  it('is described in the OpenAPI document, with its body and bearer security', async () => {
    const doc = (await (await fetch(`${base}/api/openapi.json`)).json()) as { paths: Record<string, Record<string, Json>> };
    const op = doc.paths['/api/moderation/rooms/{room}/actions']?.post;
    expect(op).toBeDefined();
    expect(op?.security).toEqual([{ bearerAuth: [] }]);
    expect(JSON.stringify(op?.requestBody)).toContain('"seconds"');
    expect(Object.keys(op?.responses as Json)).toEqual(expect.arrayContaining(['200', '400', '401', '403']));
  });
});
