import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { LineClient } from '../helpers/tcp-client.js';

/** The moderation log over HTTP: server admins only, on the real server and its SQLite store. */

let t: TestServer;
let base: string;
const PASSWORD = 'correct horse battery';

beforeAll(async () => {
  t = await startTestServer({ admins: 'boss' });
  base = `http://127.0.0.1:${t.httpPort}`;
});
afterAll(async () => {
  await t.dispose();
});

async function tokenFor(name: string): Promise<string> {
  const res = await fetch(`${base}/api/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, password: PASSWORD }) });
  expect(res.status).toBe(201);
  return ((await res.json()) as { token: string }).token;
}

async function log(query: string, token?: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${base}/api/moderation/log${query}`, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('GET /api/moderation/log', () => {
  it('lists actions newest first for an admin, per room or all; others are refused', async () => {
    const boss = await tokenFor('boss');
    const olgaToken = await tokenFor('Olga');
    expect(olgaToken).toEqual(expect.any(String));
    const olga = await LineClient.open(t.tcpPort);
    const gus = await LineClient.named(t.tcpPort, 'gus');
    try {
      await olga.waitFor('Enter your name:');
      olga.send(`/login Olga ${PASSWORD}`);
      await olga.waitFor('You are logged in as Olga.');
      olga.send('/join den');
      await olga.waitFor((l) => l.startsWith('You joined #den'));
      gus.send('/join den');
      await gus.waitFor((l) => l.startsWith('You joined #den'));
      olga.send('/kick gus calm down');
      await olga.waitFor('gus was kicked from #den by Olga (calm down).');
      olga.send('/mode limit 10');
      await olga.waitFor('Olga set limit=10 in #den.');
    } finally {
      olga.close();
      gus.close();
    }
    const all = await log('', boss);
    expect(all.status).toBe(200);
    expect(all.json.entries).toMatchObject([
      { room: 'den', actor: 'Olga', action: 'mode', detail: 'limit=10' },
      { room: 'den', actor: 'Olga', action: 'kick', target: 'gus', reason: 'calm down' },
      { room: 'den', action: 'owner', target: 'Olga' },
    ]);
    expect((await log('?room=%23den&limit=1', boss)).json.entries).toMatchObject([{ action: 'mode' }]);
    expect((await log('?room=elsewhere', boss)).json.entries).toEqual([]);
    expect(await log('', olgaToken)).toMatchObject({ status: 403, json: { error: { code: 'forbidden' } } });
    expect(await log('')).toMatchObject({ status: 401, json: { error: { code: 'not_logged_in' } } });
    expect((await log('?limit=0', boss)).status).toBe(400);
  });
});
