import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SioClient } from '../e2e/support/sio-client.js';
import { makeBotToken, startAccountsServer } from '../helpers/http-accounts.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * DNS rebinding (issue 7, finding 7): a page whose own name resolves to this server sends
 * matching `Host` and `Origin`. A browser request must name an allowed host (ALLOWED_HOSTS,
 * plus the loopback names); programs that send no Origin are served whatever their Host.
 */

type Raw = { status: number; body: string };

/** A request with exactly these headers (fetch would not let a test choose Host). */
function raw(port: number, method: string, path: string, headers: Record<string, string>, body?: string): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers, timeout: 5000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

const handshake = (port: number, headers: Record<string, string>) => raw(port, 'GET', '/socket.io/?EIO=4&transport=polling', headers);

describe('default ALLOWED_HOSTS (loopback names only)', () => {
  let t: TestServer;
  let port: number;
  beforeAll(async () => {
    t = await startAccountsServer();
    port = t.httpPort;
  });
  afterAll(async () => {
    await t.dispose();
  });

  const forged = (): Record<string, string> => ({ host: `rebound.example:${port}`, origin: `http://rebound.example:${port}` });

  it('refuses a forged Host + Origin: Socket.IO polling and WebSocket handshakes, and the API', async () => {
    const polling = await handshake(port, forged());
    expect(polling.status).toBe(403);
    await expect(SioClient.connect(port, { extraHeaders: forged() })).rejects.toThrow();
    const get = await raw(port, 'GET', '/api/rooms', forged());
    expect(get.status).toBe(403);
    expect(JSON.parse(get.body)).toMatchObject({ error: { code: 'host_not_allowed', message: expect.any(String) } });
    const post = await raw(port, 'POST', '/api/rooms/general/messages', { ...forged(), 'content-type': 'application/json' }, JSON.stringify({ author: 'evil', text: 'x' }));
    expect(post.status).toBe(403);
    // Same-origin GETs carry no Origin in browsers, but do carry Sec-Fetch-Site.
    const sameOrigin = await raw(port, 'GET', '/api/rooms', { host: `rebound.example:${port}`, 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'cors' });
    expect(sameOrigin.status).toBe(403);
  });

  it('accepts loopback hosts from a browser', async () => {
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, 'LOCALHOST']) {
      const origin = `http://${host}`;
      expect((await raw(port, 'GET', '/api/rooms', { host, origin })).status, host).toBe(200);
      expect((await handshake(port, { host, origin })).status, host).toBe(200);
    }
    const sock = await SioClient.connect(port, { extraHeaders: { origin: `http://127.0.0.1:${port}` } });
    expect(sock.socket.connected).toBe(true);
    sock.close();
  });

  it('serves programs (no Origin, no Sec-Fetch) whatever their Host', async () => {
    expect((await raw(port, 'GET', '/api/rooms', { host: `rebound.example:${port}` })).status).toBe(200);
    expect((await handshake(port, { host: 'anything.example' })).status).toBe(200);
    const { token } = await makeBotToken(`http://127.0.0.1:${port}`, 'cron');
    const post = await raw(port, 'POST', '/api/rooms/general/messages', { host: 'anything.example', 'content-type': 'application/json', authorization: `Bearer ${token}` }, JSON.stringify({ text: 'ok' }));
    expect(post.status).toBe(201);
    const sock = await SioClient.connect(port, { extraHeaders: { host: `rebound.example:${port}` } });
    expect(sock.socket.connected).toBe(true);
    sock.close();
  });
});

describe('ALLOWED_HOSTS set', () => {
  let t: TestServer;
  let port: number;
  beforeAll(async () => {
    t = await startTestServer({ allowedHosts: 'chat.example, other.example:8443' });
    port = t.httpPort;
  });
  afterAll(async () => {
    await t.dispose();
  });

  it('accepts a listed host (any port unless one is given), still refuses others', async () => {
    const ok = { host: `chat.example:${port}`, origin: `http://chat.example:${port}` };
    expect((await raw(port, 'GET', '/api/rooms', ok)).status).toBe(200);
    expect((await handshake(port, ok)).status).toBe(200);
    const sock = await SioClient.connect(port, { extraHeaders: ok });
    expect(sock.socket.connected).toBe(true);
    sock.close();
    expect((await raw(port, 'GET', '/api/rooms', { host: 'other.example:8443', origin: 'https://other.example:8443' })).status).toBe(200);
    expect((await raw(port, 'GET', '/api/rooms', { host: `other.example:${port}`, origin: `http://other.example:${port}` })).status).toBe(403);
    expect((await raw(port, 'GET', '/api/rooms', { host: `evil.example:${port}`, origin: `http://evil.example:${port}` })).status).toBe(403);
    expect((await handshake(port, { host: `evil.example:${port}`, origin: `http://evil.example:${port}` })).status).toBe(403);
  });
});
