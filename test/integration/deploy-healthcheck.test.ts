import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerEnv, dockerHealthcheck, dockerInstructions, repoFile } from '../helpers/deploy-files.js';
import { startServerProcess, type ServerProcess } from '../helpers/process.js';
import { freePort } from '../helpers/wait.js';

/**
 * The Dockerfile's HEALTHCHECK, the very command, run outside a container against a real
 * `parley serve` started with the image's settings (loopback and a free port instead of
 * 0.0.0.0:3000, a temporary DATA_DIR instead of /data, and a sample JWT_SECRET).
 */

const instructions = dockerInstructions(repoFile('Dockerfile'));
const healthcheck = dockerHealthcheck(instructions);

/** Runs the health check with PORT set as the image would; resolves its exit status. */
function runHealthcheck(port: number): Promise<number | null> {
  const [program, ...args] = healthcheck;
  expect(program).toBe('node');
  const child = spawn(process.execPath, args, { env: { PATH: process.env.PATH ?? '', PORT: String(port) }, stdio: 'ignore' });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('the health check did not finish within 15 s'));
    }, 15_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

describe('the Dockerfile health check', () => {
  let server: ServerProcess | null = null;
  let dataDir = '';

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'parley-healthcheck-'));
    server = await startServerProcess({
      ...dockerEnv(instructions),
      HOST: '127.0.0.1',
      PORT: '0',
      TCP_PORT: '0',
      DATA_DIR: dataDir,
      JWT_SECRET: 'a-sample-secret-of-32-characters',
    });
  }, 30_000);

  afterAll(async () => {
    if (server !== null && server.child.exitCode === null) {
      server.child.kill('SIGTERM');
      await server.exited;
    }
    if (dataDir !== '') rmSync(dataDir, { recursive: true, force: true });
  });

  it('passes against a running server with the image settings', async () => {
    expect(await runHealthcheck(server?.httpPort ?? 0)).toBe(0);
  });

  it('fails when the server is not ready (503), asking /api/health/ready', async () => {
    const asked: string[] = [];
    const notReady: Server = createServer((request, response) => {
      asked.push(request.url ?? '');
      response.writeHead(503, { 'content-type': 'application/json' }).end('{"error":{"code":"store_unavailable"}}');
    });
    await new Promise<void>((resolve) => notReady.listen(0, '127.0.0.1', resolve));
    try {
      const address = notReady.address();
      if (address === null || typeof address === 'string') throw new Error('no port');
      expect(await runHealthcheck(address.port)).toBe(1);
      expect(asked).toEqual(['/api/health/ready']);
    } finally {
      await new Promise((resolve) => notReady.close(resolve));
    }
  });

  it('fails when nothing listens', async () => {
    expect(await runHealthcheck(await freePort())).toBe(1);
  });
});
