import { createReadStream, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pino } from 'pino';
import type { Config } from '../config.js';
import { checkRoom } from '../core/names.js';
import { hasMaintenance, ImportConflictError, type HistoryMaintenance, type Store } from '../core/ports/store.js';
import { openStore } from '../store/open.js';
import { backupSqlite, postgresBackupAdvice } from './backup.js';
import { exportHistory } from './export.js';
import { importHistory, type ImportCounts } from './import.js';
import { ExportFormatError } from './ndjson.js';
import type { DataIo } from './refusals.js';

/**
 * `parley backup|export|import` on the server's machine (same DATA_DIR or DATABASE_URL as the
 * server). Each opens what it needs, does one thing and closes it. Expected refusals are thrown
 * as DataCommandError (or BackupError, ImportConflictError, ExportFormatError), which the CLI
 * prints as one line.
 */

export class DataCommandError extends Error {}


/** How a command opens its store; the default is the server's (tests may hand in another). */
export type OpenDataStore = (config: Config) => Promise<Store>;
const openServerStore: OpenDataStore = (config) => openStore(config, pino({ level: 'silent' }));

async function withMaintenance<T>(config: Config, open: OpenDataStore, work: (store: Store & HistoryMaintenance) => Promise<T>): Promise<T> {
  const store = await open(config);
  try {
    if (!hasMaintenance(store)) throw new DataCommandError('this store cannot export or import history.');
    return await work(store);
  } finally {
    await store.flush();
    await store.close();
  }
}

/** A consistent copy of the SQLite database while the server runs; for PostgreSQL, what to run with pg_dump (exit 0). */
export async function backupCommand(config: Config, file: string, force: boolean, io: DataIo): Promise<void> {
  if (config.databaseUrl !== '') {
    io.stdout.write(`${postgresBackupAdvice(config.databaseUrl, file)}\n`);
    return;
  }
  const done = await backupSqlite(join(config.dataDir, 'parley.db'), file, force);
  io.err(`Backed up ${done.messages} messages in ${done.rooms} rooms to ${done.path} (${done.bytes} bytes).`);
}

export interface ExportFlags {
  readonly room?: string;
  readonly since?: string;
}

/** The history (or one room's, or since a date) as export lines on stdout. */
export async function exportCommand(config: Config, flags: ExportFlags, io: DataIo, open: OpenDataStore = openServerStore): Promise<void> {
  const room = flags.room === undefined ? undefined : parseRoom(flags.room);
  const sinceTs = flags.since === undefined ? undefined : parseSince(flags.since);
  const file = join(config.dataDir, 'parley.db');
  // Opening the store would create an empty database: a wrong DATA_DIR must not look like an empty history.
  if (open === openServerStore && config.databaseUrl === '' && !existsSync(file)) throw new DataCommandError(`there is no database at ${resolve(file)}: check DATA_DIR (or --data-dir).`);
  await withMaintenance(config, open, async (store) => {
    const counts = await exportHistory(store, io.stdout, { room, sinceTs });
    if (room !== undefined && counts.rooms === 0) io.err(`There is no room "${room}" in this store.`);
    io.err(`Exported ${counts.messages} messages in ${counts.rooms} rooms.`);
  });
}

/** Export lines from FILE (or stdin for "-" or none) into the store. Run it while no server uses the store. */
export async function importCommand(config: Config, file: string | undefined, io: DataIo, open: OpenDataStore = openServerStore): Promise<void> {
  const fromStdin = file === undefined || file === '-';
  if (!fromStdin && !existsSync(file)) throw new DataCommandError(`there is no file ${resolve(file)}.`);
  const input = fromStdin ? io.stdin : createReadStream(file);
  await withMaintenance(config, open, async (store) => {
    let counts: ImportCounts;
    try {
      counts = await importHistory(store, input);
    } catch (error) {
      if (error instanceof ImportConflictError || error instanceof ExportFormatError) {
        throw new DataCommandError(`import stopped: ${error.message}. Batches before it are stored; the same import run again skips them.`);
      }
      throw error;
    }
    const again = counts.skipped > 0 ? ` (${counts.skipped} were already there)` : '';
    io.err(`Imported ${counts.stored} messages in ${counts.rooms} rooms${again}.`);
  });
}

function parseRoom(raw: string): string {
  const checked = checkRoom(raw);
  if ('error' in checked) throw new DataCommandError(`--room ${JSON.stringify(raw)}: ${checked.error.text}`);
  return checked.room;
}

/** A date (2026-11-01, read as UTC midnight) or a date and time with its zone (2026-11-01T09:00:00+01:00). */
export function parseSince(raw: string): number {
  const ts = /^\d{4}-\d{2}-\d{2}([T ].+)?$/.test(raw.trim()) ? Date.parse(raw.trim()) : Number.NaN;
  if (Number.isNaN(ts)) throw new DataCommandError(`--since ${JSON.stringify(raw)}: give a date such as 2026-11-01 or 2026-11-01T09:00:00Z.`);
  return ts;
}
