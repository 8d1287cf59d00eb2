import { spawn, spawnSync, type ChildProcess, type StdioOptions } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';

/** How server and generator are kept apart. Recorded in every result. */
export interface Pinning {
  readonly enabled: boolean;
  readonly serverCpu: number | null;
  readonly generatorCpu: number | null;
  readonly note: string;
}

/** Linux with taskset and at least two CPUs: server on CPU 0, generator on CPU 1. */
export function detectPinning(cpus: number): Pinning {
  if (process.platform !== 'linux') return unpinned('not Linux');
  if (cpus < 2) return unpinned(`only ${cpus} CPU`);
  const probe = spawnSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) return unpinned('taskset not available (apt-get install util-linux)');
  return { enabled: true, serverCpu: 0, generatorCpu: 1, note: 'taskset: server on CPU 0, load generator on CPU 1' };
}

function unpinned(why: string): Pinning {
  return { enabled: false, serverCpu: null, generatorCpu: null, note: `not pinned: ${why}` };
}

/** A child process this harness started; it is only ever stopped through its own pid. */
export interface Managed {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly name: string;
  /** Last lines of its output, for error messages. */
  tail(): string;
  alive(): boolean;
  /** SIGTERM (or the stop signal given), then SIGKILL after `graceMs`. Resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

const live = new Set<Managed>();

export interface SpawnPinnedOptions {
  readonly cpu: number | null;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Output of the process is appended here as well as kept in a short tail. */
  readonly logFile?: string;
  /** Adds an IPC channel (for node children). */
  readonly ipc?: boolean;
  /** Run as this user and group (PostgreSQL refuses to run as root). */
  readonly uid?: number;
  readonly gid?: number;
  /** What stop() sends first; default SIGTERM (PostgreSQL's fast shutdown is SIGINT). */
  readonly stopSignal?: NodeJS.Signals;
}

/** Starts `command args` (through `taskset -c CPU` when cpu is set). taskset execs, so the pid is the command's. */
export function spawnPinned(name: string, command: string, args: readonly string[], options: SpawnPinnedOptions): Managed {
  const [file, argv] = options.cpu === null ? [command, [...args]] : ['taskset', ['-c', String(options.cpu), command, ...args]];
  const stdio: StdioOptions = options.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'];
  const child = spawn(file, argv, { env: options.env ?? process.env, cwd: options.cwd, stdio, uid: options.uid, gid: options.gid });
  if (child.pid === undefined) throw new Error(`could not start ${name} (${file})`);
  const log = options.logFile ? createWriteStream(options.logFile, { flags: 'a' }) : null;
  let tail = '';
  const keep = (chunk: Buffer): void => {
    log?.write(chunk);
    tail = (tail + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited = child.exitCode !== null;
  const exit = once(child, 'exit').then(() => {
    exited = true;
    live.delete(managed);
    log?.end();
  });
  const managed: Managed = {
    child,
    pid: child.pid,
    name,
    tail: () => tail,
    alive: () => !exited,
    async stop(graceMs = 5000) {
      if (exited) return;
      child.kill(options.stopSignal ?? 'SIGTERM');
      const timer = setTimeout(() => {
        if (!exited) child.kill('SIGKILL');
      }, graceMs);
      await exit;
      clearTimeout(timer);
    },
  };
  live.add(managed);
  return managed;
}

/** Stops every process this harness started and that still runs (on exit or interrupt). */
export async function stopAll(): Promise<void> {
  await Promise.all([...live].map((m) => m.stop(2000)));
}

/** Synchronous last resort at process exit: SIGKILL to our own children, by pid. */
export function killAllSync(): void {
  for (const m of live) if (m.alive()) m.child.kill('SIGKILL');
}
