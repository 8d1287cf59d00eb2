import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

// Runs in a worker thread, as CommonJS: its own connection checkpoints the WAL into the
// database file, so the thread that commits chat messages never does that work.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 2000');
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    parentPort.postMessage({ error: String(error) });
  }
}, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/**
 * Checkpoints a WAL-mode database from a worker thread every `intervalMs`. The writer's own
 * automatic checkpoints must be off (`wal_autocheckpoint = 0`). PASSIVE never blocks the
 * writer; a checkpoint that cannot finish now is finished by a later one.
 */
export class Checkpointer {
  readonly #worker: Worker;
  #closed: Promise<void> | null = null;

  constructor(path: string, intervalMs: number, onError: (message: string) => void) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.#worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path, intervalMs, driver } });
    this.#worker.on('message', (message: { error?: string }) => {
      if (message.error) onError(message.error);
    });
    this.#worker.on('error', (error) => onError(String(error)));
    this.#worker.unref();
  }

  close(): Promise<void> {
    this.#closed ??= new Promise((resolve) => {
      this.#worker.once('exit', () => resolve());
      // Keep the process alive until the worker has closed its connection.
      this.#worker.ref();
      this.#worker.postMessage('close');
    });
    return this.#closed;
  }
}
