import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, startServerProcess } from '../helpers/process.js';
import { LineClient } from '../helpers/tcp-client.js';

const dirs: string[] = [];
const dataDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-proc-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function runToExit(args: string[], env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = runCli(args, env);
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdin.end();
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stderr };
}

describe('parley serve as a process', () => {
  it('on SIGINT tells clients, keeps every acknowledged message, exits 0; history survives a restart', async () => {
    const dir = dataDir();
    const first = await startServerProcess({ DATA_DIR: dir });
    const text = await LineClient.named(first.tcpPort, 'tex');
    const json = await LineClient.open(first.tcpPort);
    json.json({ type: 'hello', name: 'jay' });
    await json.waitForJson((m) => m.type === 'welcome');
    for (let i = 1; i <= 200; i++) json.json({ type: 'say', room: 'general', text: `m${i}`, id: i });
    await json.waitForJson((m) => m.type === 'ack' && m.re === 200);
    const started = Date.now();
    first.child.kill('SIGINT');
    await text.waitFor('Server is shutting down. Bye!');
    expect(await first.exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(5000);

    const second = await startServerProcess({ DATA_DIR: dir });
    const back = await LineClient.open(second.tcpPort);
    back.json({ type: 'hello', name: 'jay' });
    const welcome = await back.waitForJson<{ history: Array<{ text: string; seq: number }> }>((m) => m.type === 'welcome');
    expect(welcome.history.map((m) => m.text)).toEqual(Array.from({ length: 20 }, (_, i) => `m${181 + i}`));
    back.json({ type: 'history', room: 'general', limit: 500, id: 'h' });
    const all = await back.waitForJson<{ messages: Array<{ seq: number }> }>((m) => m.type === 'history');
    expect(all.messages.map((m) => m.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    back.json({ type: 'say', room: 'general', text: 'after restart', id: 'n' });
    const ack = await back.waitForJson<{ message: { seq: number } }>((m) => m.type === 'ack');
    expect(ack.message.seq).toBe(201);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 60_000);

  it('broadcasts operator lines from standard input, and survives stdin closing', async () => {
    const server = await startServerProcess({ DATA_DIR: dataDir() });
    const alice = await LineClient.named(server.tcpPort, 'alice');
    server.child.stdin.write('hello from the operator\n');
    await alice.waitFor('[SERVER]: hello from the operator');
    server.child.stdin.end();
    await new Promise((r) => setTimeout(r, 100));
    const bob = await LineClient.named(server.tcpPort, 'bob');
    bob.send('still serving');
    await alice.waitFor('bob: still serving');
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  }, 30_000);

  it('refuses a bad setting with one clear line and a non-zero exit', async () => {
    const result = await runToExit(['serve'], { TCP_PORT: 'abc', DATA_DIR: dataDir() });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^parley: Invalid TCP_PORT \("abc"\)/);
  });

  it('says MongoDB is not supported when MONGO_DB_URI is set', async () => {
    const result = await runToExit(['serve'], { MONGO_DB_URI: 'mongodb://localhost/chat', DATA_DIR: dataDir() });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/does not support MongoDB.*SQLite/);
  });

  it('reports a port already in use in one line', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    const result = await runToExit(['serve', '--tcp-port', String(port), '--port', '0', '--host', '127.0.0.1', '--no-console'], { DATA_DIR: dataDir() });
    blocker.close();
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(`parley: Port ${port} on 127.0.0.1 is already in use (TCP_PORT). Stop the other program or choose another port.`);
  });

  it('explains every option in --help', async () => {
    const child = runCli(['serve', '--help'], {});
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    await new Promise((resolve) => child.once('exit', resolve));
    for (const flag of ['--port', '--tcp-port', '--host', '--data-dir', '--log-level', '--no-console', '--idle-timeout', '--cors-origin']) {
      expect(out).toContain(flag);
    }
  });
});
