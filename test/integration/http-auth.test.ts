import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SioClient } from '../e2e/support/sio-client.js';
import { makeBotToken, startAccountsServer } from '../helpers/http-accounts.js';
import type { TestServer } from '../helpers/server.js';
import { LineClient } from '../helpers/tcp-client.js';

/**
 * Accounts and bot tokens over HTTP (issue 9), against the real server and its SQLite store.
 * Every request is from loopback,
 * so passwords are accepted; the plain non-loopback case is in http-auth-transport.test.ts.
 */

let t: TestServer;
let base: string;
beforeAll(async () => {
  t = await startAccountsServer({ admins: 'boss' });
  base = `http://127.0.0.1:${t.httpPort}`;
});
afterAll(async () => {
  await t.dispose();
});

type Json = Record<string, any>;

async function call(method: string, path: string, body?: unknown, token?: string, headers: Record<string, string> = {}) {
  const res = await fetch(base + path, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token === undefined ? {} : { authorization: `Bearer ${token}` }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: text === '' ? null : (JSON.parse(text) as Json) };
}

const PASSWORD = 'correct horse battery';
const register = (name: string, password = PASSWORD) => call('POST', '/api/auth/register', { name, password });
const login = (name: string, password = PASSWORD) => call('POST', '/api/auth/login', { name, password });
const post = (room: string, body: Json, token?: string) => call('POST', `/api/rooms/${encodeURIComponent(room)}/messages`, body, token);

