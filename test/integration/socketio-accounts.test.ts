import { afterEach, describe, expect, it } from 'vitest';
import { SioClient, sleep } from '../e2e/support/sio-client.js';
import { startAccountsServer, type AccountsServer } from '../helpers/accounts-server.js';

/**
 * Accounts through the Socket.IO door (rich requests, classic joinRoom, the handshake token),
 * against the real Identity over a memory store (the SQLite store keeps no accounts yet).
 * Clients are on loopback; a plain remote connection is simulated with the security policy.
 */

const PASSWORD = 'Tr0ub4dor&3-horse';
const NEW_PASSWORD = 'correct horse battery staple';

type Ack = Record<string, unknown> & { ok: boolean };

let server: AccountsServer | null = null;
const clients: SioClient[] = [];

async function start(options: Parameters<typeof startAccountsServer>[0] = {}): Promise<AccountsServer> {
  server = await startAccountsServer(options);
  return server;
}

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await server?.close();
  server = null;
});

async function connect(s: AccountsServer, auth?: Record<string, unknown>): Promise<SioClient> {
  const client = await SioClient.connect(s.httpPort, { auth });
  clients.push(client);
  return client;
}

/** A rich socket that registered `name`; its welcome ack. */
async function register(s: AccountsServer, name: string): Promise<{ client: SioClient; ack: Ack }> {
  const client = await connect(s);
  const ack = await client.request('register', { name, password: PASSWORD });
  expect(ack).toMatchObject({ ok: true, name, account: expect.any(String), token: expect.any(String) });
  return { client, ack };
}

