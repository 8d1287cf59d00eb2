import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SioClient, sleep } from '../e2e/support/sio-client.js';
import { startServerProcess, type ServerProcess } from '../helpers/process.js';

/**
 * Events socket.io's parser lets through but no client library sends: a name that is not a
 * string (`42[1]`), no arguments (`42`), only an ack id (`421`, the ack callback then stands
 * where the name should be). Each once took the whole process down (issue 7, finding 1), so
 * the server runs as a child process here and must still be up, and serving, afterwards.
 */

/** Event packets socket.io's parser accepts (the name may be a number) though no event has such a name. */
const BAD_PACKETS = ['2[1]', '21', '2', '23[2.5,"x"]', '2[-1,{"a":1}]', '2[0,null,[1,2]]'];
/** Packets the parser refuses: socket.io closes that connection (a protocol error), nothing else. */
const INVALID_PACKETS = ['2[null]', '2[{"a":1}]', '2[[1,2]]', '2[true]', '2{', '2"x"'];

let server: ServerProcess;
let dataDir: string;
let base: string;
beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'parley-sio-bad-'));
  server = await startServerProcess({ DATA_DIR: dataDir });
  base = `http://127.0.0.1:${server.httpPort}/socket.io/?EIO=4&transport=polling`;
});
afterAll(async () => {
  if (server !== undefined && server.child.exitCode === null) {
    server.child.kill('SIGTERM');
    await server.exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
});

/** A raw long-polling engine.io session, as curl would drive it. */
async function pollingSession(): Promise<{ send(packet: string): Promise<void>; poll(): Promise<string> }> {
  const open = await (await fetch(base)).text();
  const sid = (JSON.parse(open.slice(1)) as { sid: string }).sid;
  const url = `${base}&sid=${encodeURIComponent(sid)}`;
  const send = async (packet: string): Promise<void> => {
    const res = await fetch(url, { method: 'POST', body: packet, headers: { 'content-type': 'text/plain;charset=UTF-8' } });
    expect(await res.text()).toBe('ok');
  };
  const poll = async (): Promise<string> => (await fetch(url)).text();
  return { send, poll };
}

/** Polls until the collected output contains every `wanted` string (bounded). */
async function pollFor(session: { poll(): Promise<string> }, wanted: readonly string[]): Promise<string> {
  let seen = '';
  for (let i = 0; i < 20 && !wanted.every((w) => seen.includes(w)); i++) seen += `${await session.poll()}\u001e`;
  return seen;
}

async function expectStillServing(): Promise<void> {
  expect(server.child.exitCode).toBeNull();
  const watcher = await SioClient.classic(server.httpPort, `watcher${Math.floor(Math.random() * 1e6)}`, 'after');
  watcher.socket.emit('chatMessage', 'still alive');
  await watcher.waitFor<{ text: string }>('message', (m) => m.text === 'still alive');
  watcher.close();
  expect(server.output()).not.toMatch(/uncaught|TypeError/i);
}

describe('event names that are not strings', () => {
  it('over raw long-polling: answered with bad_request (in the ack when one was asked), the process stays up', async () => {
    const session = await pollingSession();
    await session.send('40');
    expect(await session.poll()).toMatch(/^40\{"sid"/);
    for (const packet of BAD_PACKETS) await session.send(`4${packet}`);
    // `421` asked for ack 1 and `423[true]` for ack 3: each is answered with an error.
    const out = await pollFor(session, ['431[{"ok":false,"error":{"code":"bad_request"', '433[{"ok":false,"error":{"code":"bad_request"']);
    expect(out).toContain('431[{"ok":false,"error":{"code":"bad_request"');
    expect(out).toContain('433[{"ok":false,"error":{"code":"bad_request"');
    // The others had no ack: each is an `error` event.
    expect(out).toContain('42["error",{"code":"bad_request"');
    // The socket itself is still usable.
    await session.send('42["joinRoom",{"username":"poller","room":"raw"}]');
    expect(await pollFor(session, ['Welcome to Parley'])).toContain('Welcome to Parley! You are in #raw.');
    await expectStillServing();
  });

  it('over WebSocket: the same packets, the sender keeps its connection and others are served', async () => {
    const sock = await SioClient.classic(server.httpPort, 'wsuser', 'wsroom');
    for (const packet of BAD_PACKETS) sock.socket.io.engine.send(packet);
    await sock.waitFor<{ code: string }>('error', (e) => e.code === 'bad_request');
    sock.socket.emit('chatMessage', 'after the bad packets');
    await sock.waitFor<{ text: string }>('message', (m) => m.text === 'after the bad packets');
    await sleep(50);
    expect(sock.socket.connected).toBe(true);
    sock.close();
    await expectStillServing();
  });

  it('packets the parser refuses close only the connection that sent them', async () => {
    for (const packet of INVALID_PACKETS) {
      const sock = await SioClient.connect(server.httpPort);
      const gone = sock.disconnected();
      sock.socket.io.engine.send(packet);
      await gone;
      sock.close();
    }
    await expectStillServing();
  });
});
