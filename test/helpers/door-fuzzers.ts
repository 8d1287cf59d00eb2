import { request } from 'node:http';
import { connect } from 'node:net';
import fc from 'fast-check';
import WebSocket from 'ws';

/**
 * Random and mutated input for every door, and bounded clients that deliver it. A fuzz client
 * expects to be refused, cut off or ignored: those are outcomes, not failures. Whether the
 * server survived is checked by the test, not here.
 */

const IAC = 0xff;
const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8');

// ---- mutation ----------------------------------------------------------------------------------

/** A byte-level mutation of a valid frame: flip, cut, repeat, or splice special bytes in. */
export const mutated = (valid: fc.Arbitrary<Buffer>): fc.Arbitrary<Buffer> =>
  fc.tuple(valid, fc.nat(), fc.integer({ min: 0, max: 5 }), fc.uint8Array({ minLength: 1, maxLength: 8 })).map(([frame, at, how, bytes]) => {
    const i = frame.length === 0 ? 0 : at % frame.length;
    switch (how) {
      case 0:
        return Buffer.concat([frame.subarray(0, i), Buffer.from([(frame[i] ?? 0) ^ (1 << (at % 8))]), frame.subarray(i + 1)]);
      case 1:
        return frame.subarray(0, i);
      case 2:
        return Buffer.concat([frame, frame]);
      case 3:
        return Buffer.concat([frame.subarray(0, i), Buffer.from(bytes), frame.subarray(i)]);
      case 4:
        return Buffer.concat([frame.subarray(0, i), Buffer.from([0xff, 0xfe, 0xc0, 0x80, 0xed, 0xa0, 0x80]), frame.subarray(i)]);
      default:
        return Buffer.concat([frame.subarray(0, i), utf8('\n'), frame.subarray(i)]);
    }
  });

const word = fc.string({ unit: 'grapheme', maxLength: 12 });
const roomish = fc.oneof(fc.constantFrom('general', 'watch', '#Dev', 'a b', '', '#'), word);
const texty = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constantFrom('\u202e', '\ud800', '\u001b[2J', 'a\r\nb', '\u2028', 'x'.repeat(5000)),
);

// ---- TCP text mode -------------------------------------------------------------------------------

const textLine = fc.oneof(
  fc.tuple(fc.constantFrom('/join', '/leave', '/nick', '/me', '/msg', '/topic', '/who', '/rooms', '/history', '/help', '/quit', '/x', '/'), fc.array(word, { maxLength: 3 })).map(([c, a]) => [c, ...a].join(' ')),
  texty,
  fc.constant('y'.repeat(9000)),
);
const telnet = fc.uint8Array({ maxLength: 6 }).map((tail) => Buffer.from([IAC, ...tail]));

/** A text-mode session: a name attempt, then lines, telnet bytes and raw bytes, cut anywhere. */
export const textSession: fc.Arbitrary<Buffer[]> = fc
  .tuple(
    fc.oneof(word, fc.constant('')),
    fc.array(fc.oneof(textLine.map((l) => utf8(`${l}\n`)), telnet, fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)), mutated(textLine.map((l) => utf8(`${l}\n`)))), { maxLength: 8 }),
  )
  .map(([name, rest]) => [utf8(`${name}\n`), ...rest]);

// ---- TCP JSON lines ------------------------------------------------------------------------------

const jsonRequest = fc.record(
  {
    type: fc.oneof(fc.constantFrom('hello', 'join', 'leave', 'say', 'action', 'msg', 'nick', 'topic', 'who', 'rooms', 'history', 'typing', 'command', 'help', 'ping', 'quit'), word),
    id: fc.oneof(fc.string({ maxLength: 80 }), fc.integer(), fc.constant(null), fc.jsonValue({ maxDepth: 1 })),
    name: fc.oneof(word, fc.jsonValue({ maxDepth: 1 })),
    room: fc.oneof(roomish, fc.jsonValue({ maxDepth: 1 })),
    text: fc.oneof(texty, fc.jsonValue({ maxDepth: 2 })),
    line: textLine,
    limit: fc.oneof(fc.integer(), fc.double()),
    before: fc.integer(),
    after: fc.oneof(fc.integer(), word),
  },
  { requiredKeys: ['type'] },
);
const jsonLine = fc.oneof(jsonRequest.map((r) => JSON.stringify(r)), fc.jsonValue().map((v) => JSON.stringify(v)), fc.string({ unit: 'binary', maxLength: 100 }).map((s) => `{${s}`));

