import { join, resolve } from 'node:path';
import type { Config } from './config.js';
import { DataDirError } from './data-dir.js';
import { ClusterOpenError } from './cluster/open.js';
import { ListenError, listenFailure } from './gateways/listen.js';
import { TlsFilesError } from './gateways/tls/credentials.js';
import { SecretError } from './identity/secret.js';
import { StoreOpenError } from './store/open.js';

/**
 * The one line to print for an error that stopped `parley serve` from starting, or null when
 * the error is not one of the expected refusals (a bug: the caller reports it as such).
 */
export function explainStartupError(error: unknown, config: Config): string | null {
  if (error instanceof ListenError || error instanceof DataDirError || error instanceof ClusterOpenError || error instanceof TlsFilesError || error instanceof SecretError) {
    return error.message;
  }
  if (error instanceof StoreOpenError) {
    // SQLite's own refusal says more than the wrapper (which file, which code).
    return explainStartupError(error.cause, config) ?? error.message;
  }
  if (!(error instanceof Error)) return null;
  const errno = error as NodeJS.ErrnoException & { port?: unknown };
  // Fastify binds the HTTP port itself, so its failure arrives as the raw system error.
  if (errno.syscall === 'listen') {
    const port = typeof errno.port === 'number' ? errno.port : config.port;
    const setting = port === config.tcpPort && port !== config.port ? 'TCP_PORT' : 'PORT';
    return listenFailure(errno, port, config.host, setting).message;
  }
  // better-sqlite3 errors carry SQLITE_* codes: not a database, cannot open, read-only, corrupt.
  if (typeof errno.code === 'string' && errno.code.startsWith('SQLITE_')) {
    return `Cannot open the history store ${resolve(join(config.dataDir, 'parley.db'))}: ${error.message} (${errno.code}). Move the file away or point DATA_DIR at another folder.`;
  }
  return null;
}
