/**
 * A throwaway PostgreSQL for a benchmark: Debian's binaries (/usr/lib/postgresql/<version>/bin),
 * a fresh cluster in a temporary folder, listening on 127.0.0.1 on a free port (and a unix
 * socket inside that folder only), started in the foreground through spawnPinned so that its pid
 * is the postmaster's, it sits on the CPU the harness chooses, and it is stopped by that pid
 * (SIGINT: fast shutdown). Run as the `postgres` OS user when we are root (initdb refuses root).
 *
 * Written so that test/helpers/postgres.ts could start its local server through this module
 * later (the same binaries, flags and folder layout); the test helper also offers stop/start
 * for outage tests, which a benchmark does not need.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort, HOST, sleep, waitForPort } from '../ports.js';
import { spawnPinned, type Managed } from '../proc.js';
import { sampleProcessTree } from '../procstat.js';

export const POSTGRES_INSTALL_HINT = 'apt-get install postgresql';

/** The newest bin folder with initdb and postgres, or null. */
export function findPostgresBin(root = '/usr/lib/postgresql'): string | null {
  const versions = existsSync(root) ? readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : [];
  for (const version of versions) {
    const binDir = join(root, version, 'bin');
    if (existsSync(join(binDir, 'initdb')) && existsSync(join(binDir, 'postgres'))) return binDir;
  }
  return null;
}

export interface BenchPostgresOptions {
  readonly cpu: number | null;
  /** fsync and full-page writes on (as in production; compare with SQLite's DURABILITY=full). */
  readonly fsync: boolean;
  readonly readyTimeoutMs?: number;
}

export interface BenchPostgres {
  readonly url: string;
  /** The postmaster's pid. */
  readonly pid: number;
  /** CPU seconds of the postmaster and every process it forked (backends, writers). */
  cpuSeconds(): number | null;
  tail(): string;
  /** Fast shutdown by pid, then the folder is removed. */
  dispose(): Promise<void>;
}

interface OsUser {
  readonly uid: number;
  readonly gid: number;
}

function postgresUser(): OsUser | null {
  if (process.getuid?.() !== 0) return null;
  const id = (flag: string): number => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

export async function startBenchPostgres(options: BenchPostgresOptions): Promise<BenchPostgres> {
  const binDir = findPostgresBin();
  if (binDir === null) throw new Error(`PostgreSQL is not installed (${POSTGRES_INSTALL_HINT})`);
  const user = postgresUser();
  const dir = mkdtempSync(join(tmpdir(), 'parley-bench-pg-'));
  const data = join(dir, 'data');
  const sockets = join(dir, 'sockets');
  mkdirSync(sockets);
  if (user) for (const path of [dir, sockets]) chownSync(path, user.uid, user.gid);
  let server: Managed | null = null;
  try {
    execFileSync(join(binDir, 'initdb'), ['-D', data, '-U', 'parley', '--auth=trust', '-E', 'UTF8', '--no-locale', '--no-sync'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
      ...(user ?? {}),
    });
    const port = await freePort();
    const durability = options.fsync ? [] : ['-c', 'fsync=off', '-c', 'full_page_writes=off'];
    server = spawnPinned('postgres', join(binDir, 'postgres'), ['-D', data, '-p', String(port), '-k', sockets, '-c', `listen_addresses=${HOST}`, ...durability], {
      cpu: options.cpu,
      logFile: join(dir, 'server.log'),
      stopSignal: 'SIGINT',
      ...(user ?? {}),
    });
    const url = `postgresql://parley@${HOST}:${port}/postgres`;
    await waitUntilReady(url, port, server, options.readyTimeoutMs ?? 30_000);
    const running = server;
    return {
      url,
      pid: running.pid,
      cpuSeconds: () => sampleProcessTree(running.pid),
      tail: () => running.tail(),
      async dispose() {
        await running.stop(10_000);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await server?.stop(10_000);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** The port accepts, then a query succeeds (a starting server accepts before it answers). */
async function waitUntilReady(url: string, port: number, server: Managed, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  if (!(await waitForPort(port, timeoutMs, server.alive))) throw new Error(`PostgreSQL did not listen on ${port}: ${server.tail().slice(-500)}`);
  let last = '';
  while (Date.now() < deadline && server.alive()) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch (error) {
      // Expected while it starts ("the database system is starting up"); anything else shows below.
      last = (error as Error).message;
    } finally {
      await client.end().catch((error: Error) => (last = error.message));
    }
    await sleep(100);
  }
  throw new Error(`PostgreSQL did not answer within ${timeoutMs} ms: ${last} ${server.tail().slice(-500)}`);
}
