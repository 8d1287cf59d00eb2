import { freePort } from './wait.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/**
 * Redis for tests: PARLEY_TEST_REDIS_URL if set (then outages cannot be simulated), otherwise a
 * redis-server this process starts on 127.0.0.1, on a free non-default port, without
 * persistence, and stops by its own PID. Suites skip (saying what to install) when neither is
 * available.
 */
export const EXTERNAL_REDIS_URL = process.env.PARLEY_TEST_REDIS_URL ?? '';
const REDIS_SERVER = findOnPath('redis-server');

export const redisAvailable = EXTERNAL_REDIS_URL !== '' || REDIS_SERVER !== null;
/** Outage tests need a server this process controls. */
export const redisRestartable = EXTERNAL_REDIS_URL === '' && REDIS_SERVER !== null;
export const REDIS_SKIP_REASON = 'redis-server is not installed (apt-get install redis-server), and PARLEY_TEST_REDIS_URL is not set';

if (!redisAvailable) console.warn(`Skipping the Redis suites: ${REDIS_SKIP_REASON}.`);

export interface TestRedis {
  readonly url: string;
  /** Stops the server (SIGTERM, waits for its exit); its data is gone (no persistence). */
  stop(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
  dispose(): Promise<void>;
}

/** A key and channel prefix of its own, so tests sharing one server never meet. */
export const uniquePrefix = (): string => `parley-test:${randomBytes(6).toString('hex')}:`;

export async function startRedis(): Promise<TestRedis> {
  if (EXTERNAL_REDIS_URL !== '') {
    return {
      url: EXTERNAL_REDIS_URL,
      stop: () => Promise.reject(new Error('cannot stop an external Redis (PARLEY_TEST_REDIS_URL)')),
      start: () => Promise.reject(new Error('cannot start an external Redis (PARLEY_TEST_REDIS_URL)')),
      dispose: () => Promise.resolve(),
    };
  }
  if (REDIS_SERVER === null) throw new Error(REDIS_SKIP_REASON);
  const dir = mkdtempSync(join(tmpdir(), 'parley-redis-'));
  const port = await freePort();
  let child: ChildProcess | null = await spawnRedis(REDIS_SERVER, port, dir);
  const stop = async (): Promise<void> => {
    const running = child;
    child = null;
    if (running) await stopChild(running);
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    stop,
    start: async () => {
      if (child) return;
      child = await spawnRedis(REDIS_SERVER, port, dir);
    },
    dispose: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function spawnRedis(binary: string, port: number, dir: string): Promise<ChildProcess> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no', '--loglevel', 'notice'];
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`redis-server did not start within 10 s:\n${out}`));
    }, 10_000);
    const onData = (chunk: Buffer): void => {
      out += chunk.toString();
      if (!out.includes('Ready to accept connections')) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stdout?.resume();
      child.stderr?.resume();
      resolve(child);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}:\n${out}`));
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}


function findOnPath(command: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EACCES' || code === 'ENOTDIR') continue;
      throw error;
    }
  }
  return null;
}
