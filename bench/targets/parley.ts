import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Dialect } from '../generator/protocol.js';
import { DIST } from '../lib/paths.js';
import { freePort, HOST, waitForPort } from '../lib/ports.js';
import { spawnPinned } from '../lib/proc.js';
import { probeSocketIo } from './probe-socketio.js';
import { SubjectSkipped, type RunningSubject, type StartContext, type Subject } from './subject.js';

/** This tree's build of Parley; --parley-cli points elsewhere. */
export const DEFAULT_PARLEY_CLI = join(DIST, 'src', 'cli.js');

const BENCH_TOKEN_SECRET = randomBytes(32).toString('base64url');

/** Parley as the product runs it: `parley serve`, persistence on (DURABILITY=full). */
export function parleySubject(door: 'tcp' | 'socketio'): Subject {
  const dialect: Dialect = door === 'tcp' ? 'parley-text' : 'socketio';
  return {
    name: `parley-${door}`,
    server: 'parley',
    door,
    baseline: false,
    unavailable: (context) => (existsSync(context.parleyCli) ? null : `Parley is not built (${context.parleyCli} missing)`),
    async start(context: StartContext): Promise<RunningSubject> {
      const [httpPort, tcpPort] = [await freePort(), await freePort()];
      const server = await startParley(context, { httpPort, tcpPort });
      if (door === 'socketio') {
        const reason = await probeSocketIo(httpPort, 3000);
        if (reason !== null) {
          await server.stop();
          throw new SubjectSkipped(reason);
        }
      }
      return { ...server, endpoint: { dialect, port: door === 'tcp' ? tcpPort : httpPort, defaultRoom: 'general' } };
    },
  };
}

export interface ParleyPorts {
  readonly httpPort: number;
  readonly tcpPort: number;
}

/**
 * Starts `parley serve` with its data under the work folder; resolves once the TCP port
 * accepts (and, with `waitForHttp`, the HTTP port too, or 5 s passed).
 */
export async function startParley(
  context: StartContext,
  ports: ParleyPorts,
  extraEnv: NodeJS.ProcessEnv = {},
  readyTimeoutMs = 20_000,
  waitForHttp = true,
): Promise<Omit<RunningSubject, 'endpoint'>> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(ports.httpPort),
    TCP_PORT: String(ports.tcpPort),
    HOST,
    DATA_DIR: join(context.workDir, 'data'),
    LOG_LEVEL: 'warn',
    CONSOLE: 'false',
    NODE_ENV: 'production',
    // Production requires the token secret; one per run, shared by every node of a cluster target.
    JWT_SECRET: BENCH_TOKEN_SECRET,
    // The throughput scenarios offer thousands of messages per second from a few senders: far
    // over any per-connection budget. The flood scenario turns flood control back on.
    FLOOD_CONTROL: 'false',
    ...context.parleyEnv,
    ...extraEnv,
  };
  const profile = context.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${resolve(context.profileDir)}`] : [];
  const server = spawnPinned('parley', process.execPath, [...profile, resolve(context.parleyCli), 'serve', '--no-console'], {
    cpu: context.pinning.serverCpu,
    env,
    cwd: context.workDir,
    logFile: join(context.workDir, 'server.log'),
  });
  if (!(await waitForPort(ports.tcpPort, readyTimeoutMs, server.alive))) {
    await server.stop();
    throw new SubjectSkipped(`Parley did not accept TCP connections within ${readyTimeoutMs} ms: ${server.tail().slice(-300)}`);
  }
  // The web door binds after the TCP door; a door that never binds is reported by its probe.
  if (waitForHttp) await waitForPort(ports.httpPort, 5000, server.alive);
  return { pid: server.pid, tail: server.tail, alive: server.alive, stop: () => server.stop() };
}
