import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SioClient } from '../e2e/support/sio-client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** CORS for the API (CORS_ORIGIN) and the origin check of Socket.IO handshakes. */

const GOOD = 'https://good.example';
const ALSO = 'https://also.example';
const EVIL = 'https://evil.example';

function preflight(port: number, origin: string, method = 'POST') {
  return fetch(`http://127.0.0.1:${port}/api/rooms/lobby/messages`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'content-type' },
  });
}

describe('with CORS_ORIGIN set', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ corsOrigin: `${GOOD}, ${ALSO}` });
  });
  afterAll(async () => {
    await t.dispose();
  });

  it('answers a preflight from a listed origin, allowing POST and content-type', async () => {
    for (const origin of [GOOD, ALSO]) {
      const res = await preflight(t.httpPort, origin);
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe(origin);
      expect(res.headers.get('access-control-allow-methods')).toMatch(/POST/);
      expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toMatch(/content-type/);
      expect(res.headers.get('vary')).toMatch(/Origin/i);
    }
  });

  it('gives no CORS grant to another origin', async () => {
    const res = await preflight(t.httpPort, EVIL);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const get = await fetch(`http://127.0.0.1:${t.httpPort}/api/rooms`, { headers: { origin: EVIL } });
    expect(get.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('lets a listed origin send Authorization and use DELETE (revoking a token, deleting an account)', async () => {
    const res = await fetch(`http://127.0.0.1:${t.httpPort}/api/tokens/some-id`, {
      method: 'OPTIONS',
      headers: { origin: GOOD, 'access-control-request-method': 'DELETE', 'access-control-request-headers': 'authorization' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(GOOD);
    expect(res.headers.get('access-control-allow-methods')).toMatch(/DELETE/);
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toMatch(/authorization/);
  });

  it('grants a listed origin on real requests', async () => {
    const get = await fetch(`http://127.0.0.1:${t.httpPort}/api/rooms`, { headers: { origin: GOOD } });
    expect(get.status).toBe(200);
    expect(get.headers.get('access-control-allow-origin')).toBe(GOOD);
  });

  it('lets Socket.IO handshakes from listed origins through, and refuses others', async () => {
    const ok = await SioClient.connect(t.httpPort, { extraHeaders: { origin: GOOD } });
    expect(ok.socket.connected).toBe(true);
    ok.close();
    await expect(SioClient.connect(t.httpPort, { extraHeaders: { origin: EVIL } })).rejects.toThrow();
  });
});

describe('with the default (same origin only)', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t.dispose();
  });

  it('grants no cross-origin access at all', async () => {
    const res = await preflight(t.httpPort, GOOD);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.status).toBe(404);
    const get = await fetch(`http://127.0.0.1:${t.httpPort}/api/rooms`, { headers: { origin: GOOD } });
    expect(get.status).toBe(200);
    expect(get.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('accepts Socket.IO from its own origin and from non-browser clients, refuses foreign pages', async () => {
    const own = await SioClient.connect(t.httpPort, { extraHeaders: { origin: `http://127.0.0.1:${t.httpPort}` } });
    const program = await SioClient.connect(t.httpPort);
    expect(own.socket.connected && program.socket.connected).toBe(true);
    own.close();
    program.close();
    await expect(SioClient.connect(t.httpPort, { extraHeaders: { origin: EVIL } })).rejects.toThrow();
    // The polling transport is checked too, not only the WebSocket upgrade.
    await expect(SioClient.connect(t.httpPort, { extraHeaders: { origin: EVIL }, transports: ['polling'] })).rejects.toThrow();
  });
});
