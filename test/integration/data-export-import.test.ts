import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../src/core/types.js';
import { exportHistory } from '../../src/data/export.js';
import { importHistory } from '../../src/data/import.js';
import { parseLine } from '../../src/data/ndjson.js';
import { MemoryStore } from '../../src/store/memory.js';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import { runCli, startServerProcess } from '../helpers/process.js';
import { LineClient } from '../helpers/tcp-client.js';

const root = mkdtempSync(join(tmpdir(), 'parley-export-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function runToExit(args: string[], stdin = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = runCli(args, {});
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdin.end(stdin);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stdout, stderr };
}

/** Every room and every message of the SQLite store in `dataDir`, read straight from the file. */
async function snapshot(dataDir: string): Promise<{ rooms: unknown[]; messages: Record<string, ChatMessage[]> }> {
  const store = SqliteStore.open(join(dataDir, 'parley.db'));
  try {
    const rooms = (await store.loadRooms()).sort((a, b) => a.name.localeCompare(b.name));
    const messages: Record<string, ChatMessage[]> = {};
    for (const room of rooms) messages[room.name] = await store.history(room.name, { after: 0, limit: 500 });
    return { rooms, messages };
  } finally {
    await store.close();
  }
}

async function say(client: LineClient, request: Record<string, unknown>): Promise<void> {
  client.json(request);
  const answer = await client.waitForJson((m) => m.re === request.id);
  expect(answer.type).not.toBe('error');
}

