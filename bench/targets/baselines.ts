import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeInspircdConfig } from '../baselines/inspircd/config.js';
import type { Dialect } from '../generator/protocol.js';
import { DIST } from '../lib/paths.js';
import { freePort, HOST, waitForPort } from '../lib/ports.js';
import { spawnPinned, type Managed } from '../lib/proc.js';
import { SubjectSkipped, type RunningSubject, type StartContext, type Subject } from './subject.js';

function running(server: Managed, dialect: Dialect, port: number): RunningSubject {
  return {
    pid: server.pid,
    endpoint: { dialect, port },
    tail: server.tail,
    alive: server.alive,
    stop: () => server.stop(),
  };
}

async function ready(server: Managed, port: number, what: string): Promise<void> {
  if (await waitForPort(port, 15_000, server.alive)) return;
  await server.stop();
  throw new SubjectSkipped(`${what} did not start: ${server.tail().slice(-300)}`);
}

/** The seeds' servers, compiled from bench/baselines/ (same Node, same pinning). */
export function naiveSubject(kind: 'tcp' | 'socketio'): Subject {
  const main = join(DIST, 'bench', 'baselines', `naive-${kind}`, 'server.js');
  return {
    name: `naive-${kind}`,
    server: `naive-${kind}`,
    door: kind,
    baseline: true,
    unavailable: () => (existsSync(main) ? null : `${main} missing (run npm run build)`),
    async start(context: StartContext): Promise<RunningSubject> {
      const port = await freePort();
      const server = spawnPinned(`naive-${kind}`, process.execPath, [main], {
        cpu: context.pinning.serverCpu,
        env: { ...process.env, PORT: String(port), HOST, NODE_ENV: 'production' },
        logFile: join(context.workDir, 'server.log'),
      });
      await ready(server, port, `naive-${kind}`);
      return running(server, kind === 'tcp' ? 'naive-text' : 'socketio', port);
    },
  };
}

function inspircdPath(): string | null {
  const found = spawnSync('sh', ['-c', 'command -v inspircd || ls /usr/sbin/inspircd'], { encoding: 'utf8' });
  const path = found.stdout.trim().split('\n')[0] ?? '';
  return found.status === 0 && path !== '' ? path : null;
}

/** Debian's InspIRCd (C++), driven over IRC with the config that baselines/inspircd writes. */
export function inspircdSubject(): Subject {
  return {
    name: 'inspircd',
    server: 'inspircd',
    door: 'irc',
    baseline: true,
    unavailable: () => (inspircdPath() ? null : 'inspircd is not installed (apt-get install inspircd)'),
    async start(context: StartContext): Promise<RunningSubject> {
      const binary = inspircdPath();
      if (!binary) throw new SubjectSkipped('inspircd is not installed');
      const port = await freePort();
      const config = writeInspircdConfig(join(context.workDir, 'inspircd'), port);
      const args = ['--nofork', '--nopid', `--config=${config}`];
      if (process.getuid?.() === 0) args.push('--runasroot');
      const server = spawnPinned('inspircd', binary, args, {
        cpu: context.pinning.serverCpu,
        logFile: join(context.workDir, 'server.log'),
      });
      await ready(server, port, 'inspircd');
      return running(server, 'irc', port);
    },
  };
}