describe('accounts', () => {
  it('registers, logs in, and tells who the token belongs to', async () => {
    const reg = await register('Alice');
    expect(reg).toMatchObject({ status: 201, json: { token: expect.any(String), account: { id: expect.any(String), name: 'Alice', kind: 'user', admin: false, createdAt: expect.any(Number) } } });
    const me = await call('GET', '/api/me', undefined, reg.json?.token as string);
    expect(me).toMatchObject({ status: 200, json: { account: { id: reg.json?.account.id, name: 'Alice', kind: 'user' }, tokenId: expect.any(String) } });
    const again = await login('alice');
    expect(again).toMatchObject({ status: 200, json: { account: { id: reg.json?.account.id, name: 'Alice' } } });
    expect(again.json?.token).not.toBe(reg.json?.token);
    expect((await call('GET', '/api/me', undefined, again.json?.token as string)).status).toBe(200);
  });

  it('does not register a name a connected guest is using', async () => {
    const guest = await LineClient.named(t.tcpPort, 'occupant');
    try {
      expect(await register('Occupant')).toMatchObject({ status: 409, json: { error: { code: 'name_taken' } } });
    } finally {
      guest.close();
    }
  });

  it('refuses a taken name, a bad name and a short password, with the core codes', async () => {
    await register('taken');
    expect(await register('TAKEN')).toMatchObject({ status: 409, json: { error: { code: 'name_registered' } } });
    expect(await register('two words')).toMatchObject({ status: 400, json: { error: { code: 'invalid_name' } } });
    expect(await register('shorty', 'short')).toMatchObject({ status: 400, json: { error: { code: 'weak_password' } } });
    expect(await call('POST', '/api/auth/register', { name: 'x' })).toMatchObject({ status: 400, json: { error: { code: 'bad_request' } } });
  });

  it('answers a wrong password and an unknown name alike', async () => {
    await register('bob');
    const wrong = await login('bob', 'not the password');
    const unknown = await login('nobody-here', 'not the password');
    expect(wrong).toMatchObject({ status: 401, json: { error: { code: 'bad_credentials' } } });
    expect(unknown.status).toBe(wrong.status);
    expect(unknown.json).toEqual(wrong.json);
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('without a token, or with a bad one, GET /api/me is 401', async () => {
    expect(await call('GET', '/api/me')).toMatchObject({ status: 401, json: { error: { code: 'not_logged_in' } } });
    expect(await call('GET', '/api/me', undefined, 'made-up-token')).toMatchObject({ status: 401, json: { error: { code: 'bad_token' } } });
    const malformed = await call('GET', '/api/me', undefined, undefined, { authorization: 'Basic YTpi' });
    expect(malformed).toMatchObject({ status: 401, json: { error: { code: 'bad_token' } } });
    expect(malformed.headers.get('www-authenticate')).toMatch(/^Bearer realm="parley", error="invalid_token"/);
  });

  it('logout revokes the presented token only', async () => {
    const first = (await register('carol')).json?.token as string;
    const second = (await login('carol')).json?.token as string;
    expect((await call('POST', '/api/auth/logout', undefined, first)).status).toBe(204);
    expect(await call('GET', '/api/me', undefined, first)).toMatchObject({ status: 401, json: { error: { code: 'bad_token' } } });
    expect((await call('GET', '/api/me', undefined, second)).status).toBe(200);
    expect((await call('POST', '/api/auth/logout')).status).toBe(401);
  });

  it('a password change needs the old password, revokes every login token, and answers a new one', async () => {
    const first = (await register('dave')).json?.token as string;
    const second = (await login('dave')).json?.token as string;
    expect(await call('POST', '/api/me/password', { old: 'wrong password', new: 'a brand new secret' }, first)).toMatchObject({ status: 401, json: { error: { code: 'bad_credentials' } } });
    expect(await call('POST', '/api/me/password', { old: PASSWORD, new: 'short' }, first)).toMatchObject({ status: 400, json: { error: { code: 'weak_password' } } });
    const changed = await call('POST', '/api/me/password', { old: PASSWORD, new: 'a brand new secret' }, first);
    expect(changed).toMatchObject({ status: 200, json: { token: expect.any(String), account: { name: 'dave' } } });
    for (const old of [first, second]) expect((await call('GET', '/api/me', undefined, old)).status).toBe(401);
    expect((await call('GET', '/api/me', undefined, changed.json?.token as string)).status).toBe(200);
    expect((await login('dave')).status).toBe(401);
    expect((await login('dave', 'a brand new secret')).status).toBe(200);
  });

  it('deleting the account needs its password; its tokens, bots and name go with it', async () => {
    const token = (await register('erin')).json?.token as string;
    const bot = await makeBotToken(base, 'erin-bot', token);
    expect(await call('DELETE', '/api/me', { password: 'wrong password' }, token)).toMatchObject({ status: 401, json: { error: { code: 'bad_credentials' } } });
    expect((await call('DELETE', '/api/me', { password: PASSWORD }, token)).status).toBe(204);
    expect((await call('GET', '/api/me', undefined, token)).status).toBe(401);
    expect((await post('general', { text: 'still here?' }, bot.token)).status).toBe(401);
    expect((await login('erin')).status).toBe(401);
    expect((await register('erin')).status).toBe(201);
  });

  it('throttles repeated wrong passwords for a name: 429 with Retry-After, even for the right password', async () => {
    await register('frank');
    for (let i = 0; i < 5; i++) expect((await login('frank', `guess number ${i}`)).status).toBe(401);
    const throttled = await login('frank');
    expect(throttled).toMatchObject({ status: 429, json: { error: { code: 'too_many_attempts' } } });
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('bot tokens', () => {
  it('a person makes a token, lists it (never the token itself), and revokes it', async () => {
    const owner = (await register('grace')).json?.token as string;
    const made = await call('POST', '/api/tokens', { bot: 'Deploy-Bot', label: 'CI on main' }, owner);
    expect(made).toMatchObject({ status: 201, json: { id: expect.any(String), bot: 'Deploy-Bot', label: 'CI on main', createdAt: expect.any(Number), token: expect.any(String) } });
    const second = await call('POST', '/api/tokens', { bot: 'deploy-bot' }, owner);
    expect(second).toMatchObject({ status: 201, json: { bot: 'Deploy-Bot', label: '' } });
    const list = await call('GET', '/api/tokens', undefined, owner);
    expect(list.status).toBe(200);
    expect(list.json?.tokens).toHaveLength(2);
    expect(list.json?.tokens).toEqual(
      expect.arrayContaining([
        { id: second.json?.id, bot: 'Deploy-Bot', label: '', createdAt: expect.any(Number) },
        { id: made.json?.id, bot: 'Deploy-Bot', label: 'CI on main', createdAt: expect.any(Number) },
      ]),
    );
    // Neither token, nor the owner's login token, appears anywhere in the listing.
    for (const secret of [made.json?.token, second.json?.token, owner]) expect(list.text).not.toContain(secret as string);
    expect((await call('DELETE', `/api/tokens/${made.json?.id as string}`, undefined, owner)).status).toBe(204);
    expect((await call('GET', '/api/tokens', undefined, owner)).json?.tokens).toEqual([expect.objectContaining({ id: second.json?.id })]);
    expect(await call('DELETE', `/api/tokens/${made.json?.id as string}`, undefined, owner)).toMatchObject({ status: 404, json: { error: { code: 'no_such_token' } } });
  });

  it("refuses a person's name, someone else's bot, and callers who are not logged-in people", async () => {
    await register('heidi');
    const ivan = (await register('ivan')).json?.token as string;
    const mine = await makeBotToken(base, 'ivan-bot', ivan);
    const other = (await register('judy')).json?.token as string;
    expect(await call('POST', '/api/tokens', { bot: 'heidi' }, ivan)).toMatchObject({ status: 409, json: { error: { code: 'name_registered' } } });
    expect(await call('POST', '/api/tokens', { bot: 'ivan-bot' }, other)).toMatchObject({ status: 409, json: { error: { code: 'name_registered' } } });
    expect(await call('DELETE', `/api/tokens/${mine.id}`, undefined, other)).toMatchObject({ status: 404, json: { error: { code: 'no_such_token' } } });
    expect(await call('POST', '/api/tokens', { bot: 'anon-bot' })).toMatchObject({ status: 401, json: { error: { code: 'not_logged_in' } } });
    expect(await call('POST', '/api/tokens', { bot: 'bot-made-bot' }, mine.token)).toMatchObject({ status: 403, json: { error: { code: 'forbidden' } } });
    expect((await call('GET', '/api/tokens', undefined, mine.token)).status).toBe(403);
    expect(await call('POST', '/api/tokens', { bot: 'x', label: 'bell\u0007' }, ivan)).toMatchObject({ status: 400, json: { error: { code: 'bad_request' } } });
  });

  it('an admin (ADMINS) may make tokens for, and revoke tokens of, anyone\'s bot', async () => {
    const owner = (await register('kim')).json?.token as string;
    const kims = await makeBotToken(base, 'kim-bot', owner);
    const boss = (await register('boss')).json?.token as string;
    expect((await call('GET', '/api/me', undefined, boss)).json?.account.admin).toBe(true);
    expect(await call('POST', '/api/tokens', { bot: 'kim-bot', label: 'by the admin' }, boss)).toMatchObject({ status: 201, json: { bot: 'kim-bot' } });
    expect((await call('DELETE', `/api/tokens/${kims.id}`, undefined, boss)).status).toBe(204);
    expect((await post('general', { text: 'x' }, kims.token)).status).toBe(401);
  });

  it('a bot name is reserved from guests', async () => {
    await makeBotToken(base, 'reserved-bot');
    const guest = await SioClient.connect(t.httpPort);
    expect(await guest.request('hello', { name: 'Reserved-Bot' })).toMatchObject({ ok: false, error: { code: 'name_registered' } });
    guest.close();
  });
});

describe('POST /api/rooms/:room/messages needs a bot token', () => {
  it('without a token: 401 JSON error, nothing stored, no room created', async () => {
    const res = await post('anon-room', { author: 'someone', text: 'hello', kind: 'topic' });
    expect(res).toMatchObject({ status: 401, json: { error: { code: 'not_logged_in', message: expect.any(String) } } });
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await call('GET', '/api/rooms/anon-room')).status).toBe(404);
  });

  it('with a valid token: posts as the bot (author optional, or equal to its name), relayed and marked with its account', async () => {
    const bot = await makeBotToken(base, 'Herald');
    const listener = await SioClient.classic(t.httpPort, 'listener', 'news');
    const res = await post('news', { text: 'extra extra' }, bot.token);
    expect(res).toMatchObject({ status: 201, json: { message: { room: 'news', author: 'Herald', text: 'extra extra', account: expect.any(String) } } });
    const seen = await listener.waitFor<{ username: string; text: string }>('message', (m) => m.text === 'extra extra');
    expect(seen.username).toBe('Herald');
    expect(await post('news', { author: 'HERALD', text: 'same bot' }, bot.token)).toMatchObject({ status: 201, json: { message: { author: 'Herald' } } });
    expect(await post('news', { author: 'alice', text: 'impersonation' }, bot.token)).toMatchObject({ status: 403, json: { error: { code: 'forbidden' } } });
    expect(await post('brand-new-room', { text: 'Topic by a bot', kind: 'topic' }, bot.token)).toMatchObject({ status: 201 });
    expect(await call('GET', '/api/rooms/brand-new-room')).toMatchObject({ status: 200, json: { topic: 'Topic by a bot' } });
    listener.close();
  });

  it('with a revoked token, an unknown one, or a login token: refused', async () => {
    const owner = (await register('liam')).json?.token as string;
    const bot = await makeBotToken(base, 'liam-bot', owner);
    expect((await post('general', { text: 'before' }, bot.token)).status).toBe(201);
    expect((await call('DELETE', `/api/tokens/${bot.id}`, undefined, owner)).status).toBe(204);
    expect(await post('general', { text: 'after' }, bot.token)).toMatchObject({ status: 401, json: { error: { code: 'bad_token' } } });
    expect(await post('general', { text: 'guess' }, 'A'.repeat(43))).toMatchObject({ status: 401, json: { error: { code: 'bad_token' } } });
    expect(await post('general', { text: 'as a person' }, owner)).toMatchObject({ status: 403, json: { error: { code: 'forbidden' } } });
    const history = await call('GET', '/api/rooms/general/messages?limit=500');
    const texts = (history.json?.messages as Array<{ text: string }>).map((m) => m.text);
    expect(texts).toContain('before');
    for (const refused of ['after', 'guess', 'as a person']) expect(texts).not.toContain(refused);
  });
});

describe('OpenAPI', () => {
  it('documents the account and token routes and the bearer scheme', async () => {
    const doc = (await call('GET', '/api/openapi.json')).json as Json;
    for (const path of ['/api/auth/register', '/api/auth/login', '/api/auth/logout', '/api/me', '/api/me/password', '/api/tokens', '/api/tokens/{id}']) {
      expect(doc.paths[path], path).toBeDefined();
    }
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    const postOp = doc.paths['/api/rooms/{room}/messages'].post;
    expect(postOp.security).toEqual([{ bearerAuth: [] }]);
    expect(postOp.requestBody.content['application/json'].schema.required).toEqual(['text']);
    expect(Object.keys(postOp.responses)).toEqual(expect.arrayContaining(['201', '401', '403']));
    expect(Object.keys(doc.paths['/api/me'])).toEqual(expect.arrayContaining(['get', 'delete']));
  });
});
