import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SioClient } from '../e2e/support/sio-client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { LineClient } from '../helpers/tcp-client.js';

let t: TestServer | undefined;
const open: Array<SioClient | LineClient> = [];
afterEach(async () => {
  for (const c of open.splice(0)) c.close();
  await t?.dispose();
  t = undefined;
});

/** Resolves with whether the web door closed a new connection before answering a request on it. */
function httpRefused(port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write('GET /api/health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'));
    let answered = false;
    socket.on('data', () => {
      answered = true;
      socket.destroy();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(!answered));
    setTimeout(() => reject(new Error('no answer and no close within 5 s')), 5000).unref();
  });
}

describe('new connections per minute, per address', () => {
  it('refuses the connection past the rate on either door, even after the earlier ones closed', async () => {
    t = await startTestServer({ maxNewConnectionsPerMinute: 3, connectionLimitExempt: 'none' });
    for (let i = 0; i < 2; i++) {
      const client = await LineClient.named(t.tcpPort, `u${i}`);
      client.close();
      await client.closed;
    }
    expect(await httpRefused(t.httpPort)).toBe(false);
    // Three opened this minute, none open now: the fourth is refused anyway.
    const fourth = await LineClient.open(t.tcpPort);
    open.push(fourth);
    await fourth.waitFor('Disconnected: Too many new connections from your address (at most 3 a minute).');
    await fourth.closed;
    expect(await httpRefused(t.httpPort)).toBe(true);
  });

  it('exempts loopback by default', async () => {
    t = await startTestServer({ maxNewConnectionsPerMinute: 2 });
    for (let i = 0; i < 5; i++) {
      const client = await LineClient.named(t.tcpPort, `u${i}`);
      client.close();
      await client.closed;
    }
    expect(await httpRefused(t.httpPort)).toBe(false);
  });
});
