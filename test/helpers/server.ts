import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { pino } from 'pino';
import { ConfigSchema, type Config } from '../../src/config.js';
import { startServer, type RunningServer } from '../../src/server.js';
import type { Store } from '../../src/store/store.js';

export interface TestServer {
  readonly server: RunningServer;
  readonly tcpPort: number;
  readonly httpPort: number;
  readonly dataDir: string;
  /** Operator console input: write lines here as if typed on the server's stdin. */
  readonly console: PassThrough;
  /** Stops the server; keeps the data directory (for restart tests). */
  stop(): Promise<void>;
  /** Stops the server and removes its data directory. */
  dispose(): Promise<void>;
}

/** The real server, in this process, on free ports with a temporary data directory. */
export async function startTestServer(overrides: Partial<Config> = {}, options: { web?: boolean; store?: Store } = {}): Promise<TestServer> {
  const dataDir = overrides.dataDir ?? mkdtempSync(join(tmpdir(), 'parley-test-'));
  // Flood control off unless a test asks: most tests send faster than a person types.
  const config = ConfigSchema.parse({ port: 0, tcpPort: 0, host: '127.0.0.1', logLevel: 'silent', console: false, floodControl: false, ...overrides, dataDir });
  const input = new PassThrough();
  const server = await startServer(config, { stdin: input, logger: pino({ level: config.logLevel }), web: options.web, store: options.store });
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    input.end();
    await server.stop();
  };
  return {
    server,
    tcpPort: server.tcpPort,
    httpPort: server.httpPort,
    dataDir,
    console: input,
    stop,
    dispose: async () => {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
