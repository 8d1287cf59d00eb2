import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SioClient, sleep } from '../e2e/support/sio-client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** Incoming events the door has no route for, and transports other than WebSocket. */

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.dispose();
});

describe('events without a route', () => {
  it('answers a client event named "error" like any unknown event, and the connection survives', async () => {
    const sock = await SioClient.classic(t.httpPort, 'erratic', 'lobby');
    expect(await sock.request('error', { boom: true })).toMatchObject({ ok: false, error: { code: 'unknown_command' } });
    sock.socket.emit('error', 'no ack');
    await sock.waitFor<{ code: string }>('error', (e) => e.code === 'unknown_command');
    sock.socket.emit('chatMessage', 'still here');
    await sock.waitFor<{ text: string }>('message', (m) => m.text === 'still here');
    await sleep(50);
    expect(sock.socket.connected).toBe(true);
    sock.close();
  });
});

describe('long polling', () => {
  it('delivers room messages to a client that never upgrades, within the output bound', async () => {
    const poller = await SioClient.connect(t.httpPort, { transports: ['polling'] });
    poller.socket.emit('joinRoom', { username: 'poller', room: 'slowlane' });
    await poller.waitFor<{ text: string }>('message', (m) => m.text.startsWith('Welcome'));
    const talker = await SioClient.classic(t.httpPort, 'talker', 'slowlane');
    for (let i = 0; i < 50; i++) talker.socket.emit('chatMessage', `p${i} ${'x'.repeat(1000)}`);
    await poller.waitFor<{ text: string }>('message', (m) => m.text.startsWith('p49 '), 10_000);
    expect(poller.all<{ text: string }>('message').filter((m) => /^p\d+ /.test(m.text))).toHaveLength(50);
    expect(poller.socket.connected).toBe(true);
    for (const c of [poller, talker]) c.close();
  });
});
