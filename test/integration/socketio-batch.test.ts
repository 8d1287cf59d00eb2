import { randomUUID } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalBus } from '../../src/bus/local.js';
import { ConfigSchema } from '../../src/config.js';
import { Chat } from '../../src/core/chat.js';
import { attachSocketGateway, type SocketGateway } from '../../src/gateways/socketio/index.js';
import { MemoryStore } from '../../src/store/memory.js';
import { SioClient } from '../e2e/support/sio-client.js';

/**
 * Batched writes (src/gateways/socketio/batch-write.ts): events that reach a socket while its
 * previous write is outstanding leave in one corked write; they must still arrive complete
 * and in order, over WebSocket and long polling alike.
 */

let http: HttpServer;
let chat: Chat;
let gateway: SocketGateway;
let port: number;
const batches: number[] = [];

beforeAll(async () => {
  const config = ConfigSchema.parse({ port: 0, tcpPort: 0, host: '127.0.0.1', logLevel: 'silent', console: false, floodControl: false });
  chat = await Chat.create({ store: new MemoryStore(), bus: new LocalBus(), clock: Date.now, newId: randomUUID });
  http = createServer();
  gateway = attachSocketGateway({ httpServer: http, chat, config, logger: pino({ level: 'silent' }) });
  gateway.io.engine.on('flush', (_conn: unknown, buffer: readonly unknown[]) => batches.push(buffer.length));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  port = (http.address() as AddressInfo).port;
});
afterAll(async () => {
  await gateway.close();
  chat.close();
  await new Promise((resolve) => http.close(resolve));
});

describe('a burst of room events', () => {
  it('arrives complete and in order at every member, WebSocket or polling', async () => {
    const ws = await SioClient.classic(port, 'wsreader', 'burst');
    const poller = await SioClient.connect(port, { transports: ['polling'] });
    poller.socket.emit('joinRoom', { username: 'poller', room: 'burst' });
    await poller.waitFor<{ text: string }>('message', (m) => m.text.startsWith('Welcome'));
    batches.length = 0;
    // Posted in one tick: the store's appends resolve together, so the events are published
    // back to back and all but the first meet a busy transport.
    const posts = Array.from({ length: 300 }, (_, i) => chat.postAs('bot', 'burst', `b${i} ${'y'.repeat(200)}`));
    expect((await Promise.all(posts)).every((outcome) => outcome.ok)).toBe(true);
    for (const client of [ws, poller]) {
      await client.waitFor<{ text: string }>('message', (m) => m.text.startsWith('b299 '), 10_000);
      const seen = client.all<{ text: string }>('message').map((m) => m.text).filter((text) => /^b\d+ /.test(text));
      expect(seen.map((text) => Number(text.slice(1, text.indexOf(' '))))).toEqual(Array.from({ length: 300 }, (_, i) => i));
    }
    expect(Math.max(...batches)).toBeGreaterThan(1);
    for (const c of [ws, poller]) c.close();
  });
});
