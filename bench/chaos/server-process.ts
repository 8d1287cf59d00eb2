import { spawn, type ChildProcess } from 'node:child_process';

export interface ChaosServerOptions {
  /** Path of the built dist/src/cli.js. */
  readonly cli: string;
  readonly dataDir: string;
  readonly httpPort: number;
  readonly tcpPort: number;
  readonly startTimeoutMs: number;
}

/** A `parley serve` process this audit started; it is only ever signalled through its own pid. */
export interface ChaosServer {
  readonly pid: number;
  /** Exit code, or the signal name when killed by one. */
  readonly exited: Promise<number | string>;
  output(): string;
  signal(signal: 'SIGKILL' | 'SIGTERM'): void;
}

/** Starts the built server on the given ports and resolves once it logs that it listens. */
export function startChaosServer(options: ChaosServerOptions): Promise<ChaosServer> {
  const child: ChildProcess = spawn(process.execPath, [options.cli, 'serve', '--no-console'], {
    env: {
      ...process.env,
      PORT: String(options.httpPort),
      TCP_PORT: String(options.tcpPort),
      HOST: '127.0.0.1',
      DATA_DIR: options.dataDir,
      LOG_LEVEL: 'info',
      // Chaos measures durability under crashes; its writers send as fast as acks come back.
      FLOOD_CONTROL: 'false',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) return Promise.reject(new Error(`could not start ${options.cli}`));
  const pid = child.pid;
  let out = '';
  const keep = (chunk: Buffer): void => {
    out = (out + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  const server: ChaosServer = {
    pid,
    exited,
    output: () => out,
    signal: (signal) => {
      if (child.exitCode === null && child.signalCode === null) process.kill(pid, signal);
    },
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      server.signal('SIGKILL');
      reject(new Error(`server did not start within ${options.startTimeoutMs} ms:\n${out}`));
    }, options.startTimeoutMs);
    const poll = setInterval(() => {
      if (!out.includes('Parley is listening')) return;
      clearInterval(poll);
      clearTimeout(timer);
      resolve(server);
    }, 10);
    void exited.then((code) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) while starting:\n${out}`));
    });
  });
}
