import type { Readable, Writable } from 'node:stream';
import { ImportConflictError } from '../core/ports/store.js';
import { BackupError } from './backup.js';
import { DataCommandError } from './commands.js';
import { ExportFormatError } from './ndjson.js';

export interface DataIo {
  readonly stdout: Writable;
  readonly stdin: Readable;
  readonly err: (line: string) => void;
}

/** The expected refusals of `parley backup|export|import`: printed as one line, exit 2. */
export function isDataRefusal(error: unknown): error is Error {
  return error instanceof DataCommandError || error instanceof BackupError || error instanceof ImportConflictError || error instanceof ExportFormatError;
}
