import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  httpExchange,
  httpRequest,
  jsonSession,
  pollingSession,
  socketPacket,
  tcpSession,
  textSession,
  websocketSession,
} from '../helpers/door-fuzzers.js';
import { fuzzParams } from '../helpers/fuzz.js';
import { startServerProcess, type ServerProcess } from '../helpers/process.js';
import { LineClient } from '../helpers/tcp-client.js';

/**
 * Network fuzz: a real server process gets random and mutated frames on every door (TCP text,
 * TCP JSON lines, Socket.IO over long-polling and WebSocket, HTTP) while a watcher pair keeps
 * chatting. The server must stay up, answer HTTP without a 5xx, and the watcher must get every
 * message in order. Inputs come from fast-check with the shared seed (FUZZ_SEED) and scale with
 * FUZZ_RUNS; a failure names the seed and the last input of each door.
 */

const SESSION_TIMEOUT_MS = 2000;
const WATCH_ROOM = 'watch';
// Hard caps: the watcher's messages and the test's wall time, whatever FUZZ_RUNS says.
const MAX_WATCH_MESSAGES = 5000;

let server: ServerProcess | null = null;
let dataDir: string | null = null;
const clients: LineClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  if (server && server.child.exitCode === null && server.child.signalCode === null) {
    server.child.kill('SIGTERM');
    await server.exited;
  }
  server = null;
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  dataDir = null;
});

async function start(): Promise<ServerProcess> {
  dataDir = mkdtempSync(join(tmpdir(), 'parley-netfuzz-'));
  server = await startServerProcess({ DATA_DIR: dataDir, CONSOLE: '0' });
  return server;
}

/** An input as readable text: bytes as latin1, so every byte shows. */
const shown = (input: unknown): string =>
  JSON.stringify(input, (_key, value: unknown) => {
    const bytes = value as { type?: unknown; data?: unknown };
    return bytes !== null && typeof bytes === 'object' && bytes.type === 'Buffer' && Array.isArray(bytes.data) ? Buffer.from(bytes.data as number[]).toString('latin1') : value;
  });

/** Polls `test` every few milliseconds; true once it passes, false at the deadline. */
async function until(test: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (test()) return true;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return test();
}

const alive = (s: ServerProcess): boolean => s.child.exitCode === null && s.child.signalCode === null;

async function jsonClient(port: number, name: string): Promise<LineClient> {
  const client = await LineClient.open(port);
  clients.push(client);
  client.json({ type: 'hello', name, id: 'hello' });
  await client.waitForJson((m) => m.type === 'welcome' && m.re === 'hello');
  client.json({ type: 'join', room: WATCH_ROOM, id: 'join' });
  await client.waitForJson((m) => m.type === 'joined' && m.re === 'join');
  return client;
}

/** The server still serves every door: HTTP health, a new TCP session, a Socket.IO handshake. */
async function expectServing(s: ServerProcess): Promise<void> {
  expect(alive(s), `server exited:\n${s.output().slice(-3000)}`).toBe(true);
  const health = await httpExchange(s.httpPort, { method: 'GET', path: '/api/health/live', contentType: null, body: null }, 5000);
  expect(health.status).toBe(200);
  const poll = await httpExchange(s.httpPort, { method: 'GET', path: '/socket.io/?EIO=4&transport=polling', contentType: null, body: null }, 5000);
  expect(poll.body).toMatch(/"sid":/);
  const probe = await LineClient.open(s.tcpPort);
  clients.push(probe);
  probe.json({ type: 'ping', id: 'p' });
  await probe.waitForJson((m) => m.type === 'pong');
}

