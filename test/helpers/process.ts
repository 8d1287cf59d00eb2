import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../dist/src/cli.js', import.meta.url));

/**
 * A preload (`node --import`) that makes the server process crash on demand, honestly: on
 * SIGUSR2 an event callback throws (an uncaught exception), or with PARLEY_TEST_CRASH=rejection
 * a promise rejects with nobody awaiting it.
 */
export const CRASH_ON_SIGUSR2 = ['--import', fileURLToPath(new URL('./crash-on-sigusr2.mjs', import.meta.url))];

export interface ServerProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly tcpPort: number;
  readonly httpPort: number;
  output(): string;
  exited: Promise<number | null>;
}

/** Runs the built CLI as a real process; `npm test` builds first. */
export function runCli(args: string[], env: Record<string, string>, nodeArgs: string[] = []): ChildProcessWithoutNullStreams {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" first (npm test does).`);
  return spawn(process.execPath, [...nodeArgs, CLI, ...args], { env: { ...process.env, NO_COLOR: '1', ...env }, cwd: fileURLToPath(new URL('../..', import.meta.url)) });
}

/**
 * Starts `parley serve` on free ports and waits for its "listening" log line. Flood control is
 * off unless `env` turns it on: tests send faster than a person types.
 */
export function startServerProcess(env: Record<string, string>, nodeArgs: string[] = []): Promise<ServerProcess> {
  const child = runCli(['serve'], { PORT: '0', TCP_PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', FLOOD_CONTROL: 'false', ...env }, nodeArgs);
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 15_000);
    const onData = (chunk: Buffer): void => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.includes('Parley is listening'));
      if (!line) return;
      clearTimeout(timer);
      const { tcpPort, httpPort } = JSON.parse(line) as { tcpPort: number; httpPort: number };
      resolve({ child, tcpPort, httpPort, output: () => out, exited });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => reject(new Error(`server exited with ${code}:\n${out}`)));
  });
}
