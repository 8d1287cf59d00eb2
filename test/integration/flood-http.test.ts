import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalBus } from '../../src/bus/local.js';
import { ConfigSchema, type Config } from '../../src/config.js';
import { Chat } from '../../src/core/chat.js';
import { Identity } from '../../src/core/identity.js';
import { buildWebApp } from '../../src/gateways/http/app.js';
import { NodeCredentials } from '../../src/identity/credentials.js';
import { MemoryStore } from '../../src/store/memory.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function appWith(settings: Partial<Config>): Promise<{ app: FastifyInstance; identity: Identity }> {
  const store = new MemoryStore();
  const identity = new Identity({ accounts: store, credentials: new NodeCredentials('r'.repeat(32)), clock: Date.now, newId: randomUUID });
  const chat = await Chat.create({ store, bus: new LocalBus(), clock: Date.now, newId: randomUUID, identity });
  const config = ConfigSchema.parse({ floodControl: true, floodBurst: 3, floodRate: 0.5, floodPrivilegedMultiplier: 10, ...settings });
  const app = await buildWebApp({ chat, store, identity, config, logger: pino({ level: 'silent' }), isClosing: () => false });
  closers.push(async () => {
    await app.close();
    chat.close();
  });
  return { app, identity };
}

const get = (app: FastifyInstance, remoteAddress: string, headers: Record<string, string> = {}) =>
  app.inject({ method: 'GET', url: '/api/rooms/general', remoteAddress, headers });

describe('HTTP flood control', () => {
  it('answers 429 rate_limited with Retry-After once an address is over its budget; others are not affected', async () => {
    const { app } = await appWith({});
    for (let i = 0; i < 3; i++) expect((await get(app, '192.0.2.1')).statusCode).not.toBe(429);
    const refused = await get(app, '192.0.2.1');
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({ error: { code: 'rate_limited', message: expect.stringMatching(/retry in \d+ s/) } });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect((await get(app, '192.0.2.2')).statusCode).not.toBe(429);
    // Health probes are never limited.
    expect((await app.inject({ method: 'GET', url: '/api/health/live', remoteAddress: '192.0.2.1' })).statusCode).toBe(200);
  });

  it('closes the keep-alive connection of a client far over its budget', async () => {
    const { app } = await appWith({ floodHardLimit: 3 });
    const answers = [];
    for (let i = 0; i < 10; i++) answers.push(await get(app, '192.0.2.1'));
    expect(answers.slice(3).every((a) => a.statusCode === 429)).toBe(true);
    expect(answers.at(-1)?.headers.connection).toBe('close');
    expect(answers[3]?.headers.connection).not.toBe('close');
  });

  it("ignores X-Forwarded-For from a peer that is not in TRUSTED_PROXIES", async () => {
    const { app } = await appWith({ trustedProxies: '127.0.0.1' });
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await get(app, '192.0.2.9', { 'x-forwarded-for': `203.0.113.${i}` })).statusCode);
    // All five counted under 192.0.2.9 whatever the header claimed.
    expect(statuses.slice(3)).toEqual([429, 429]);
  });

  it('honours X-Forwarded-For from a trusted proxy: the last untrusted hop is the client', async () => {
    const { app } = await appWith({ trustedProxies: '127.0.0.1, 10.0.0.2' });
    for (let i = 0; i < 3; i++) expect((await get(app, '127.0.0.1', { 'x-forwarded-for': '203.0.113.5' })).statusCode).not.toBe(429);
    expect((await get(app, '127.0.0.1', { 'x-forwarded-for': '203.0.113.5' })).statusCode).toBe(429);
    // Another client behind the same proxy has its own budget.
    expect((await get(app, '127.0.0.1', { 'x-forwarded-for': '203.0.113.6' })).statusCode).not.toBe(429);
    // Through two trusted proxies: a spoofed first hop does not matter, the hop the proxies saw does.
    expect((await get(app, '127.0.0.1', { 'x-forwarded-for': '198.51.100.1, 203.0.113.5, 10.0.0.2' })).statusCode).toBe(429);
  });

  it("gives a bot's token the privileged multiplier", async () => {
    const { app, identity } = await appWith({});
    const bot = await identity.createBotToken(null, 'helper');
    if (!bot.ok) throw new Error('no bot token');
    const statuses = [];
    for (let i = 0; i < 20; i++) statuses.push((await get(app, '192.0.2.1', { authorization: `Bearer ${bot.value.token}` })).statusCode);
    expect(statuses).not.toContain(429);
    // A made-up token is no key to the larger budget.
    const fake = [];
    for (let i = 0; i < 5; i++) fake.push((await get(app, '192.0.2.7', { authorization: 'Bearer made-up-token' })).statusCode);
    expect(fake.slice(3)).toEqual([429, 429]);
  });

  it('is off with FLOOD_CONTROL=false', async () => {
    const { app } = await appWith({ floodControl: false });
    for (let i = 0; i < 20; i++) expect((await get(app, '192.0.2.1')).statusCode).not.toBe(429);
  });
});