/** A JSON-lines session: starts with `{`, then valid, random and mutated lines. */
export const jsonSession: fc.Arbitrary<Buffer[]> = fc
  .array(fc.oneof(jsonLine.map((l) => utf8(`${l}\n`)), mutated(jsonLine.map((l) => utf8(`${l}\n`)))), { minLength: 1, maxLength: 8 })
  .map((lines) => [utf8('{"type":"ping"}\n'), ...lines]);

// ---- Socket.IO packets ---------------------------------------------------------------------------

const eventName = fc.oneof(
  fc.constantFrom('hello', 'join', 'leave', 'say', 'history', 'msg', 'typing', 'rooms', 'who', 'nick', 'topic', 'joinRoom', 'chatMessage', 'constructor', '__proto__'),
  fc.string({ maxLength: 20 }),
  // Not strings: JSON values as event names (issue 7, finding 1).
  fc.jsonValue({ maxDepth: 1 }),
);
const eventPacket = fc
  .tuple(fc.oneof(fc.constant(''), fc.nat({ max: 99999 }).map(String)), eventName, fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 3 }))
  .map(([ack, name, args]) => `42${ack}${JSON.stringify([name, ...args])}`);

/** Socket.IO packets as text: events (any JSON as name and payload), bare types, garbage. */
export const socketPacket: fc.Arbitrary<string> = fc.oneof(
  eventPacket,
  fc.constantFrom('40', '41', '42', '421', '42[1]', '42[]', '42[null]', '43', '45', '451-["say",{"_placeholder":true,"num":0}]', '2', '3', '6', '4', ''),
  fc.tuple(fc.constantFrom('4', '40', '42', '45'), fc.string({ unit: 'binary', maxLength: 60 })).map(([p, s]) => p + s),
  mutated(eventPacket.map(utf8)).map((b) => b.toString('utf8')),
);

// ---- HTTP ----------------------------------------------------------------------------------------

export interface FuzzHttpRequest {
  readonly method: string;
  readonly path: string;
  readonly contentType: string | null;
  readonly body: string | null;
}

const pathPart = fc.oneof(word.map(encodeURIComponent), fc.constantFrom('%23general', '%00', '..', '%E0%A4%A', '~', 'general', 'watch'));
const query = fc.array(fc.tuple(fc.constantFrom('before', 'after', 'limit', 'EIO', 'transport', 'sid', 'x'), fc.oneof(fc.integer().map(String), word.map(encodeURIComponent))), { maxLength: 3 }).map((q) => (q.length === 0 ? '' : `?${q.map(([k, v]) => `${k}=${v}`).join('&')}`));

export const httpRequest: fc.Arbitrary<FuzzHttpRequest> = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'PROPFIND'),
  path: fc.tuple(
    fc.constantFrom('/api/rooms', '/api/rooms/', '/api/health/live', '/api/health/ready', '/api/openapi.json', '/docs', '/', '/socket.io/', '/index.html', '/api'),
    fc.array(pathPart, { maxLength: 3 }),
    fc.constantFrom('', '/messages', '/users'),
    query,
  ).map(([base, parts, tail, q]) => `${[base, ...parts].join('/').replace(/\/+/g, '/')}${tail}${q}`),
  contentType: fc.constantFrom(null, 'application/json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=latin1'),
  body: fc.oneof(
    fc.constant(null),
    fc.record({ author: fc.oneof(word, fc.jsonValue({ maxDepth: 1 })), text: fc.oneof(texty, fc.jsonValue({ maxDepth: 2 })), kind: fc.oneof(fc.constantFrom('chat', 'action', 'topic'), word) }, { requiredKeys: [] }).map((b) => JSON.stringify(b)),
    fc.jsonValue().map((v) => JSON.stringify(v)),
    fc.string({ unit: 'binary', maxLength: 200 }),
  ),
});