describe('network fuzz: every door at once, while a watcher chats', () => {
  it('survives a Socket.IO event whose name is not a string (issue 7 finding 1), over polling and WebSocket', async () => {
    const s = await start();
    for (const packet of ['42[1]', '421', '42', '42[null]', '42[{"a":1}]', '42[["say"]]']) {
      await pollingSession(s.httpPort, [packet], SESSION_TIMEOUT_MS);
      await websocketSession(s.httpPort, [packet], [], SESSION_TIMEOUT_MS);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(alive(s), `packet ${packet} stopped the server:\n${s.output().slice(-3000)}`).toBe(true);
    }
    await expectServing(s);
  }, 60_000);

  it('stays up under random and mutated frames on every door, and the watcher gets every message in order', async () => {
    const s = await start();
    const params = fuzzParams(40);
    const seed = params.seed ?? Math.floor(Math.random() * 2 ** 31);
    const runs = params.numRuns;
    const last: Record<string, string> = {};
    const http5xx: string[] = [];
    const where = (): string => `seed ${seed} (FUZZ_SEED=${seed} replays it); last input per door:\n${Object.entries(last).map(([d, input]) => `  ${d}: ${input.slice(0, 800)}`).join('\n')}`;

    const alice = await jsonClient(s.tcpPort, 'alice');
    const bob = await jsonClient(s.tcpPort, 'bob');

    const door = async <T>(name: string, inputs: T[], send: (input: T) => Promise<unknown>): Promise<void> => {
      for (const input of inputs) {
        if (!alive(s)) return;
        last[name] = shown(input);
        await send(input);
      }
    };
    const sample = <T>(arb: fc.Arbitrary<T>, salt: number): T[] => fc.sample(arb, { numRuns: runs, seed: seed + salt });

    let fuzzing = true;
    const fuzz = Promise.all([
      door('tcp text', sample(textSession, 1), (chunks) => tcpSession(s.tcpPort, chunks, SESSION_TIMEOUT_MS)),
      door('tcp json', sample(jsonSession, 2), (chunks) => tcpSession(s.tcpPort, chunks, SESSION_TIMEOUT_MS)),
      door('socket.io polling', sample(fc.array(socketPacket, { minLength: 1, maxLength: 6 }), 3), (packets) => pollingSession(s.httpPort, packets, SESSION_TIMEOUT_MS)),
      door('socket.io websocket', sample(fc.tuple(fc.array(socketPacket, { maxLength: 6 }), fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 2 })), 4), ([packets, binary]) =>
        websocketSession(s.httpPort, packets, binary, SESSION_TIMEOUT_MS),
      ),
      door('http', sample(httpRequest, 5), async (req) => {
        const answer = await httpExchange(s.httpPort, req, SESSION_TIMEOUT_MS);
        if (answer.status !== null && answer.status >= 500 && answer.status !== 503) http5xx.push(`${req.method} ${req.path} -> ${answer.status} ${answer.body.slice(0, 200)}`);
      }),
    ]).finally(() => {
      fuzzing = false;
    });

    // The watcher: alice says numbered lines, one after another, for as long as the fuzz runs.
    // Acks are polled rather than awaited so that a dying server ends the loop at once and the
    // failure below names the seed and inputs, instead of an ack timeout.
    let sent = 0;
    let seen = 0;
    while ((fuzzing || sent < 10) && sent < MAX_WATCH_MESSAGES && alive(s)) {
      const id = `w${sent}`;
      alice.json({ type: 'say', room: WATCH_ROOM, text: `watch-${sent}`, id });
      const answered = await until(() => {
        for (; seen < alice.lines.length; seen++) if (alice.lines[seen]?.includes(`"re":"${id}"`)) return true;
        return !alive(s);
      }, 10_000);
      if (!alive(s)) break;
      expect(answered, `no answer to ${id}; ${where()}`).toBe(true);
      expect(alice.lines[seen], `${id} was not acked; ${where()}`).toMatch(/"type":"ack"/);
      sent++;
    }
    await fuzz;
    expect(alive(s), `the server exited during the fuzz; ${where()}\n${s.output().slice(-3000)}`).toBe(true);

    const received = async (): Promise<string[]> =>
      bob.lines.flatMap((line) => {
        // The text-mode greeting comes before the first JSON reply.
        if (!line.startsWith('{')) return [];
        const m = JSON.parse(line) as { type: string; message?: { author: string; room: string; text: string } };
        return m.type === 'message' && m.message?.author === 'alice' && m.message.room === WATCH_ROOM ? [m.message.text] : [];
      });
    await bob.waitForJson((m) => m.type === 'message' && (m.message as { text?: string } | undefined)?.text === `watch-${sent - 1}`, 10_000);
    expect(await received(), where()).toEqual(Array.from({ length: sent }, (_, i) => `watch-${i}`));
    expect(http5xx, where()).toEqual([]);
    await expectServing(s);
  }, 120_000);
});