describe('rich requests', () => {
  it('register on a new socket, hello with name and password, hello with the token', async () => {
    const s = await start();
    const { ack: first } = await register(s, 'alice');
    expect(first).toMatchObject({ room: 'general', users: [{ username: 'alice' }], resume: expect.any(String) });

    const second = await connect(s);
    const login = await second.request('hello', { name: 'ALICE', password: PASSWORD });
    expect(login).toMatchObject({ ok: true, name: 'alice', account: first.account, token: expect.any(String) });
    expect(login.token).not.toBe(first.token);

    const third = await connect(s);
    expect(await third.request('hello', { token: first.token })).toMatchObject({ ok: true, name: 'alice', account: first.account });
  });

  it('a named guest registers its name (reply: name, account, token); its messages then carry the account', async () => {
    const s = await start();
    const bob = await connect(s);
    await bob.request('hello', { name: 'bob' });
    const guestSay = await bob.request('say', { room: 'general', text: 'as a guest' });
    expect((guestSay.message as Record<string, unknown>).account).toBeUndefined();
    const account = await bob.request('register', { password: PASSWORD });
    expect(account).toEqual({ ok: true, name: 'bob', account: expect.any(String), token: expect.any(String) });
    const watcher = await connect(s);
    await watcher.request('hello', { name: 'watcher' });
    const said = await bob.request('say', { room: 'general', text: 'as the account' });
    expect(said.message).toMatchObject({ author: 'bob', account: account.account });
    const seen = await watcher.waitFor<{ text: string; account?: string }>('message', (m) => m.text === 'as the account');
    expect(seen.account).toBe(account.account);
  });

  it('answers a wrong password and an unknown name alike', async () => {
    const s = await start();
    await register(s, 'alice');
    const client = await connect(s);
    const wrong = await client.request('hello', { name: 'alice', password: 'not-the-password' });
    const unknown = await client.request('hello', { name: 'nobody', password: 'not-the-password' });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'bad_credentials' } });
    expect(unknown).toEqual(wrong);
  });

  it('refuses a registered name to a guest: rich hello and classic joinRoom', async () => {
    const s = await start();
    await register(s, 'alice');
    const rich = await connect(s);
    expect(await rich.request('hello', { name: 'Alice' })).toMatchObject({ ok: false, error: { code: 'name_registered', text: expect.stringContaining('/login Alice PASSWORD') } });
    const classic = await connect(s);
    expect(await classic.request('joinRoom', { username: 'alice', room: 'lobby' })).toMatchObject({ ok: false, error: { code: 'name_registered' } });
    // Without an ack, the classic way: an `error` event.
    classic.socket.emit('joinRoom', { username: 'alice', room: 'lobby' });
    expect(await classic.waitFor('error')).toMatchObject({ code: 'name_registered' });
  });

  it('one account on two sockets: one entry in who, a private message reaches both, its own message shows on the other', async () => {
    const s = await start();
    const { client: phone, ack } = await register(s, 'alice');
    const laptop = await connect(s);
    await laptop.request('hello', { token: ack.token });
    const bob = await connect(s);
    await bob.request('hello', { name: 'bob' });
    const who = await bob.request('who', { room: 'general' });
    expect((who.users as Array<{ username: string }>).map((u) => u.username).sort()).toEqual(['alice', 'bob']);
    await bob.request('msg', { to: 'alice', text: 'psst' });
    await phone.waitFor('private', (p: { text: string }) => p.text === 'psst');
    await laptop.waitFor('private', (p: { text: string }) => p.text === 'psst');
    await phone.request('say', { room: 'general', text: 'typed on the phone' });
    const seen = await laptop.waitFor<{ username: string; account?: string }>('message', (m) => (m as { text?: string }).text === 'typed on the phone');
    expect(seen).toMatchObject({ username: 'alice', account: ack.account });
  });

  it('logout answers, closes the socket with bye, and revokes its token', async () => {
    const s = await start();
    const { client, ack } = await register(s, 'alice');
    const closed = client.disconnected();
    expect(await client.request('logout')).toEqual({ ok: true });
    expect(await client.waitFor('bye')).toEqual({ reason: 'Logged out', code: 'quit' });
    await closed;
    const retry = await connect(s);
    expect(await retry.request('hello', { token: ack.token })).toMatchObject({ ok: false, error: { code: 'bad_token' } });
    expect(await retry.request('logout')).toMatchObject({ ok: false, error: { code: 'not_registered' } });
  });

  it('password change revokes earlier tokens and answers a new one', async () => {
    const s = await start();
    const { client, ack } = await register(s, 'alice');
    expect(await client.request('password', { old: 'not-the-password', new: NEW_PASSWORD })).toMatchObject({ ok: false, error: { code: 'bad_credentials' } });
    const changed = await client.request('password', { old: PASSWORD, new: NEW_PASSWORD });
    expect(changed).toEqual({ ok: true, name: 'alice', account: ack.account, token: expect.any(String) });
    const other = await connect(s);
    expect(await other.request('hello', { token: ack.token })).toMatchObject({ ok: false, error: { code: 'bad_token' } });
    expect(await other.request('hello', { token: changed.token })).toMatchObject({ ok: true, name: 'alice' });
  });

  it('throttles repeated failures per name', async () => {
    const s = await start({ identity: { failuresPerName: 3 } });
    await register(s, 'alice');
    const client = await connect(s);
    for (let i = 0; i < 3; i++) {
      expect(await client.request('hello', { name: 'alice', password: `wrong-${i}-password` })).toMatchObject({ ok: false, error: { code: 'bad_credentials' } });
    }
    expect(await client.request('hello', { name: 'alice', password: PASSWORD })).toMatchObject({ ok: false, error: { code: 'too_many_attempts' } });
  });

  it('refuses passwords on a plain connection that is not local (simulated), but takes a token', async () => {
    const s = await start({ security: () => false });
    const client = await connect(s);
    expect(await client.request('hello', { name: 'alice', password: PASSWORD })).toMatchObject({ ok: false, error: { code: 'insecure_transport' } });
    expect(await client.request('register', { name: 'alice', password: PASSWORD })).toMatchObject({ ok: false, error: { code: 'insecure_transport' } });
    expect(await client.request('hello', { token: 'no-such-token' })).toMatchObject({ ok: false, error: { code: 'bad_token' } });
  });
});

