import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runConnect } from '../../clients/cli/connect.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { LineClient } from '../helpers/tcp-client.js';
import { opensslMissing } from '../helpers/tls-certs.js';

/**
 * `parley connect --tls --ca FILE` against a server whose certificate is the README's trial
 * self-signed one, made with the README's exact command.
 */
const skip = opensslMissing();
let dir: string;
let server: TestServer;
const clients: LineClient[] = [];

beforeAll(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'parley-tls-cli-'));
  // The README's command, word for word (shell quoting removed).
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'key.pem', '-out', 'cert.pem', '-days', '30', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1'],
    { cwd: dir, stdio: 'ignore' },
  );
  server = await startTestServer({ tlsCert: join(dir, 'cert.pem'), tlsKey: join(dir, 'key.pem'), tlsTcpPort: 0 }, { web: false });
});
afterEach(() => {
  for (const client of clients.splice(0)) client.close();
});
afterAll(async () => {
  await server?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function connectPiped(options: { tls: { ca?: Buffer } | undefined; port: number; name: string; lines: string[] }): { exit: Promise<number>; output: () => string } {
  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  output.setEncoding('utf8');
  output.on('data', (chunk: string) => (text += chunk));
  const exit = runConnect({ host: '127.0.0.1', port: options.port, tls: options.tls, name: options.name, color: false, input, output, terminal: false, reconnect: { initialMs: 10, maxMs: 10, maxAttempts: 1 } });
  input.end(options.lines.map((l) => `${l}\n`).join(''));
  return { exit, output: () => text };
}

describe.skipIf(skip !== null)(`parley connect over TLS${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('--ca with the self-signed certificate: chats over TLS', async () => {
    const watcher = await LineClient.openTls(server.server.tlsTcpPort, { ca: readFileSync(join(dir, 'cert.pem')), servername: 'localhost' });
    clients.push(watcher);
    await watcher.waitFor('Enter your name:');
    watcher.send('watcher');
    await watcher.waitFor(/^Welcome, watcher!/);

    const run = connectPiped({ tls: { ca: readFileSync(join(dir, 'cert.pem')) }, port: server.server.tlsTcpPort, name: 'frank', lines: ['hello over tls from the cli'] });
    await watcher.waitFor('frank: hello over tls from the cli', 10_000);
    expect(await run.exit).toBe(0);
  });

  it('--tls with the system CAs refuses the self-signed certificate and says to use --ca', async () => {
    const run = connectPiped({ tls: {}, port: server.server.tlsTcpPort, name: 'gina', lines: ['never sent'] });
    expect(await run.exit).toBe(1);
    expect(run.output()).toMatch(/Cannot connect to 127\.0\.0\.1:\d+: .*--ca FILE/);
  });

  it('--tls against the plain port says the port does not speak TLS', async () => {
    const run = connectPiped({ tls: {}, port: server.tcpPort, name: 'hank', lines: ['never sent'] });
    expect(await run.exit).toBe(1);
    expect(run.output()).toMatch(/does not speak TLS/);
  });
});
