import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import fc from 'fast-check';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalBus } from '../../src/bus/local.js';
import { ConfigSchema } from '../../src/config.js';
import { Chat } from '../../src/core/chat.js';
import { Identity } from '../../src/core/identity.js';
import { NodeCredentials } from '../../src/identity/credentials.js';
import { buildWebApp } from '../../src/gateways/http/app.js';
import { MemoryStore } from '../../src/store/memory.js';
import { fuzzParams } from '../helpers/fuzz.js';

/**
 * The HTTP routes through Fastify's inject (the whole pipeline, no socket): arbitrary path
 * parameters, query strings, bodies, content types and headers. Never a 5xx except 503 from
 * the store; every 4xx is a JSON `{ error: { code, message } }`.
 */

let app: FastifyInstance;
let chat: Chat;
/** Live tokens the fuzzer may present: a person's login token and a bot's posting token. */
const liveTokens: string[] = [];
beforeAll(async () => {
  // Flood control off: a fuzzer sends far faster than any budget allows, and 429s would hide the routes.
  const config = ConfigSchema.parse({ port: 0, tcpPort: 0, host: '127.0.0.1', logLevel: 'silent', console: false, floodControl: false });
  const store = new MemoryStore();
  const identity = new Identity({ accounts: store, credentials: new NodeCredentials('f'.repeat(32)), clock: Date.now, newId: randomUUID });
  chat = await Chat.create({ store, bus: new LocalBus(), clock: Date.now, newId: randomUUID, identity });
  await chat.postAs('seed', 'general', 'hello');
  const person = await identity.register('fuzzer', 'correct horse battery');
  const bot = await identity.createBotToken(null, 'fuzzbot');
  if (!person.ok || !bot.ok) throw new Error('could not make the fuzzer its tokens');
  liveTokens.push(person.value.token, bot.value.token);
  app = await buildWebApp({ chat, store, identity, config, logger: pino({ level: 'silent' }), isClosing: () => false });
  await app.ready();
});
afterAll(async () => {
  await app.close();
  chat.close();
});

/** A path segment: usually URL-encoded text, sometimes raw characters or broken escapes. */
const segment = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }).map(encodeURIComponent),
  fc.constantFrom('general', '%23general', 'GENERAL', '%', '%zz', '%E0%A4%A', '..', '.', '%00', '%2F', 'a%20b', '%F0%9F%92%A9', 'x'.repeat(300)),
  fc.stringMatching(/^[A-Za-z0-9._~!$&'()*+,;=:@-]{0,30}$/),
);
const path = fc.oneof(
  fc.constantFrom('/api/rooms', '/api/health/live', '/api/health/ready', '/api/openapi.json', '/api', '/api/', '/', '/index.html', '/docs'),
  segment.map((room) => `/api/rooms/${room}`),
  segment.map((room) => `/api/rooms/${room}/users`),
  segment.map((room) => `/api/rooms/${room}/messages`),
  fc.constantFrom('/api/auth/register', '/api/auth/login', '/api/auth/logout', '/api/me', '/api/me/password', '/api/tokens'),
  segment.map((id) => `/api/tokens/${id}`),
  fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => `/api/${parts.join('/')}`),
);
const queryValue = fc.oneof(fc.integer().map(String), fc.double().map(String), fc.string({ maxLength: 20 }).map(encodeURIComponent), fc.constantFrom('', '%', '1e3', '-0', 'NaN', 'Infinity'));
const query = fc
  .array(fc.tuple(fc.constantFrom('limit', 'after', 'before', 'x', 'limit[]', '__proto__', 'constructor'), queryValue), { maxLength: 4 })
  .map((pairs) => (pairs.length === 0 ? '' : `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`));
const contentType = fc.oneof(
  fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data', 'application/json; charset=latin1', ''),
  fc.stringMatching(/^[a-z]{1,10}\/[a-z+.-]{1,12}$/),
);
const body = fc.oneof(
  fc.constant(undefined),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.record({ author: fc.oneof(fc.string({ maxLength: 40 }), fc.jsonValue()), text: fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.jsonValue()), kind: fc.option(fc.jsonValue()) }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.record({ name: fc.oneof(fc.string({ maxLength: 40 }), fc.jsonValue()), password: fc.oneof(fc.string({ maxLength: 40 }), fc.jsonValue()), old: fc.string({ maxLength: 20 }), new: fc.string({ maxLength: 20 }), bot: fc.string({ maxLength: 40 }), label: fc.string({ maxLength: 40 }) }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
  fc.constantFrom('{"author":"bot","text":"hi"}', '{"__proto__":{"author":"x"},"text":"y"}', '{', '[]', 'null', '"x"', '{"name":"fuzzer","password":"correct horse battery"}', '{"bot":"fuzzbot"}'),
);
const headerValue = fc.stringMatching(/^[\x20-\x7e]{0,140}$/);
const extraHeaders = fc.record(
  {
    'idempotency-key': headerValue,
    origin: fc.oneof(headerValue, fc.constant('null')),
    host: headerValue,
    'sec-fetch-site': fc.constant('same-origin'),
    // Sometimes a live token (indices resolved once the tokens exist), sometimes garbage.
    authorization: fc.oneof(headerValue, headerValue.map((v) => `Bearer ${v}`), fc.nat(1).map((i) => `live:${i}`)),
  },
  { requiredKeys: [] },
);

function liveAuthorization(value: string | undefined): { authorization?: string } {
  const live = /^live:(\d)$/.exec(value ?? '');
  return live ? { authorization: `Bearer ${liveTokens[Number(live[1])] ?? ''}` } : {};
}

describe('fuzz: HTTP routes', () => {
  it('never answers 5xx (except 503), and every 4xx is a JSON error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('GET', 'POST', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'), path, query, body, contentType, extraHeaders, async (method, url, qs, payload, type, headers) => {
        const res = await app.inject({
          method: method as 'GET',
          url: url + qs,
          payload: method === 'GET' || method === 'HEAD' ? undefined : payload,
          headers: { ...headers, ...liveAuthorization(headers.authorization), ...(type === '' ? {} : { 'content-type': type }) },
        });
        expect(res.statusCode < 500 || res.statusCode === 503, `${method} ${url}${qs} -> ${res.statusCode} ${res.body.slice(0, 200)}`).toBe(true);
        if (res.statusCode >= 400 && method !== 'HEAD') {
          expect(res.headers['content-type'], `${method} ${url}${qs}`).toMatch(/^application\/json/);
          const parsed = JSON.parse(res.body) as { error?: { code?: unknown; message?: unknown } };
          expect(typeof parsed.error?.code).toBe('string');
          expect(typeof parsed.error?.message).toBe('string');
        }
      }),
      fuzzParams(),
    );
  }, 120_000);
});
