import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import { runCli, startServerProcess, type ServerProcess } from '../helpers/process.js';
import { LineClient } from '../helpers/tcp-client.js';

const root = mkdtempSync(join(tmpdir(), 'parley-backup-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function runToExit(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = runCli(args, env);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdin.end();
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stdout, stderr };
}

/** Sends messages one after another (a few in flight) and records each ack, until stopped or `max` sent. */
function keepSaying(client: LineClient, room: string, max: number): { acked: Set<string>; stop: () => Promise<void> } {
  const acked = new Set<string>();
  let stopped = false;
  let sent = 0;
  const inFlight = new Map<string, () => void>();
  client.socket.on('data', () => {
    for (const line of client.lines.splice(0)) {
      const value = JSON.parse(line) as { type: string; re?: string; message?: { id: string } };
      if (value.type === 'ack' && value.re !== undefined && value.message) {
        acked.add(value.message.id);
        inFlight.get(value.re)?.();
        inFlight.delete(value.re);
      }
    }
  });
  const one = (): Promise<void> | null => {
    if (stopped || sent >= max) return null;
    const id = `b${++sent}`;
    const done = new Promise<void>((resolve) => inFlight.set(id, resolve));
    client.json({ type: 'say', room, text: `message ${sent}`, id });
    return done;
  };
  const lanes = Array.from({ length: 4 }, async () => {
    for (let next = one(); next !== null; next = one()) await next;
  });
  return {
    acked,
    stop: async () => {
      stopped = true;
      await Promise.all(lanes);
    },
  };
}

describe('parley backup', () => {
  it('copies a running server: the copy opens and holds every message acked before the backup began', async () => {
    const dataDir = join(root, 'live');
    const server: ServerProcess = await startServerProcess({ DATA_DIR: dataDir, CONSOLE: 'false' });
    try {
      const client = await LineClient.open(server.tcpPort);
      client.json({ type: 'hello', name: 'writer', id: 'hello' });
      await client.waitForJson((m) => m.type === 'welcome');
      client.lines.splice(0);
      const writer = keepSaying(client, 'general', 20_000);
      // Let some history build up, then back up while messages keep flowing.
      const deadline = Date.now() + 10_000;
      while (writer.acked.size < 300 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      const ackedBefore = new Set(writer.acked);
      const target = join(root, 'live-copy.db');
      const backup = await runToExit(['backup', target, '--data-dir', dataDir]);
      expect(backup.stderr).toMatch(/^Backed up \d+ messages in \d+ rooms to /);
      expect(backup.code).toBe(0);
      // The server carries on: more acknowledgements after the copy was taken.
      const ackedByTheEnd = writer.acked.size;
      const more = Date.now() + 10_000;
      while (writer.acked.size < ackedByTheEnd + 50 && Date.now() < more) await new Promise((r) => setTimeout(r, 20));
      await writer.stop();
      client.close();
      expect(ackedBefore.size).toBeGreaterThanOrEqual(300);
      expect(writer.acked.size).toBeGreaterThanOrEqual(ackedByTheEnd + 50);

      // A single file that needs nothing beside it.
      expect(readdirSync(root).filter((f) => f.startsWith('live-copy.db'))).toEqual(['live-copy.db']);
      const copy = new Database(target, { readonly: true, fileMustExist: true });
      const rows = copy.prepare("SELECT id, seq FROM messages WHERE room = 'general' ORDER BY seq").all() as Array<{ id: string; seq: number }>;
      copy.close();
      const ids = new Set(rows.map((r) => r.id));
      // A consistent snapshot: numbers 1..n without a gap.
      expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
      const ackedIds = [...ackedBefore];
      expect(ackedIds.filter((id) => !ids.has(id))).toEqual([]);

      // Restored as a data folder, the copy is a working store.
      const restored = join(root, 'restored');
      mkdirSync(restored);
      copyFileSync(target, join(restored, 'parley.db'));
      const store = SqliteStore.open(join(restored, 'parley.db'));
      const last = rows.length;
      expect((await store.history('general', { limit: 1 }))[0]?.seq).toBe(last);
      expect((await store.append({ id: 'after-restore', room: 'general', kind: 'chat', author: 'ann', text: 'hi', ts: Date.now() })).message.seq).toBe(last + 1);
      await store.close();
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  }, 60_000);

  it('refuses to overwrite a file unless --force, and leaves no partial file behind', async () => {
    const dataDir = join(root, 'small');
    const store = SqliteStore.open(join((mkdirSync(dataDir), dataDir), 'parley.db'));
    await store.append({ id: 'one', room: 'general', kind: 'chat', author: 'ann', text: 'one', ts: 1 });
    await store.close();
    const target = join(root, 'small-copy.db');
    expect((await runToExit(['backup', target, '--data-dir', dataDir])).code).toBe(0);
    const again = await runToExit(['backup', target, '--data-dir', dataDir]);
    expect(again.code).toBe(2);
    expect(again.stderr.trim()).toMatch(/^parley: .*small-copy\.db exists; give another file, or --force to replace it\.$/);
    const forced = await runToExit(['backup', target, '--force', '--data-dir', dataDir]);
    expect(forced.code).toBe(0);
    expect(readdirSync(root).filter((f) => f.includes('partial'))).toEqual([]);
    const missing = await runToExit(['backup', join(root, 'x.db'), '--data-dir', join(root, 'nothing-here')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/there is no database at/);
    expect(existsSync(join(root, 'x.db'))).toBe(false);
  }, 30_000);

  it('with DATABASE_URL prints the pg_dump command, the password hidden, and exits 0', async () => {
    const result = await runToExit(['backup', join(root, 'pg.dump')], { DATABASE_URL: 'postgres://parley:s3cret@db.example:5432/parley' });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("pg_dump --format=custom --file=");
    expect(result.stdout).toContain("'postgres://parley:***@db.example:5432/parley'");
    expect(result.stdout + result.stderr).not.toContain('s3cret');
  });
});
