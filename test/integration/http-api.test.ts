import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SioClient, sleep } from '../e2e/support/sio-client.js';
import { makeBotToken, startAccountsServer } from '../helpers/http-accounts.js';
import type { TestServer } from '../helpers/server.js';
import { LineClient } from '../helpers/tcp-client.js';

/** The JSON API against the real server: schemas, paging, errors, and relaying to every door. */

let t: TestServer;
let base: string;
beforeAll(async () => {
  t = await startAccountsServer({ durability: 'normal' });
  base = `http://127.0.0.1:${t.httpPort}`;
});
afterAll(async () => {
  await t.dispose();
});

type Message = { id: string; room: string; seq: number; kind: string; author: string; text: string; ts: number };

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(base + path, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text === '' ? null : (JSON.parse(text) as Record<string, any>) };
}

/** Bot tokens by bot name, made on first use through the API (register an owner, POST /api/tokens). */
const tokens = new Map<string, Promise<string>>();
function tokenOf(bot: string): Promise<string> {
  let token = tokens.get(bot);
  if (!token) tokens.set(bot, (token = makeBotToken(base, bot).then((made) => made.token)));
  return token;
}

/** Posts as the bot `bot` with its token (the author is the token's bot). */
const post = async (room: string, bot: string, text: string, kind?: string) =>
  call('POST', `/api/rooms/${encodeURIComponent(room)}/messages`, { text, ...(kind ? { kind } : {}) }, { authorization: `Bearer ${await tokenOf(bot)}` });

describe('health', () => {
  it('answers liveness and readiness', async () => {
    expect(await call('GET', '/api/health/live')).toMatchObject({ status: 200, json: { status: 'ok' } });
    expect(await call('GET', '/api/health/ready')).toMatchObject({ status: 200, json: { status: 'ready' } });
  });
});