describe('the handshake token', () => {
  it('logs in the first hello, whatever name it brings', async () => {
    const s = await start();
    const { ack } = await register(s, 'alice');
    const client = await connect(s, { token: ack.token });
    expect(await client.request('hello', {})).toMatchObject({ ok: true, name: 'alice', account: ack.account });
    const other = await connect(s, { token: ack.token });
    expect(await other.request('hello', { name: 'someone-else' })).toMatchObject({ ok: true, name: 'alice', account: ack.account });
  });

  it('logs in the first classic joinRoom, which keeps the account name on later joinRooms', async () => {
    const s = await start();
    const { ack } = await register(s, 'alice');
    const classic = await connect(s, { token: ack.token });
    expect(await classic.request('joinRoom', { username: 'typed-name', room: 'lobby' })).toEqual({ ok: true, room: 'lobby', name: 'alice' });
    expect(await classic.request('joinRoom', { username: 'typed-name', room: 'den' })).toEqual({ ok: true, room: 'den', name: 'alice' });
    const said = await classic.request('chatMessage', 'hi from the classic client');
    expect(said.message).toMatchObject({ username: 'alice', room: 'den', account: ack.account });
  });

  it('a bad token fails that first request with bad_token; the socket stays unnamed', async () => {
    const s = await start();
    const client = await connect(s, { token: 'not-a-real-token' });
    expect(await client.request('hello', { name: 'bob' })).toMatchObject({ ok: false, error: { code: 'bad_token' } });
    // Used once: the socket may go on as a guest.
    expect(await client.request('hello', { name: 'bob' })).toMatchObject({ ok: true, name: 'bob' });
    const odd = await connect(s, { token: 42 });
    expect(await odd.request('joinRoom', { username: 'carol', room: 'lobby' })).toMatchObject({ ok: false, error: { code: 'bad_token' } });
  });
});

describe('classic slash commands', () => {
  it('/login and /logout typed into a classic client', async () => {
    const s = await start();
    await register(s, 'alice');
    const classic = await connect(s);
    await classic.request('joinRoom', { username: 'guest', room: 'lobby' });
    expect(await classic.request('chatMessage', `/login alice ${PASSWORD}`)).toEqual({ ok: true });
    await classic.waitFor('message', (m: { text: string }) => m.text === 'You are logged in as alice.');
    const said = await classic.request('chatMessage', 'now as alice');
    expect(said.message).toMatchObject({ username: 'alice', account: expect.any(String) });
    expect(await classic.request('chatMessage', '/logout')).toEqual({ ok: true });
    expect(await classic.waitFor('bye')).toMatchObject({ code: 'quit', reason: 'Logged out' });
  });
});

describe('classic /quit with an ack', () => {
  it('answers the ack before the bye (it used to close the socket first, losing the ack)', async () => {
    const s = await start();
    const classic = await connect(s);
    await classic.request('joinRoom', { username: 'ann', room: 'lobby' });
    expect(await classic.request('chatMessage', '/quit gotta go')).toEqual({ ok: true });
    expect(await classic.waitFor('bye')).toMatchObject({ code: 'quit', reason: 'Quit: gotta go' });
  });
});

describe('passwords stay secret', () => {
  it('no ack, event or log line holds a password', async () => {
    const s = await start({ identity: { failuresPerName: 2 } });
    const { client } = await register(s, 'alice');
    await client.request('password', { old: PASSWORD, new: NEW_PASSWORD });
    await client.request('password', { old: PASSWORD, new: 'short' });
    const other = await connect(s);
    for (let i = 0; i < 3; i++) await other.request('hello', { name: 'alice', password: PASSWORD });
    await other.request('hello', { name: 'alice', password: PASSWORD, token: 'x' });
    await other.request('register', { name: 7, password: PASSWORD });
    await other.request('joinRoom', { username: 'bob', room: 'general' });
    await other.request('chatMessage', `/login alice ${PASSWORD}`);
    await other.request('chatMessage', `/password ${PASSWORD}`);
    await sleep(50);
    const seen = JSON.stringify([...client.received, ...other.received]) + s.logs.join('\n');
    expect(s.logs.length).toBeGreaterThan(0);
    expect(seen).not.toContain(PASSWORD);
    expect(seen).not.toContain(NEW_PASSWORD);
  });
});