describe('parley export and import', () => {
  const source = join(root, 'source');
  const target = join(root, 'target');
  const file = join(root, 'history.ndjson');

  it('export, then import into an empty server, reproduces the history: same rooms, numbers, order, text, topics', async () => {
    const server = await startServerProcess({ DATA_DIR: source, CONSOLE: 'false' });
    try {
      const ann = await LineClient.open(server.tcpPort);
      ann.json({ type: 'hello', name: 'ann', id: 'hello' });
      await ann.waitForJson((m) => m.type === 'welcome');
      await say(ann, { type: 'join', room: 'dev', id: 'j' });
      await say(ann, { type: 'command', line: '/topic Ship it "today"', id: 't' });
      for (let i = 1; i <= 30; i++) await say(ann, { type: 'say', room: i % 3 === 0 ? 'dev' : 'general', text: `line ${i} «ünïcode» 💬`, id: `s${i}` });
      await say(ann, { type: 'say', room: 'dev', text: 'two\nlines', id: 'ml' });
      await say(ann, { type: 'action', room: 'general', text: 'waves', id: 'a1' });
      // Exported while the server runs.
      const exported = await runToExit(['export', '--data-dir', source]);
      expect(exported.code).toBe(0);
      expect(exported.stderr).toMatch(/^Exported 33 messages in 2 rooms\.$/m);
      writeFileSync(file, exported.stdout);
      ann.close();
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines.map((l, i) => parseLine(l, i + 1)?.type)).toEqual(['header', 'room', ...Array(12).fill('message'), 'room', ...Array(21).fill('message')]);

    mkdirSync(target);
    const imported = await runToExit(['import', file, '--data-dir', target]);
    expect(imported.stderr.trim()).toBe('Imported 33 messages in 2 rooms.');
    expect(imported.code).toBe(0);
    expect(await snapshot(target)).toEqual(await snapshot(source));

    // The imported server serves it: topic on join, the history, and the next number.
    const again = await startServerProcess({ DATA_DIR: target, CONSOLE: 'false' });
    try {
      const bob = await LineClient.open(again.tcpPort);
      bob.json({ type: 'hello', name: 'bob', room: 'dev', id: 'hello' });
      const welcome = await bob.waitForJson<{ topic: string; history: ChatMessage[] }>((m) => m.type === 'welcome');
      expect(welcome.topic).toBe('Ship it "today"');
      expect(welcome.history.at(-1)?.text).toBe('two\nlines');
      bob.json({ type: 'say', room: 'dev', text: 'after the move', id: 'n' });
      const ack = await bob.waitForJson<{ message: ChatMessage }>((m) => m.type === 'ack');
      expect(ack.message.seq).toBe(welcome.history.at(-1)!.seq + 1);
      bob.close();
    } finally {
      again.child.kill('SIGTERM');
      await again.exited;
    }
  }, 60_000);

  it('an import run again stores nothing twice; one that clashes with other history stops with one line', async () => {
    const rerun = await runToExit(['import', '-', '--data-dir', source], readFileSync(file, 'utf8'));
    expect(rerun.stderr.trim()).toBe('Imported 0 messages in 2 rooms (33 were already there).');
    expect(rerun.code).toBe(0);
    // `target` has a message "after the move" the file does not know: the same numbers, other messages.
    const other = join(root, 'other');
    mkdirSync(other);
    const store = SqliteStore.open(join(other, 'parley.db'));
    await store.append({ id: 'native', room: 'dev', kind: 'chat', author: 'cy', text: 'mine', ts: 1 });
    await store.close();
    const clash = await runToExit(['import', file, '--data-dir', other]);
    expect(clash.code).toBe(2);
    expect(clash.stderr.trim().split('\n')).toHaveLength(1);
    expect(clash.stderr).toMatch(/^parley: import stopped: room "dev", message 1: another message \(native\) already has this number/);
  }, 30_000);

  it('exports one room, or from a date on; refuses a date it cannot read', async () => {
    const dev = await runToExit(['export', '--room', '#DEV', '--data-dir', source]);
    expect(dev.code).toBe(0);
    const devLines = dev.stdout.trim().split('\n').map((l, i) => parseLine(l, i + 1));
    expect(devLines.filter((l) => l?.type === 'room').map((l) => l?.type === 'room' && l.room.name)).toEqual(['dev']);
    expect(devLines.filter((l) => l?.type === 'message')).toHaveLength(12);
    const future = await runToExit(['export', '--since', '2999-01-01', '--data-dir', source]);
    expect(future.stdout.trim().split('\n').map((l, i) => parseLine(l, i + 1)?.type)).toEqual(['header', 'room', 'room']);
    const bad = await runToExit(['export', '--since', 'last week', '--data-dir', source]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^parley: --since "last week": give a date/);
    const nowhere = await runToExit(['export', '--data-dir', join(root, 'nowhere')]);
    expect(nowhere.code).toBe(2);
    expect(nowhere.stderr).toMatch(/^parley: there is no database at .*nowhere/);
  }, 30_000);

  it('pages both ways: small pages and batches carry the whole history through, in order', async () => {
    const from = new MemoryStore();
    for (let i = 1; i <= 25; i++) await from.append({ id: `p${i}`, room: i % 2 ? 'odd' : 'even', kind: 'chat', author: 'ann', text: `t${i}`, ts: i, ...(i === 4 ? { account: 'acct-4' } : {}) });
    await from.append({ id: 'topic', room: 'odd', kind: 'topic', author: 'ann', text: 'Odd one', ts: 26 });
    await from.deleteOldMessages('odd', 3, 10); // the room keeps its last number beyond what is exported
    const pipe = new PassThrough({ highWaterMark: 64 });
    const to = new MemoryStore();
    const [exported, imported] = await Promise.all([exportHistory(from, pipe, { pageSize: 3 }).finally(() => pipe.end()), importHistory(to, pipe, { batchSize: 2 })]);
    expect(exported).toEqual({ rooms: 2, messages: 25 });
    expect(imported).toEqual({ rooms: 2, stored: 25, skipped: 0 });
    const byName = (rooms: Array<{ name: string }>) => rooms.sort((a, b) => a.name.localeCompare(b.name));
    expect(byName(await to.loadRooms())).toEqual(byName(await from.loadRooms()));
    for (const room of ['odd', 'even']) expect(await to.history(room, { limit: 500 })).toEqual(await from.history(room, { limit: 500 }));
    expect((await to.append({ id: 'next', room: 'odd', kind: 'chat', author: 'ann', text: 'x', ts: 30 })).message.seq).toBe(15);
  });

  it('stops at a malformed line and names it', async () => {
    const to = new MemoryStore();
    const input = new PassThrough();
    input.end('{"type":"parley-export","version":1,"exportedAt":"x"}\n{"type":"message","id":"a","room":"Not A Room","seq":1,"kind":"chat","author":"a","text":"t","ts":1}\n');
    await expect(importHistory(to, input)).rejects.toThrow(/^line 2: room: not a room name/);
    const unknownVersion = new PassThrough();
    unknownVersion.end('{"type":"parley-export","version":2,"exportedAt":"x"}\n');
    await expect(importHistory(to, unknownVersion)).rejects.toThrow(/^line 1: version/);
  });
});
