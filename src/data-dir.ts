import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

/** DATA_DIR cannot hold the history; the message is one line a person can act on. */
export class DataDirError extends Error {}

/**
 * Makes sure DATA_DIR is a folder the server may write, creating it if absent, so a wrong
 * setting is one clear line at start-up instead of a stack from deep inside the store.
 * Only the expected file-system refusals become DataDirError; anything else is rethrown.
 */
export function prepareDataDir(dir: string): void {
  const shown = `DATA_DIR (${resolve(dir)})`;
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTDIR') throw new DataDirError(`${shown} is a file, or lies under one; point DATA_DIR at a folder.`);
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') throw new DataDirError(`${shown} cannot be created: ${code}. Choose a folder the server may write.`);
    throw error;
  }
  // mkdir with recursive succeeds when the path already exists, even as a file on some systems.
  if (!statSync(dir).isDirectory()) throw new DataDirError(`${shown} is a file, not a folder; point DATA_DIR at a folder.`);
  try {
    accessSync(dir, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') throw new DataDirError(`${shown} is not writable by this user. Choose another folder or fix its permissions.`);
    throw error;
  }
}