// ---- clients -------------------------------------------------------------------------------------

const HOST = '127.0.0.1';

/** Writes the chunks to a fresh TCP connection, reads whatever comes, closes. Bounded. */
export function tcpSession(port: number, chunks: readonly Buffer[], timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect({ host: HOST, port });
    const done = (): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    socket.on('error', done); // refused or reset: an outcome for a fuzz client
    socket.on('close', done);
    socket.on('data', () => undefined);
    socket.once('connect', () => {
      for (const chunk of chunks) if (!socket.destroyed) socket.write(chunk);
      // Half of the sessions wait briefly for answers; the rest hang up at once.
      setTimeout(done, chunks.length % 2 === 0 ? 30 : 0);
    });
  });
}

export interface HttpAnswer {
  readonly status: number | null;
  readonly body: string;
}

/** One HTTP request with no Origin header (a program, not a page). Bounded; never rejects. */
export function httpExchange(port: number, req: FuzzHttpRequest, timeoutMs: number): Promise<HttpAnswer> {
  return new Promise((resolve) => {
    const headers: Record<string, string> = {};
    if (req.contentType !== null) headers['content-type'] = req.contentType;
    let settled = false;
    const finish = (answer: HttpAnswer): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(answer);
    };
    const outgoing = request({ host: HOST, port, method: req.method, path: req.path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body = (body + c).slice(0, 4000)));
      res.on('end', () => finish({ status: res.statusCode ?? null, body }));
      res.on('error', () => finish({ status: res.statusCode ?? null, body }));
    });
    const timer = setTimeout(() => {
      outgoing.destroy();
      finish({ status: null, body: 'timeout' });
    }, timeoutMs);
    outgoing.on('error', (error) => finish({ status: null, body: error.message }));
    outgoing.end(req.body ?? undefined);
  });
}

/** An Engine.IO long-polling session: handshake, connect, the packets in one POST, one poll. */
export async function pollingSession(port: number, packets: readonly string[], timeoutMs: number): Promise<void> {
  const base = '/socket.io/?EIO=4&transport=polling';
  const open = await httpExchange(port, { method: 'GET', path: base, contentType: null, body: null }, timeoutMs);
  const sid = /"sid":"([^"]+)"/.exec(open.body)?.[1];
  if (open.status !== 200 || sid === undefined) return;
  const path = `${base}&sid=${encodeURIComponent(sid)}`;
  await httpExchange(port, { method: 'POST', path, contentType: 'text/plain;charset=UTF-8', body: '40' }, timeoutMs);
  // Engine.IO 4 joins packets of one payload with the record separator.
  await httpExchange(port, { method: 'POST', path, contentType: 'text/plain;charset=UTF-8', body: packets.join('\x1e') }, timeoutMs);
  await httpExchange(port, { method: 'GET', path, contentType: null, body: null }, Math.min(timeoutMs, 300));
  await httpExchange(port, { method: 'POST', path, contentType: 'text/plain;charset=UTF-8', body: '1' }, timeoutMs);
}

/** A WebSocket session: connect packet, then text packets and raw binary frames. Bounded. */
export function websocketSession(port: number, packets: readonly string[], binary: readonly Uint8Array[], timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://${HOST}:${port}/socket.io/?EIO=4&transport=websocket`);
    const done = (): void => {
      clearTimeout(timer);
      ws.terminate();
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    ws.on('error', done);
    ws.on('close', done);
    ws.once('open', () => {
      ws.send('40');
      for (const packet of packets) ws.send(packet);
      for (const frame of binary) ws.send(frame);
      setTimeout(done, 30);
    });
  });
}
