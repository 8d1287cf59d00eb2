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

type Refusal = { ok: false; error: { code: string; text: string; retryAfterMs: number } };

describe('Socket.IO flood control', () => {
  it('answers rate_limited with a retry time once over budget; the request after the wait passes', async () => {
    t = await startTestServer({ floodControl: true, floodBurst: 3, floodRate: 0.5 });
    const ann = await SioClient.rich(t.httpPort, 'ann'); // hello: one of the three
    open.push(ann);
    expect((await ann.request('say', { room: 'general', text: 'one' })).ok).toBe(true);
    expect((await ann.request('say', { room: 'general', text: 'two' })).ok).toBe(true);
    const refused = (await ann.request('say', { room: 'general', text: 'three' })) as unknown as Refusal;
    expect(refused).toMatchObject({ ok: false, error: { code: 'rate_limited', text: expect.any(String) } });
    expect(refused.error.retryAfterMs).toBeGreaterThan(0);
    expect(refused.error.retryAfterMs).toBeLessThanOrEqual(2000);
    await new Promise((resolve) => setTimeout(resolve, refused.error.retryAfterMs + 50));
    expect((await ann.request('say', { room: 'general', text: 'three again' })).ok).toBe(true);
  });

  it('gives history its own smaller budget', async () => {
    t = await startTestServer({ floodControl: true, floodBurst: 50, floodRate: 50, floodExpensiveBurst: 2, floodExpensiveRate: 0.5 });
    const ann = await SioClient.rich(t.httpPort, 'ann');
    open.push(ann);
    expect((await ann.request('history', { room: 'general' })).ok).toBe(true);
    expect((await ann.request('history', { room: 'general' })).ok).toBe(true);
    const refused = (await ann.request('history', { room: 'general' })) as unknown as Refusal;
    expect(refused.error.code).toBe('rate_limited');
    // Saying something is still fine.
    expect((await ann.request('say', { room: 'general', text: 'hi' })).ok).toBe(true);
  });

  it('disconnects a socket that keeps sending far past its budget, with bye code flood', async () => {
    t = await startTestServer({ floodControl: true, floodBurst: 3, floodRate: 1, floodHardLimit: 10 });
    const watcher = await LineClient.named(t.tcpPort, 'watcher');
    open.push(watcher);
    const ann = await SioClient.rich(t.httpPort, 'ann');
    open.push(ann);
    for (let i = 0; i < 30; i++) ann.socket.emit('say', { room: 'general', text: `spam ${i}` }, () => undefined);
    const bye = await ann.waitFor<{ code: string; reason: string }>('bye');
    expect(bye.code).toBe('flood');
    await ann.disconnected();
    await watcher.waitFor('ann has left the chat.');
  });
});