describe('bot posts', () => {
  it('stores a message, answers 201 with it, and relays it to Socket.IO and TCP', async () => {
    const sock = await SioClient.classic(t.httpPort, 'listener', 'deploys');
    const tcp = await LineClient.named(t.tcpPort, 'tcpl');
    tcp.send('/join deploys');
    await tcp.waitFor(/^You joined #deploys/);
    const res = await post('#Deploys', 'deploy-bot', 'v1.2.3 is live');
    expect(res.status).toBe(201);
    expect(res.json?.message).toMatchObject({ room: 'deploys', author: 'deploy-bot', text: 'v1.2.3 is live', kind: 'chat', seq: expect.any(Number), id: expect.any(String), ts: expect.any(Number) });
    const m = await sock.waitFor<{ username: string; text: string }>('message', (p) => p.text === 'v1.2.3 is live');
    expect(m.username).toBe('deploy-bot');
    await tcp.waitFor(/deploy-bot: v1\.2\.3 is live$/);
    sock.close();
    tcp.close();
  });

  it('refuses bad rooms, empty and over-long text, an unknown kind, and a bad bot name, with codes and statuses', async () => {
    expect(await post('bad/room', 'bot', 'x')).toMatchObject({ status: 400, json: { error: { code: 'invalid_room' } } });
    expect(await post('bad room', 'bot', 'x')).toMatchObject({ status: 400, json: { error: { code: 'invalid_room' } } });
    expect(await post('lobby', 'bot', '   ')).toMatchObject({ status: 400, json: { error: { code: 'empty_message' } } });
    expect(await post('lobby', 'bot', 'x'.repeat(4001))).toMatchObject({ status: 413, json: { error: { code: 'message_too_long' } } });
    expect(await post('lobby', 'bot', 'fine', 'shout')).toMatchObject({ status: 400, json: { error: { code: 'bad_request', message: expect.stringContaining('kind') } } });
    await expect(makeBotToken(base, 'two words')).rejects.toThrow(/400 .*invalid_name/);
  });

  it('refuses malformed bodies: missing fields, wrong types, bad JSON, wrong media type, too large', async () => {
    const auth = { authorization: `Bearer ${await tokenOf('bot')}` };
    expect(await call('POST', '/api/rooms/lobby/messages', { kind: 'chat' }, auth)).toMatchObject({ status: 400, json: { error: { code: 'bad_request', message: expect.stringContaining('text') } } });
    expect(await call('POST', '/api/rooms/lobby/messages', { text: 42 }, auth)).toMatchObject({ status: 400, json: { error: { code: 'bad_request' } } });
    expect(await call('POST', '/api/rooms/lobby/messages', '{"text": "x", ', auth)).toMatchObject({ status: 400, json: { error: { code: 'bad_request' } } });
    const plain = await fetch(`${base}/api/rooms/lobby/messages`, { method: 'POST', headers: { 'content-type': 'text/plain', ...auth }, body: 'hello' });
    expect(plain.status).toBe(415);
    expect(await plain.json()).toMatchObject({ error: { code: 'unsupported_media_type' } });
    expect(await call('POST', '/api/rooms/lobby/messages', { text: 'y'.repeat(300_000) }, auth)).toMatchObject({ status: 413, json: { error: { code: 'payload_too_large' } } });
  });
});

describe('rooms and history', () => {
  it('lists rooms with topic, member count and last activity, and one room\'s members', async () => {
    const a = await SioClient.classic(t.httpPort, 'ra', 'listed');
    const b = await SioClient.classic(t.httpPort, 'rb', 'listed');
    const posted = await post('listed', 'bot', 'Our topic', 'topic');
    const rooms = await call('GET', '/api/rooms');
    expect(rooms.status).toBe(200);
    const listed = (rooms.json?.rooms as Array<Record<string, unknown>>).find((r) => r.name === 'listed');
    expect(listed).toEqual({ name: 'listed', topic: 'Our topic', members: 2, lastActivity: posted.json?.message.ts });
    const users = await call('GET', '/api/rooms/listed/users');
    expect(users).toMatchObject({ status: 200, json: { room: 'listed' } });
    expect((users.json?.users as Array<{ name: string }>).map((u) => u.name)).toEqual(['ra', 'rb']);
    expect(await call('GET', '/api/rooms/listed')).toMatchObject({ status: 200, json: { name: 'listed', members: 2 } });
    expect(await call('GET', '/api/rooms/nowhere/users')).toMatchObject({ status: 404, json: { error: { code: 'no_such_room' } } });
    expect(await call('GET', '/api/rooms/no%20way/users')).toMatchObject({ status: 400, json: { error: { code: 'invalid_room' } } });
    a.close();
    b.close();
  });

  it('pages history with before, after and limit, oldest first', async () => {
    const seqs: number[] = [];
    for (let i = 1; i <= 25; i++) seqs.push((await post('paging', 'bot', `n${i}`)).json?.message.seq as number);
    const page = async (query: string) => {
      const res = await call('GET', `/api/rooms/paging/messages${query}`);
      expect(res.status).toBe(200);
      return (res.json?.messages as Message[]).map((m) => m.text);
    };
    expect(await page('?limit=5')).toEqual(['n21', 'n22', 'n23', 'n24', 'n25']);
    expect(await page(`?before=${seqs[20]}&limit=5`)).toEqual(['n16', 'n17', 'n18', 'n19', 'n20']);
    expect(await page(`?after=${seqs[22]}`)).toEqual(['n24', 'n25']);
    expect(await page('?after=0&limit=2')).toEqual(['n1', 'n2']);
    expect(await page('')).toHaveLength(25);
    for (const bad of ['?limit=0', '?limit=501', '?limit=abc', '?before=-1', '?after=1.5']) {
      expect(await call('GET', `/api/rooms/paging/messages${bad}`)).toMatchObject({ status: 400, json: { error: { code: 'bad_request' } } });
    }
    expect(await call('GET', '/api/rooms/never-used/messages')).toMatchObject({ status: 404, json: { error: { code: 'no_such_room' } } });
  });
});

describe('documents and errors', () => {
  it('serves an OpenAPI document describing every endpoint, and the /docs page', async () => {
    const doc = await call('GET', '/api/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.json?.openapi).toMatch(/^3\./);
    const paths = doc.json?.paths as Record<string, Record<string, any>>;
    for (const path of ['/api/health/live', '/api/health/ready', '/api/rooms', '/api/rooms/{room}', '/api/rooms/{room}/users', '/api/rooms/{room}/messages']) {
      expect(paths[path], path).toBeDefined();
    }
    const postOp = paths['/api/rooms/{room}/messages']?.post;
    const bodySchema = postOp?.requestBody?.content?.['application/json']?.schema;
    expect(bodySchema?.required).toEqual(['text']);
    expect(Object.keys(postOp?.responses ?? {})).toEqual(expect.arrayContaining(['201', '400', '401', '403']));
    const getOp = paths['/api/rooms/{room}/messages']?.get;
    expect((getOp?.parameters as Array<{ name: string; in: string }>).map((p) => `${p.in}:${p.name}`)).toEqual(
      expect.arrayContaining(['path:room', 'query:before', 'query:after', 'query:limit']),
    );
    const docs = await fetch(`${base}/docs`, { redirect: 'follow' });
    expect(docs.status).toBe(200);
    expect(await docs.text()).toMatch(/swagger/i);
  });

  it('answers unknown routes with a JSON not_found', async () => {
    expect(await call('GET', '/api/nothing-here')).toMatchObject({ status: 404, json: { error: { code: 'not_found' } } });
    expect(await call('DELETE', '/api/rooms')).toMatchObject({ status: 404, json: { error: { code: 'not_found' } } });
  });

  it('serves the browser client with a strict CSP and the socket.io client script', async () => {
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/script-src 'self'/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await page.text();
    expect(html).not.toMatch(/<script>(?!<\/script>)|\son\w+=/); // no inline scripts or handlers
    const script = await fetch(`${base}/socket.io/socket.io.min.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    for (const asset of ['/js/app.js', '/style.css']) expect((await fetch(base + asset)).status, asset).toBe(200);
    await sleep(0);
  });
});
