/**
 * A throwaway redis-server for a benchmark: 127.0.0.1, a free non-default port, no persistence,
 * started through spawnPinned (its pid is redis-server's, on the CPU the harness chooses) and
 * stopped by that pid. test/helpers/redis.ts starts the same server for tests; it could start
 * it through this module later (it also restarts it on the same port for outage tests).
 */
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { freePort, HOST, waitForPort } from '../ports.js';
import { spawnPinned } from '../proc.js';
import { sampleProcess } from '../procstat.js';

export const REDIS_INSTALL_HINT = 'apt-get install redis-server';

export interface BenchRedis {
  readonly url: string;
  readonly pid: number;
  /** CPU seconds of redis-server (all its threads). */
  cpuSeconds(): number | null;
  tail(): string;
  dispose(): Promise<void>;
}

export function findRedisServer(): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'redis-server');
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

export async function startBenchRedis(options: { readonly cpu: number | null; readonly readyTimeoutMs?: number }): Promise<BenchRedis> {
  const binary = findRedisServer();
  if (binary === null) throw new Error(`redis-server is not installed (${REDIS_INSTALL_HINT})`);
  const dir = mkdtempSync(join(tmpdir(), 'parley-bench-redis-'));
  const port = await freePort();
  const args = ['--port', String(port), '--bind', HOST, '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no', '--loglevel', 'warning'];
  const server = spawnPinned('redis', binary, args, { cpu: options.cpu, logFile: join(dir, 'server.log') });
  const timeoutMs = options.readyTimeoutMs ?? 10_000;
  if (!(await waitForPort(port, timeoutMs, server.alive))) {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`redis-server did not listen on ${port} within ${timeoutMs} ms: ${server.tail().slice(-500)}`);
  }
  return {
    url: `redis://${HOST}:${port}`,
    pid: server.pid,
    cpuSeconds: () => sampleProcess(server.pid)?.cpuSeconds ?? null,
    tail: () => server.tail(),
    async dispose() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
