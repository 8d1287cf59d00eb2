import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalBus } from '../../src/bus/local.js';
import { ConfigSchema } from '../../src/config.js';
import { Chat } from '../../src/core/chat.js';
import { Identity } from '../../src/core/identity.js';
import { buildWebApp } from '../../src/gateways/http/app.js';
import { isLoopback } from '../../src/gateways/http/auth.js';
import { NodeCredentials } from '../../src/identity/credentials.js';
import { MemoryStore } from '../../src/store/memory.js';

/**
 * What depends on where a request comes from, through the whole HTTP pipeline (inject, which
 * lets a test choose the peer address): passwords on plain requests from other machines, the
 * per-address throttle, a server whose store keeps no accounts, an account store that fails.
 */

const REMOTE = '203.0.113.7';
const PASSWORD = 'correct horse battery';
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function appWith(options: { allowInsecureAuth?: boolean; identity?: 'memory' | 'none' | 'failing'; clock?: () => number } = {}): Promise<FastifyInstance> {
  const store = new MemoryStore();
  const chat = await Chat.create({ store, bus: new LocalBus(), clock: Date.now, newId: randomUUID });
  const accounts =
    options.identity === 'failing'
      ? Object.assign(Object.create(store) as MemoryStore, { accountByKey: async () => Promise.reject(new Error('disk on fire')) })
      : store;
  const identity = options.identity === 'none' ? undefined : new Identity({ accounts, credentials: new NodeCredentials('s'.repeat(32)), clock: options.clock ?? Date.now, newId: randomUUID });
  // Flood control off: these tests count password attempts, faster than any budget allows.
  const config = ConfigSchema.parse({ allowInsecureAuth: options.allowInsecureAuth ?? false, floodControl: false });
  const app = await buildWebApp({ chat, store, identity, config, logger: pino({ level: 'silent' }), isClosing: () => false });
  closers.push(async () => {
    await app.close();
    chat.close();
  });
  return app;
}

const send = (app: FastifyInstance, method: 'GET' | 'POST' | 'DELETE', url: string, body?: object, token?: string, remoteAddress = REMOTE) =>
  app.inject({ method, url, remoteAddress, payload: body, headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });

describe('passwords on a plain request from another machine', () => {
  it('are refused with 403 insecure_transport on every password route; tokens still work', async () => {
    const app = await appWith();
    const local = await send(app, 'POST', '/api/auth/register', { name: 'alice', password: PASSWORD }, undefined, '127.0.0.1');
    expect(local.statusCode).toBe(201);
    const token = local.json<{ token: string }>().token;
    const refused = [
      await send(app, 'POST', '/api/auth/register', { name: 'mallory', password: PASSWORD }),
      await send(app, 'POST', '/api/auth/login', { name: 'alice', password: PASSWORD }),
      await send(app, 'POST', '/api/me/password', { old: PASSWORD, new: 'another long one' }, token),
      await send(app, 'DELETE', '/api/me', { password: PASSWORD }, token),
    ];
    for (const res of refused) {
      expect(res.statusCode).toBe(403);
      expect(res.json()).toEqual({ error: { code: 'insecure_transport', message: expect.stringMatching(/HTTPS/) } });
    }
    // No password crosses these: a token from a remote caller is fine.
    expect((await send(app, 'GET', '/api/me', undefined, token)).statusCode).toBe(200);
    const bot = await send(app, 'POST', '/api/tokens', { bot: 'remote-bot' }, token);
    expect(bot.statusCode).toBe(201);
    expect((await send(app, 'POST', '/api/rooms/general/messages', { text: 'from afar' }, bot.json<{ token: string }>().token)).statusCode).toBe(201);
    // The login did not happen: the account still has its password.
    expect((await send(app, 'POST', '/api/auth/login', { name: 'alice', password: PASSWORD }, undefined, '::1')).statusCode).toBe(200);
  });

  it('are accepted with ALLOW_INSECURE_AUTH', async () => {
    const app = await appWith({ allowInsecureAuth: true });
    expect((await send(app, 'POST', '/api/auth/register', { name: 'alice', password: PASSWORD })).statusCode).toBe(201);
    expect((await send(app, 'POST', '/api/auth/login', { name: 'alice', password: PASSWORD })).statusCode).toBe(200);
  });

  it('loopback is any 127/8 address, ::1, and their IPv4-mapped forms', () => {
    for (const address of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1']) expect(isLoopback(address), address).toBe(true);
    for (const address of ['10.0.0.1', '::ffff:10.0.0.1', '203.0.113.7', '::2', '1127.0.0.1', undefined]) expect(isLoopback(address), String(address)).toBe(false);
  });
});

describe('throttling', () => {
  it('counts failures per address across names: 429 with Retry-After (the time left), other addresses unaffected', async () => {
    let now = 1_700_000_000_000;
    const app = await appWith({ allowInsecureAuth: true, clock: () => now });
    expect((await send(app, 'POST', '/api/auth/register', { name: 'alice', password: PASSWORD }, undefined, '198.51.100.1')).statusCode).toBe(201);
    for (let i = 0; i < 20; i++) expect((await send(app, 'POST', '/api/auth/login', { name: `nobody${i}`, password: PASSWORD })).statusCode).toBe(401);
    const throttled = await send(app, 'POST', '/api/auth/login', { name: 'alice', password: PASSWORD });
    expect(throttled.statusCode).toBe(429);
    expect(throttled.json()).toMatchObject({ error: { code: 'too_many_attempts' } });
    expect(throttled.headers['retry-after']).toBe(String(15 * 60));
    now += 10 * 60 * 1000;
    expect((await send(app, 'POST', '/api/auth/login', { name: 'alice', password: PASSWORD })).headers['retry-after']).toBe(String(5 * 60));
    expect((await send(app, 'POST', '/api/auth/login', { name: 'alice', password: PASSWORD }, undefined, '198.51.100.2')).statusCode).toBe(200);
  });
});

describe('without accounts, or with a failing account store', () => {
  it('answers 501 accounts_unavailable when the store keeps no accounts, posting included', async () => {
    const app = await appWith({ identity: 'none' });
    for (const [method, url, body] of [
      ['POST', '/api/auth/register', { name: 'alice', password: PASSWORD }],
      ['GET', '/api/me', undefined],
      ['POST', '/api/rooms/general/messages', { text: 'hi' }],
    ] as const) {
      const res = await send(app, method, url, body, undefined, '127.0.0.1');
      expect(res.statusCode, url).toBe(501);
      expect(res.json(), url).toMatchObject({ error: { code: 'accounts_unavailable' } });
    }
    expect((await send(app, 'GET', '/api/rooms')).statusCode).toBe(200);
  });

  it('answers 503 store_unavailable when the account store fails', async () => {
    const app = await appWith({ identity: 'failing', allowInsecureAuth: true });
    const res = await send(app, 'POST', '/api/auth/login', { name: 'alice', password: PASSWORD });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ error: { code: 'store_unavailable' } });
  });
});
