import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SioClient } from '../e2e/support/sio-client.js';
import { makeBotToken, startAccountsServer } from '../helpers/http-accounts.js';
import type { TestServer } from '../helpers/server.js';

/** Issue 7 for the HTTP API: safe retries (Idempotency-Key), paged room lists, line breaks kept. */

let t: TestServer;
let base: string;
beforeAll(async () => {
  t = await startAccountsServer({ durability: 'normal' });
  base = `http://127.0.0.1:${t.httpPort}`;
});
afterAll(async () => {
  await t.dispose();
});

type Message = { id: string; room: string; seq: number; text: string };

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(base + path, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text === '' ? null : (JSON.parse(text) as Record<string, any>) };
}

const tokens = new Map<string, Promise<string>>();
/** Posts with the token of the bot named by `body.author` (made on first use). */
const post = async (room: string, body: { author: string } & Record<string, unknown>, key?: string) => {
  let token = tokens.get(body.author);
  if (!token) tokens.set(body.author, (token = makeBotToken(base, body.author).then((made) => made.token)));
  const auth = { authorization: `Bearer ${await token}` };
  return call('POST', `/api/rooms/${encodeURIComponent(room)}/messages`, body, key === undefined ? auth : { ...auth, 'idempotency-key': key });
};

async function history(room: string): Promise<Message[]> {
  const res = await call('GET', `/api/rooms/${room}/messages?limit=500`);
  expect(res.status).toBe(200);
  return res.json?.messages as Message[];
}

describe('Idempotency-Key on POST /api/rooms/:room/messages', () => {
  it('a retry with the same key returns the first message (200, Idempotent-Replayed), stored and relayed once', async () => {
    const watcher = await SioClient.classic(t.httpPort, 'idemwatch', 'idem');
    const first = await post('idem', { author: 'deploy-bot', text: 'v2 is live' }, 'deploy-2024-1');
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const retry = await post('idem', { author: 'deploy-bot', text: 'v2 is live' }, 'deploy-2024-1');
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.json?.message).toEqual(first.json?.message);
    // Without a key, the same post is a new message.
    expect((await post('idem', { author: 'deploy-bot', text: 'v2 is live' })).status).toBe(201);
    const texts = (await history('idem')).map((m) => m.id);
    expect(texts.filter((id) => id === first.json?.message.id)).toHaveLength(1);
    expect(texts).toHaveLength(2);
    await watcher.waitFor<{ id?: string }>('message', (m) => m.id !== undefined && m.id !== first.json?.message.id);
    expect(watcher.all<{ id?: string }>('message').filter((m) => m.id === first.json?.message.id)).toHaveLength(1);
    watcher.close();
  });

  it('the same key with another text is a new message', async () => {
    const a = await post('idem2', { author: 'bot', text: 'one' }, 'k1');
    const b = await post('idem2', { author: 'bot', text: 'two' }, 'k1');
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.json?.message.id).not.toBe(a.json?.message.id);
  });

  it('refuses a key that is empty, too long or not visible ASCII, with a JSON 400', async () => {
    for (const key of ['', 'x'.repeat(129), 'has space', 'tab\tkey', 'caf\u00e9']) {
      const res = await fetch(`${base}/api/rooms/idem3/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': Buffer.from(key, 'utf8').toString('latin1') },
        body: JSON.stringify({ author: 'bot', text: 'x' }),
      });
      expect(res.status, JSON.stringify(key)).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: 'bad_request', message: expect.stringContaining('idempotency-key') } });
    }
    expect((await post('idem3', { author: 'bot', text: 'x' }, 'x'.repeat(128))).status).toBe(201);
    expect(await call('GET', '/api/rooms/idem3/messages')).toMatchObject({ status: 200, json: { messages: [{ text: 'x' }] } });
  });
});

describe('GET /api/rooms paged', () => {
  it('walks 300 rooms in pages of at most 200, each room once, by name', async () => {
    const names = Array.from({ length: 300 }, (_, i) => `pg${String(i).padStart(3, '0')}`);
    const posted = await Promise.all(names.map((name) => t.server.chat.postAs('bot', name, 'hello')));
    expect(posted.every((p) => p.ok)).toBe(true);
    const first = await call('GET', '/api/rooms');
    expect(first.status).toBe(200);
    expect(first.json?.rooms).toHaveLength(200);
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 20; page++) {
      const res = await call('GET', `/api/rooms?limit=70${after === null ? '' : `&after=${encodeURIComponent(after)}`}`);
      expect(res.status).toBe(200);
      const rooms = res.json?.rooms as Array<{ name: string }>;
      expect(rooms.length).toBeLessThanOrEqual(70);
      seen.push(...rooms.map((r) => r.name));
      after = res.json?.next as string | null;
      if (after === null) break;
    }
    expect(after).toBeNull();
    expect(seen).toEqual([...seen].sort());
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.filter((name) => name.startsWith('pg'))).toEqual(names);
    for (const bad of ['?limit=0', '?limit=201', '?limit=x', '?after=']) {
      expect(await call('GET', `/api/rooms${bad}`), bad).toMatchObject({ status: 400, json: { error: { code: 'bad_request' } } });
    }
  });
});

describe('line breaks', () => {
  it('a posted multi-line message keeps its line breaks, relayed and in history alike', async () => {
    const watcher = await SioClient.classic(t.httpPort, 'nlwatch', 'lines');
    const res = await post('lines', { author: 'bot', text: 'multi\nline\r\nand CRLF' });
    expect(res.status).toBe(201);
    expect(res.json?.message.text).toBe('multi\nline\nand CRLF');
    const relayed = await watcher.waitFor<{ text: string }>('message', (m) => m.text.startsWith('multi'));
    expect(relayed.text).toBe('multi\nline\nand CRLF');
    expect((await history('lines')).map((m) => m.text)).toEqual(['multi\nline\nand CRLF']);
    watcher.close();
  });
});

describe('malformed URLs', () => {
  it('a broken %-escape in the path is a JSON bad_request like any other 4xx', async () => {
    for (const path of ['/api/rooms/%zz', '/api/rooms/%/messages', '/api/rooms/%E0%A4%A/users']) {
      const res = await fetch(base + path);
      expect(res.status, path).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: 'bad_request', message: expect.any(String) } });
    }
  });
});

describe('OpenAPI', () => {
  it('documents the room list paging and the Idempotency-Key header', async () => {
    const doc = (await call('GET', '/api/openapi.json')).json as { paths: Record<string, Record<string, any>> };
    const params = (op: any): string[] => (op?.parameters as Array<{ in: string; name: string }>).map((p) => `${p.in}:${p.name}`);
    expect(params(doc.paths['/api/rooms']?.get)).toEqual(expect.arrayContaining(['query:limit', 'query:after']));
    expect(doc.paths['/api/rooms']?.get?.responses?.['200']?.content?.['application/json']?.schema?.required).toEqual(expect.arrayContaining(['rooms', 'next']));
    const postOp = doc.paths['/api/rooms/{room}/messages']?.post;
    expect(params(postOp)).toEqual(expect.arrayContaining(['header:idempotency-key']));
    expect(Object.keys(postOp?.responses ?? {})).toEqual(expect.arrayContaining(['200', '201']));
  });
});
