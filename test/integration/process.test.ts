import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CRASH_ON_SIGUSR2, runCli, startServerProcess } from '../helpers/process.js';
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

async function runToExit(args: string[], env: Record<string, string>): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const child = runCli(args, env);
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stdin.end();
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stderr, stdout };
}

/** Exit 2, exactly one line on stderr, and no stack or error log line anywhere before it. */
function expectOneLineRefusal(result: { code: number | null; stderr: string; stdout: string }, line: RegExp): void {
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
  expect(result.stderr.trim()).toMatch(line);
  expect(result.code).toBe(2);
  const everything = result.stdout + result.stderr;
  expect(everything).not.toMatch(/^\s+at /m);
  expect(everything).not.toMatch(/"stack"|"level":(50|60)/);
}

async function busyPort(): Promise<{ port: number; release: () => void }> {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  return { port: (blocker.address() as { port: number }).port, release: () => blocker.close() };
}

const serveArgs = (http: number, tcp: number): string[] => ['serve', '--port', String(http), '--tcp-port', String(tcp), '--host', '127.0.0.1', '--no-console'];

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

  it('reports a TCP port already in use in one line, with no error log and stack before it', async () => {
    const { port, release } = await busyPort();
    const result = await runToExit(serveArgs(0, port), { DATA_DIR: dataDir() });
    release();
    expectOneLineRefusal(result, new RegExp(`^parley: Port ${port} on 127\\.0\\.0\\.1 is already in use \\(TCP_PORT\\)\\. Stop the other program or choose another port\\.$`));
  });

  it('reports an HTTP port already in use in one line, not a stack trace', async () => {
    const { port, release } = await busyPort();
    const result = await runToExit(serveArgs(port, 0), { DATA_DIR: dataDir() });
    release();
    expectOneLineRefusal(result, new RegExp(`^parley: Port ${port} on 127\\.0\\.0\\.1 is already in use \\(PORT\\)\\.`));
  });

  it('refuses a DATA_DIR that is a file, or lies under one, in one line', async () => {
    const file = join(dataDir(), 'not-a-folder');
    writeFileSync(file, 'x');
    expectOneLineRefusal(await runToExit(serveArgs(0, 0), { DATA_DIR: file }), /^parley: DATA_DIR \(.*not-a-folder\) is a file/);
    expectOneLineRefusal(await runToExit(serveArgs(0, 0), { DATA_DIR: join(file, 'sub') }), /^parley: DATA_DIR \(.*not-a-folder\/sub\) is a file/);
  });

  it('refuses a history file that is not a database in one line', async () => {
    const dir = dataDir();
    writeFileSync(join(dir, 'parley.db'), 'this is not SQLite, just some text that is long enough to have a header\n'.repeat(20));
    expectOneLineRefusal(await runToExit(serveArgs(0, 0), { DATA_DIR: dir }), /^parley: Cannot open the history store .*parley\.db: file is not a database/);
    const other = dataDir();
    mkdirSync(join(other, 'parley.db'));
    expectOneLineRefusal(await runToExit(serveArgs(0, 0), { DATA_DIR: other }), /^parley: Cannot open the history store .*parley\.db: unable to open/);
  });

  it('refuses a PostgreSQL or Redis that cannot be reached at start in one line, never printing a password', async () => {
    const { port, release } = await busyPort();
    release(); // a port nothing listens on
    const pg = await runToExit(serveArgs(0, 0), { DATA_DIR: dataDir(), DATABASE_URL: `postgres://parley:hunter2@127.0.0.1:${port}/parley` });
    expectOneLineRefusal(pg, new RegExp(`^parley: Cannot use the PostgreSQL database at postgres://parley:\\*\\*\\*@127\\.0\\.0\\.1:${port}/parley \\(DATABASE_URL\\): .*ECONNREFUSED`));
    const redis = await runToExit(serveArgs(0, 0), { DATA_DIR: dataDir(), REDIS_URL: `redis://:hunter2@127.0.0.1:${port}` });
    expectOneLineRefusal(redis, new RegExp(`^parley: Cannot reach Redis at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${port}.*ECONNREFUSED.*\\(REDIS_URL\\)$`));
    expect(pg.stderr + pg.stdout + redis.stderr + redis.stdout).not.toContain('hunter2');
  });

  it('refuses an invalid DEFAULT_ROOM before starting', async () => {
    const result = await runToExit(serveArgs(0, 0), { DATA_DIR: dataDir(), DEFAULT_ROOM: 'two words' });
    expectOneLineRefusal(result, /^parley: Invalid DEFAULT_ROOM \("two words"\): A room name has/);
  });

  it('on an uncaught exception logs it, shuts down gracefully (clients told, acked messages kept) and exits 1', async () => {
    const dir = dataDir();
    const server = await startServerProcess({ DATA_DIR: dir }, CRASH_ON_SIGUSR2);
    const json = await LineClient.open(server.tcpPort);
    json.json({ type: 'hello', name: 'jay', id: 'h' });
    await json.waitForJson((m) => m.type === 'welcome');
    for (let i = 1; i <= 30; i++) json.json({ type: 'say', room: 'general', text: `c${i}`, id: i });
    await json.waitForJson((m) => m.type === 'ack' && m.re === 30);
    server.child.kill('SIGUSR2');
    await json.waitForJson((m) => m.type === 'bye');
    expect(await server.exited).toBe(1);
    expect(server.output()).toMatch(/"level":60.*injected crash.*"msg":"uncaught exception: shutting down"/);
    expect(server.output()).toContain('Parley stopped');

    const again = await startServerProcess({ DATA_DIR: dir });
    const back = await LineClient.open(again.tcpPort);
    back.json({ type: 'history', room: 'general', limit: 100, id: 'h' });
    const history = await back.waitForJson<{ messages: Array<{ text: string }> }>((m) => m.type === 'history');
    expect(history.messages.map((m) => m.text)).toEqual(Array.from({ length: 30 }, (_, i) => `c${i + 1}`));
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);
  }, 60_000);

  it('on an unhandled rejection logs it and exits 1 after telling clients', async () => {
    const server = await startServerProcess({ DATA_DIR: dataDir(), PARLEY_TEST_CRASH: 'rejection' }, CRASH_ON_SIGUSR2);
    const text = await LineClient.named(server.tcpPort, 'tex');
    server.child.kill('SIGUSR2');
    await text.waitFor('Server is shutting down. Bye!');
    expect(await server.exited).toBe(1);
    expect(server.output()).toMatch(/injected rejection.*"msg":"unhandled rejection: shutting down"/);
  }, 30_000);

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
