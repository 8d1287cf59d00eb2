import { afterEach, describe, expect, it } from 'vitest';
import { SioClient } from '../e2e/support/sio-client.js';
import { startAccountsServer, type AccountsServer } from '../helpers/accounts-server.js';
import { LineClient } from '../helpers/tcp-client.js';

/**
 * Moderation through the Socket.IO door (the rich `moderate` request, roles in member lists,
 * notices) and its effect on a text-mode member of the same room.
 */

const PASSWORD = 'a long enough password';
let server: AccountsServer | null = null;
const sockets: SioClient[] = [];
const lines: LineClient[] = [];

afterEach(async () => {
  for (const client of sockets.splice(0)) client.close();
  for (const client of lines.splice(0)) client.close();
  await server?.close();
  server = null;
});

async function registered(s: AccountsServer, name: string): Promise<SioClient> {
  const client = await SioClient.connect(s.httpPort);
  sockets.push(client);
  expect(await client.request('register', { name, password: PASSWORD })).toMatchObject({ ok: true, name });
  return client;
}

describe('moderation over Socket.IO', () => {
  it('moderate requests from a rich client act on a text-mode guest; roles show in join and who', async () => {
    const s = (server = await startAccountsServer());
    const olga = await registered(s, 'Olga');
    expect(await olga.request('join', { room: 'den' })).toMatchObject({ ok: true, users: [{ username: 'Olga', role: 'owner' }] });
    const bob = await registered(s, 'Bob');
    await bob.request('join', { room: 'den' });
    const gus = await LineClient.named(s.tcpPort, 'gus');
    lines.push(gus);
    gus.send('/join den');
    await gus.waitFor((l) => l.startsWith('You joined #den'));

    expect(await bob.request('moderate', { room: 'den', action: 'kick', name: 'gus' })).toMatchObject({ ok: false, error: { code: 'not_operator' } });
    expect(await olga.request('moderate', { room: 'den', action: 'op', name: 'Bob' })).toMatchObject({ ok: true, entry: { action: 'op', actor: 'Olga', target: 'Bob' } });
    await bob.waitFor<{ text: string; system?: boolean }>('message', (m) => m.text === 'Olga made Bob an operator of #den.' && m.system === true);
    expect(await gus.waitFor('Olga made Bob an operator of #den.')).toBeTruthy();
    expect(await olga.request('who', { room: 'den' })).toMatchObject({ users: [{ username: 'Olga', role: 'owner' }, { username: 'Bob', role: 'op' }, { username: 'gus' }] });
    // The member list pushed to pages follows the role change, with the roles.
    const pushed = await bob.waitFor<{ room: string; users: Array<{ username: string; role?: string }> }>('roomUsers', (p) => p.room === 'den' && p.users.some((u) => u.username === 'Bob' && u.role === 'op'));
    expect(pushed.users.find((u) => u.username === 'Olga')?.role).toBe('owner');

    expect(await bob.request('moderate', { room: 'den', action: 'mute', name: 'gus', seconds: 60 })).toMatchObject({ ok: true, entry: { action: 'mute', detail: 'for 1m' } });
    await gus.waitFor('gus was muted in #den by Bob for 1m.');
    gus.send('can I talk?');
    await gus.waitFor('Error: You are muted in #den for 1m more.');
    expect(await bob.request('moderate', { room: 'den', action: 'bans' })).toMatchObject({ ok: true, mutes: [{ name: 'gus', guest: true }] });
    expect(await bob.request('moderate', { room: 'den', action: 'kick', name: 'gus', reason: 'bye' })).toMatchObject({ ok: true });
    await gus.waitFor('gus was kicked from #den by Bob (bye).');
    await olga.waitFor<{ text: string }>('message', (m) => m.text === 'gus was kicked from #den by Bob (bye).');
    expect(await olga.request('moderate', { room: 'den', action: 'mode', setting: 'moderated', value: true })).toMatchObject({ ok: true, entry: { detail: 'moderated=on' } });
    expect(await bob.request('moderate', { room: 'den', action: 'mode' })).toMatchObject({ ok: true, settings: { moderated: true } });
    const log = await olga.request('moderate', { room: 'den', action: 'modlog', limit: 2 });
    expect((log.entries as Array<{ action: string }>).map((e) => e.action)).toEqual(['mode', 'kick']);
  });
});
