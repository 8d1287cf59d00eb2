import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { makeTestCa, opensslMissing, type TestCa } from '../helpers/tls-certs.js';

/** The web door over TLS: HTTPS for the API and the browser client, Socket.IO over wss. */
const skip = opensslMissing();
let ca: TestCa;
let server: TestServer;

beforeAll(async () => {
  if (skip) return;
  ca = makeTestCa();
  const cert = ca.issue('parley-web');
  server = await startTestServer({ tlsCert: cert.certPath, tlsKey: cert.keyPath, tlsTcpPort: 0 });
});
afterAll(async () => {
  await server?.dispose();
  ca?.dispose();
});

function getHttps(path: string): Promise<{ status: number; body: string; authorized: boolean }> {
  return new Promise((resolve, reject) => {
    const request = httpsGet({ host: '127.0.0.1', servername: 'localhost', port: server.httpPort, path, ca: ca.caPem, headers: { host: `localhost:${server.httpPort}` } }, (response) => {
      let body = '';
      const authorized = (response.socket as TLSSocket).authorized;
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body, authorized }));
    });
    request.setTimeout(5000, () => request.destroy(new Error('HTTPS request timed out')));
    request.once('error', reject);
  });
}

async function helloOver(transports: Array<'polling' | 'websocket'>): Promise<Record<string, unknown>> {
  const socket: Socket = io(`https://localhost:${server.httpPort}`, { ca: ca.caPem, transports, reconnection: false, timeout: 5000 });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    return (await socket.timeout(5000).emitWithAck('hello', { name: `web${transports.length}${transports[0] ?? ''}` })) as Record<string, unknown>;
  } finally {
    socket.close();
  }
}

describe.skipIf(skip !== null)(`web door over TLS${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('answers GET /api/health/live over HTTPS with a certificate the test CA vouches for', async () => {
    const response = await getHttps('/api/health/live');
    expect(response.authorized).toBe(true);
    expect(response.status).toBe(200);
  });

  it('serves the browser client over HTTPS', async () => {
    const response = await getHttps('/');
    expect(response.status).toBe(200);
    expect(response.body).toContain('<html');
  });

  it('speaks Socket.IO over wss, and over HTTPS long-polling with the upgrade', async () => {
    expect(await helloOver(['websocket'])).toMatchObject({ ok: true, room: 'general' });
    expect(await helloOver(['polling', 'websocket'])).toMatchObject({ ok: true, room: 'general' });
  });

  it('does not speak plain HTTP on the same port', async () => {
    const outcome = await new Promise<string>((resolve) => {
      const request = httpGet({ host: '127.0.0.1', port: server.httpPort, path: '/api/health/live' }, (response) => {
        response.resume();
        resolve(`answered ${response.statusCode}`);
      });
      request.setTimeout(5000, () => request.destroy(new Error('timed out')));
      request.once('error', (error: NodeJS.ErrnoException) => resolve(`failed: ${error.code ?? error.message}`));
    });
    expect(outcome).toMatch(/^failed|^answered 400/);
  });
});
