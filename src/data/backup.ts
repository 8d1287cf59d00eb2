import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { redactUrl } from '../lib/redact-url.js';

/** The backup cannot be made; `message` is one line a person can act on. */
export class BackupError extends Error {}

export interface BackupResult {
  readonly path: string;
  readonly bytes: number;
  readonly messages: number;
  readonly rooms: number;
}

// Every remaining page in one step: the copy is read in one read transaction (a consistent
// snapshot), and a step cannot be restarted by the server's writes between steps.
const ALL_PAGES = 0x7fffffff;

/**
 * Copies the SQLite database at `source` to `target` with SQLite's online backup API, from a
 * read-only connection of its own: in WAL mode the running server keeps committing while the
 * copy reads its snapshot, and the copy holds every transaction committed before it started.
 * The copy is written beside `target` and renamed into place when complete and checked, so a
 * failed or interrupted backup never leaves a half-written file under the name asked for.
 * Refuses an existing `target` unless `force`.
 */
export async function backupSqlite(source: string, target: string, force: boolean): Promise<BackupResult> {
  const to = resolve(target);
  if (!existsSync(source)) throw new BackupError(`there is no database at ${resolve(source)}: check DATA_DIR (or --data-dir).`);
  if (existsSync(to) && !force) throw new BackupError(`${to} exists; give another file, or --force to replace it.`);
  if (!existsSync(dirname(to))) throw new BackupError(`the folder ${dirname(to)} does not exist.`);
  const partial = join(dirname(to), `.${basename(to)}.partial-${process.pid}`);
  rmSync(partial, { force: true });
  const db = new Database(source, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    await db.backup(partial, { progress: () => ALL_PAGES });
  } finally {
    db.close();
  }
  let counts: { messages: number; rooms: number };
  try {
    counts = checkCopy(partial);
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  }
  renameSync(partial, to);
  return { path: to, bytes: statSync(to).size, ...counts };
}

/** Opens the copy on its own and checks it, as a restore would; returns what it holds. */
function checkCopy(path: string): { messages: number; rooms: number } {
  const copy = new Database(path, { fileMustExist: true });
  try {
    const check = copy.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new BackupError(`the copy failed SQLite's check (${String(check)}); the database was not replaced.`);
    // A single file that needs no -wal beside it: rolled back to the classic journal.
    copy.pragma('journal_mode = DELETE');
    const messages = (copy.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n;
    const rooms = (copy.prepare('SELECT count(*) AS n FROM rooms').get() as { n: number }).n;
    return { messages, rooms };
  } finally {
    copy.close();
  }
}

/** What to run instead when history is in PostgreSQL: pg_dump, with the URL's password hidden. */
export function postgresBackupAdvice(databaseUrl: string, target: string): string {
  const shown = redactUrl(databaseUrl);
  return [
    'History is in PostgreSQL (DATABASE_URL), which backs itself up consistently while Parley runs:',
    '',
    `  pg_dump --format=custom --file=${shellQuote(target)} ${shellQuote(shown)}`,
    '',
    'Put the real password in place of the hidden one, or leave it out of the URL and use PGPASSWORD or ~/.pgpass.',
    `Restore into an empty database with: pg_restore --dbname=${shellQuote(shown)} ${shellQuote(target)}`,
  ].join('\n');
}

function shellQuote(text: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
