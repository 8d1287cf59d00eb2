import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalBus } from '../../src/bus/local.js';
import { ConfigSchema } from '../../src/config.js';
import { Chat } from '../../src/core/chat.js';
import type { ChatMessage } from '../../src/core/types.js';
import { Identity } from '../../src/core/identity.js';
import { MemoryAccounts } from '../../src/core/ports/accounts-memory.js';
import { buildWebApp } from '../../src/gateways/http/app.js';
import { NodeCredentials } from '../../src/identity/credentials.js';
import type { Store } from '../../src/store/store.js';

/** Readiness when the store fails or hangs, and while stopping: through the whole HTTP pipeline (inject). */

function storeWith(ping: () => Promise<void>, append: (m: ChatMessage) => Promise<void> = async () => {}): Store {
  return {
    loadRooms: async () => [],
    append,
    history: async () => [],
    ping,
    flush: async () => {},
    close: async () => {},
  };
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function appFor(store: Store, isClosing = () => false, identity?: Identity) {
  let n = 0;
  const chat = await Chat.create({ store, bus: new LocalBus(), clock: () => 1_700_000_000_000, newId: () => `id${++n}` });
  const app = await buildWebApp({ chat, store, identity, config: ConfigSchema.parse({}), logger: pino({ level: 'silent' }), isClosing });
  closers.push(() => app.close());
  return app;
}

describe('readiness', () => {
  it('is 503 store_unavailable when the store refuses the ping', async () => {
    const app = await appFor(storeWith(async () => Promise.reject(new Error('disk on fire'))));
    const res = await app.inject({ method: 'GET', url: '/api/health/ready' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ error: { code: 'store_unavailable', message: expect.stringContaining('disk on fire') } });
    expect((await app.inject({ method: 'GET', url: '/api/health/live' })).statusCode).toBe(200);
  });

  it('is 503 when the store does not answer in time', async () => {
    const app = await appFor(storeWith(() => new Promise<void>(() => {})));
    const res = await app.inject({ method: 'GET', url: '/api/health/ready' });
    expect(res.statusCode).toBe(503);
    expect(res.json().error.message).toMatch(/no answer within/);
  });

  it('is 503 shutting_down once the server is stopping', async () => {
    const app = await appFor(storeWith(async () => {}), () => true);
    const res = await app.inject({ method: 'GET', url: '/api/health/ready' });
    expect(res.statusCode).toBe(503);
    expect(res.json().error.code).toBe('shutting_down');
  });
});

describe('a failed write', () => {
  it('answers a bot post with 503 store_unavailable and stores nothing', async () => {
    let n = 0;
    const identity = new Identity({ accounts: new MemoryAccounts(), credentials: new NodeCredentials('s'.repeat(32)), clock: Date.now, newId: () => `acct${++n}` });
    const bot = await identity.createBotToken(null, 'bot');
    if (!bot.ok) throw new Error(bot.error.text);
    const app = await appFor(storeWith(async () => {}, async () => Promise.reject(new Error('read-only file system'))), () => false, identity);
    const res = await app.inject({ method: 'POST', url: '/api/rooms/ops/messages', payload: { text: 'hi' }, headers: { authorization: `Bearer ${bot.value.token}` } });
    expect(res.statusCode).toBe(503);
    expect(res.json().error).toMatchObject({ code: 'store_unavailable', message: expect.stringContaining('read-only') });
  });
});

describe('the default room', () => {
  it('exists before anyone speaks: empty history and no members, not 404', async () => {
    const app = await appFor(storeWith(async () => {}));
    expect((await app.inject({ method: 'GET', url: '/api/rooms/general/messages' })).json()).toEqual({ room: 'general', messages: [] });
    expect((await app.inject({ method: 'GET', url: '/api/rooms/general' })).json()).toEqual({ name: 'general', topic: '', members: 0, lastActivity: null });
    expect((await app.inject({ method: 'GET', url: '/api/rooms/other/messages' })).statusCode).toBe(404);
  });
});
