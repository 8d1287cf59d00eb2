import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERRORS } from '../../src/core/errors.js';
import { routeIncoming } from '../../src/gateways/socketio/incoming.js';
import { ROUTES } from '../../src/gateways/socketio/routes.js';
import { SioClient } from '../e2e/support/sio-client.js';
import { fuzzParams } from '../helpers/fuzz.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * The Socket.IO event router: any event name, payload and argument list, binary attachments and
 * huge payloads. As a pure property on routeIncoming, then through a real socket.io-client
 * against a running server that must keep serving a watcher.
 */

const routeNames = [...ROUTES.keys()];
const eventName = fc.oneof(fc.constantFrom(...routeNames), fc.jsonValue({ maxDepth: 2 }), fc.string({ unit: 'binary', maxLength: 80 }));
const binary = fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes));
const payload = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  binary,
  fc.record({ room: fc.oneof(fc.string({ maxLength: 20 }), fc.jsonValue()), text: fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), binary), id: fc.option(fc.jsonValue()) }),
  fc.record({ username: fc.oneof(fc.string({ maxLength: 40 }), fc.jsonValue()), room: fc.oneof(fc.string({ maxLength: 40 }), fc.jsonValue()) }),
  fc.record({ limit: fc.jsonValue(), after: fc.jsonValue() }, { requiredKeys: [] }),
  fc.nat({ max: 100_000 }).map((n) => 'x'.repeat(n)),
);
const ANSWER_CODES = new Set(Object.keys(ERRORS));

describe('fuzz: routeIncoming (pure)', () => {
  it('never throws; the ack is the trailing function; a request names a route; refusals have codes', () => {
    const ack = (): void => {};
    fc.assert(
      fc.property(fc.array(fc.oneof(eventName, payload), { maxLength: 5 }), fc.boolean(), (args, withAck) => {
        const all: unknown[] = withAck ? [...args, ack] : args;
        const incoming = routeIncoming(all, ROUTES);
        expect(incoming.ack).toBe(withAck ? ack : undefined);
        if (incoming.kind === 'request') {
          expect(ROUTES.get(incoming.name)).toBe(incoming.route);
          expect(args[0]).toBe(incoming.name);
          expect(incoming.payload).toBe(args[1]);
        } else {
          expect(incoming.error.code).toBe(typeof args[0] === 'string' ? 'unknown_command' : 'bad_request');
          expect(incoming.error.text.length).toBeLessThan(200);
        }
      }),
      fuzzParams(),
    );
  });
});

describe('fuzz: events through a running server', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ durability: 'normal' });
  });
  afterAll(async () => {
    await t.dispose();
  });

  it('answers every acked event with a known code or ok, never internal_error; a watcher keeps chatting', async () => {
    const watcher = await SioClient.classic(t.httpPort, 'watcher', 'fuzzroom');
    const talker = await SioClient.classic(t.httpPort, 'talker', 'fuzzroom');
    let fuzzer: SioClient | null = null;
    let round = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          // Through the client library: names and payloads as socket.io-client encodes them.
          fc.record({ raw: fc.constant(false), name: eventName, args: fc.array(payload, { maxLength: 3 }), ack: fc.boolean() }),
          // Raw packets: any JSON as the name, as a hand-written client could send.
          fc.record({ raw: fc.constant(true), name: fc.jsonValue({ maxDepth: 2 }), args: fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 2 }), ack: fc.boolean() }),
        ),
        async ({ raw, name, args, ack }) => {
          if (fuzzer === null || !fuzzer.socket.connected) {
            fuzzer?.close();
            fuzzer = await SioClient.connect(t.httpPort);
            await fuzzer.request('joinRoom', { username: `fz${round++}`, room: 'fuzzroom' }).catch(() => null);
          }
          const socket = fuzzer.socket;
          if (raw) {
            socket.io.engine.send(`2${ack ? '99' : ''}${JSON.stringify([name, ...args])}`);
            return;
          }
          // socket.io-client itself refuses some names (an object without toString): such an
          // event cannot leave through the library; the raw branch sends those.
          const unsendable = (send: () => unknown): boolean => {
            try {
              send();
              return false;
            } catch (error) {
              if (error instanceof TypeError) return true;
              throw error;
            }
          };
          if (!ack) {
            unsendable(() => socket.emit(name as string, ...args));
            return;
          }
          let pending: Promise<unknown> | null = null;
          if (unsendable(() => (pending = socket.timeout(5000).emitWithAck(name as string, ...args)))) return;
          const answer = await (pending as unknown as Promise<unknown>)
            .catch((error: unknown) => {
              // The library refused to encode the name (it rejects emitWithAck, not throws).
              if (error instanceof TypeError) return null;
              // A connection the server closed (an oversized packet) has no answer to give.
              if (!socket.connected) return null;
              throw error;
            });
          if (answer === null) return;
          expect(typeof answer).toBe('object');
          const shaped = answer as { ok: boolean; error?: { code: string } };
          if (!shaped.ok) {
            expect(ANSWER_CODES.has(shaped.error?.code ?? '')).toBe(true);
            expect(shaped.error?.code).not.toBe('internal_error');
          }
        },
      ),
      fuzzParams(60),
    );
    (fuzzer as SioClient | null)?.close();
    talker.socket.emit('chatMessage', 'after the fuzz');
    await watcher.waitFor<{ text: string }>('message', (m) => m.text === 'after the fuzz');
    watcher.close();
    talker.close();
  }, 120_000);
});
