import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/wait.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { LineClient } from '../helpers/tcp-client.js';
import { SioClient } from '../e2e/support/sio-client.js';

/** Resolves with whether the server closed the connection before answering a request on it. */
function httpRefused(port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write('GET /api/health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'));
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

describe('one per-address connection limit across the TCP and web doors', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.dispose();
    server = undefined;
  });

  it('counts TCP and web connections of one address together, and frees a slot when one closes', async () => {
    server = await startTestServer({ maxConnectionsPerAddress: 2, connectionLimitExempt: 'none' });
    const nc = await LineClient.named(server.tcpPort, 'ncuser');
    const browser = await SioClient.connect(server.httpPort);
    // Two open (one per door): a third, on either door, is refused.
    expect(await httpRefused(server.httpPort)).toBe(true);
    const third = await LineClient.open(server.tcpPort);
    await third.waitFor(/Too many connections from your address/);
    browser.close();
    const port = server.httpPort;
    await eventually(async () => !(await httpRefused(port)), 5000, 'a web connection accepted once the browser left');
    nc.send('still chatting');
    nc.close();
  });
});
