import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalBus } from '../../src/bus/local.js';
import { ConfigSchema } from '../../src/config.js';
import { Chat } from '../../src/core/chat.js';
import type { Bus } from '../../src/core/ports/bus.js';
import { buildWebApp } from '../../src/gateways/http/app.js';
import type { Store } from '../../src/store/store.js';
import { PARLEY_VERSION } from '../../src/version.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { LineClient } from '../helpers/tcp-client.js';

/** GET /api/health: the one-document summary, 200 when ready and 503 (same body) when not. */

function storeWith(ping: () => Promise<void>): Store {
  return { loadRooms: async () => [], append: async () => Promise.reject(new Error('unused')), history: async () => [], ping, flush: async () => {}, close: async () => {} };
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function appFor(store: Store, options: { bus?: Pick<Bus, 'state'>; closing?: boolean } = {}) {
  const chat = await Chat.create({ store, bus: new LocalBus(), clock: Date.now, newId: () => 'id' });
  const config = ConfigSchema.parse({ nodeId: 'node-h' });
  const app = await buildWebApp({ chat, store, bus: options.bus, busKind: 'redis', config, logger: pino({ level: 'silent' }), isClosing: () => options.closing ?? false });
  closers.push(() => app.close());
  return app;
}

describe('GET /api/health', () => {
  it('is 200 with status, version, node, uptime, store, bus and connections when ready', async () => {
    const app = await appFor(storeWith(async () => {}), { bus: { state: 'up' } });
    const res = await app.inject({ method: 'GET', url: '/api/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      status: 'ok',
      version: PARLEY_VERSION,
      node: 'node-h',
      uptimeSeconds: expect.any(Number),
      store: { state: 'up' },
      bus: { kind: 'redis', state: 'up' },
      connections: {},
    });
  });

  it('is 503 when the store fails its ping, saying why', async () => {
    const app = await appFor(storeWith(async () => Promise.reject(new Error('disk on fire'))));
    const res = await app.inject({ method: 'GET', url: '/api/health' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ status: 'unavailable', store: { state: 'down', error: expect.stringContaining('disk on fire') }, bus: { state: 'up' } });
  });

  it('is 503 when the bus is down', async () => {
    const app = await appFor(storeWith(async () => {}), { bus: { state: 'down' } });
    const res = await app.inject({ method: 'GET', url: '/api/health' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ status: 'unavailable', store: { state: 'up' }, bus: { kind: 'redis', state: 'down' } });
  });

  it('is 503 shutting_down while the server stops', async () => {
    const app = await appFor(storeWith(async () => {}), { closing: true });
    const res = await app.inject({ method: 'GET', url: '/api/health' });
    expect(res.statusCode).toBe(503);
    expect(res.json().status).toBe('shutting_down');
  });
});

describe('GET /api/health on a real server', () => {
  let server: TestServer | null = null;
  afterEach(async () => {
    await server?.dispose();
    server = null;
  });

  it('counts connections by door; live and ready still answer', async () => {
    server = await startTestServer({ nodeId: 'node-r' });
    const client = await LineClient.named(server.tcpPort, 'ann');
    try {
      const res = await fetch(`http://127.0.0.1:${server.httpPort}/api/health`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ status: 'ok', node: 'node-r', store: { state: 'up' }, bus: { kind: 'local', state: 'up' }, connections: { 'tcp-text': 1 } });
      expect((await fetch(`http://127.0.0.1:${server.httpPort}/api/health/live`)).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${server.httpPort}/api/health/ready`)).status).toBe(200);
    } finally {
      client.close();
    }
  });
});
