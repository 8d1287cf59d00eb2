import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { AccountStore } from '../core/ports/accounts.js';
import { describeError, PostgresUnavailableError, redactUrl } from './postgres/errors.js';
import { PostgresStore } from './postgres/store.js';
import { SqliteStore } from './sqlite/store.js';
import type { Store } from './store.js';
import type { OnCommit } from './commit-report.js';

/** The store could not be opened at start; `message` is one line fit to print before exiting. */
export class StoreOpenError extends Error {
  constructor(message: string, cause: unknown) {
    super(message, { cause });
    this.name = 'StoreOpenError';
  }
}

export interface OpenStoreOptions {
  /** Bound on reaching PostgreSQL at start and on each new connection later (default 5000 ms). */
  readonly connectTimeoutMs?: number;
  /** Told of each commit batch (metrics). */
  readonly onCommit?: OnCommit;
}

/**
 * The store the configuration asks for: PostgreSQL when DATABASE_URL is set (schema created
 * or migrated before this resolves), else SQLite in DATA_DIR/parley.db. Rejects with a
 * StoreOpenError, within about connectTimeoutMs, when the store cannot be reached or opened.
 * Both keep accounts too (so `parley token` can open the store the server uses).
 */
export async function openStore(config: Config, logger: Logger, options: OpenStoreOptions = {}): Promise<Store & AccountStore> {
  if (config.databaseUrl !== '') {
    const where = redactUrl(config.databaseUrl);
    try {
      const store = await PostgresStore.open({
        connectionString: config.databaseUrl,
        poolSize: config.dbPoolSize,
        commitWindowMs: config.commitWindowMs,
        connectTimeoutMs: options.connectTimeoutMs ?? 5000,
        onCommit: options.onCommit,
        onBackgroundError: (message) => logger.warn({ error: message }, 'PostgreSQL background failure; the pool reconnects on the next request'),
      });
      logger.info({ store: 'postgresql', database: where, poolSize: config.dbPoolSize }, 'history store opened');
      return store;
    } catch (error) {
      const reason = describeError(error instanceof PostgresUnavailableError ? error.cause : error);
      throw new StoreOpenError(`Cannot use the PostgreSQL database at ${where} (DATABASE_URL): ${reason}`, error);
    }
  }
  const path = join(config.dataDir, 'parley.db');
  try {
    mkdirSync(config.dataDir, { recursive: true });
    const store = SqliteStore.open(path, {
      durability: config.durability,
      commitWindowMs: config.commitWindowMs,
      onCommit: options.onCommit,
      onCheckpointError: (message) => logger.warn({ error: message }, 'WAL checkpoint failed; the next one retries'),
    });
    logger.info({ store: 'sqlite', path }, 'history store opened');
    return store;
  } catch (error) {
    throw new StoreOpenError(`Cannot open the history store in ${config.dataDir}: ${describeError(error)}`, error);
  }
}
