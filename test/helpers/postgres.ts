import { freePort } from './wait.js';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/**
 * A PostgreSQL server for tests: the one named by PARLEY_TEST_DATABASE_URL, or a throwaway
 * server started from Debian's binaries (/usr/lib/postgresql/<version>/bin) in a temporary
 * directory, listening on 127.0.0.1 on a free port and on a unix socket inside that directory
 * only, with fsync off. Nothing else on the machine is touched: we stop only the server whose
 * data directory we created, through its own pg_ctl.
 */

export const INSTALL_HINT = 'apt-get install postgresql (or set PARLEY_TEST_DATABASE_URL)';

export type PostgresPlan =
  | { readonly kind: 'url'; readonly url: string }
  | { readonly kind: 'local'; readonly binDir: string }
  | { readonly kind: 'none'; readonly reason: string };

/** Decided without starting anything, so a test file can skip at collection time. */
export function postgresPlan(): PostgresPlan {
  const url = process.env.PARLEY_TEST_DATABASE_URL;
  if (url) return { kind: 'url', url };
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : [];
  for (const version of versions) {
    const binDir = join(root, version, 'bin');
    if (existsSync(join(binDir, 'initdb')) && existsSync(join(binDir, 'pg_ctl'))) return { kind: 'local', binDir };
  }
  return { kind: 'none', reason: `PostgreSQL tests skipped: no initdb/pg_ctl under ${root}/*/bin; ${INSTALL_HINT}` };
}

/** The plan for this process, with the skip message printed once when there is no server. */
export const POSTGRES = postgresPlan();
if (POSTGRES.kind === 'none') console.warn(POSTGRES.reason);

export interface TestPostgres {
  /** URL of the server's database, for an admin connection. */
  readonly url: string;
  /** A URL for a fresh, empty schema of its own (a store opened on it sees only that schema). */
  freshDatabaseUrl(): Promise<string>;
  /** Stops the server (fast shutdown: open connections are cut); local servers only. */
  stop(): Promise<void>;
  /** Starts a stopped server again on the same port and data. */
  start(): Promise<void>;
  /** Drops the schemas made for tests, stops the server we started, removes its files. */
  dispose(): Promise<void>;
}

export interface TestPostgresOptions {
  /** Keep fsync on (a local server only), for measurements comparable with a durable SQLite. */
  readonly fsync?: boolean;
}

/** Starts (or connects to) the test server; call from beforeAll when POSTGRES.kind !== 'none'. */
export async function startTestPostgres(options: TestPostgresOptions = {}, plan: PostgresPlan = POSTGRES): Promise<TestPostgres> {
  if (plan.kind === 'none') throw new Error(plan.reason);
  if (plan.kind === 'url') return withSchemas(plan.url, null);
  return withSchemas(...(await startLocal(plan.binDir, options.fsync ?? false)));
}

interface LocalServer {
  stop(): Promise<void>;
  start(): Promise<void>;
  dispose(): Promise<void>;
}

function withSchemas(url: string, local: LocalServer | null): TestPostgres {
  const schemas: string[] = [];
  const admin = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  return {
    url,
    async freshDatabaseUrl() {
      const schema = `parley_test_${randomBytes(6).toString('hex')}`;
      await admin((client) => client.query(`CREATE SCHEMA ${schema}`));
      schemas.push(schema);
      const scoped = new URL(url);
      scoped.searchParams.set('options', `-c search_path=${schema}`);
      return scoped.toString();
    },
    stop: async () => {
      if (!local) throw new Error('cannot stop a server given by PARLEY_TEST_DATABASE_URL');
      await local.stop();
    },
    start: async () => {
      if (!local) throw new Error('cannot start a server given by PARLEY_TEST_DATABASE_URL');
      await local.start();
    },
    async dispose() {
      if (local) {
        await local.dispose();
        return;
      }
      if (schemas.length > 0) await admin((client) => client.query(`DROP SCHEMA ${schemas.join(', ')} CASCADE`));
    },
  };
}

const asRoot = process.getuid?.() === 0;

/** Runs a PostgreSQL binary, as the `postgres` OS user when we are root (initdb refuses root). */
function run(binDir: string, tool: string, args: string[]): string {
  const [command, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', join(binDir, tool), ...args]] : [join(binDir, tool), args];
  try {
    return execFileSync(command, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
  } catch (error) {
    const failed = error as { stderr?: string; message: string };
    throw new Error(`${tool} ${args.join(' ')} failed: ${failed.stderr?.trim() || failed.message}`);
  }
}


async function startLocal(binDir: string, fsync: boolean): Promise<[string, LocalServer]> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-pg-'));
  const data = join(dir, 'data');
  const sockets = join(dir, 'sockets');
  mkdirSync(sockets);
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
    chownSync(sockets, uid, gid);
  }
  run(binDir, 'initdb', ['-D', data, '-U', 'parley', '--auth=trust', '-E', 'UTF8', '--no-locale', '--no-sync']);
  let port = 0;
  const start = async (): Promise<void> => {
    const durability = fsync ? '' : ' -c fsync=off -c full_page_writes=off';
    const options = `-p ${port} -k ${sockets} -c listen_addresses=127.0.0.1${durability}`;
    run(binDir, 'pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '30', '-o', options, 'start']);
  };
  // The port is free when probed; another process may take it before the server binds, so try a few.
  let lastError: unknown = null;
  for (let attempt = 0; attempt < 3 && port === 0; attempt++) {
    port = await freePort();
    try {
      await start();
    } catch (error) {
      lastError = error;
      port = 0;
    }
  }
  if (port === 0) {
    const log = existsSync(join(dir, 'server.log')) ? readFileSync(join(dir, 'server.log'), 'utf8') : '';
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`could not start a test PostgreSQL: ${String(lastError)}\n${log}`);
  }
  const stop = async (mode: 'fast' | 'immediate' = 'fast'): Promise<void> => {
    run(binDir, 'pg_ctl', ['-D', data, '-m', mode, '-w', '-t', '30', 'stop']);
  };
  const running = (): boolean => existsSync(join(data, 'postmaster.pid'));
  return [
    `postgresql://parley@127.0.0.1:${port}/postgres`,
    {
      stop: () => stop('fast'),
      start,
      async dispose() {
        if (running()) await stop('immediate');
        rmSync(dir, { recursive: true, force: true });
      },
    },
  ];
}
