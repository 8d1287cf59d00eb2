import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect as connectTls, type PeerCertificate } from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startServerProcess, type ServerProcess } from '../helpers/process.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { LineClient } from '../helpers/tcp-client.js';
import { makeTestCa, opensslMissing, type TestCa } from '../helpers/tls-certs.js';

/**
 * Certificate reload (SIGHUP): new handshakes get the new certificate, open connections keep
 * chatting, a broken file keeps the old one. And the start-up refusal of an unusable file.
 */
const skip = opensslMissing();
let ca: TestCa;
const clients: LineClient[] = [];
const servers: TestServer[] = [];
const processes: ServerProcess[] = [];

beforeAll(() => {
  if (!skip) ca = makeTestCa();
});
afterAll(() => ca?.dispose());
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  for (const server of servers.splice(0)) await server.dispose();
  for (const p of processes.splice(0)) {
    if (p.child.exitCode === null) p.child.kill('SIGTERM');
    await p.exited.catch(() => null);
  }
});

/** Live files the server reads (TLS_CERT, TLS_KEY), first holding a certificate for `cn`. */
function liveFiles(cn: string): { certPath: string; keyPath: string; install(cn: string): void } {
  const certPath = join(ca.dir, `live-${cn}.pem`);
  const keyPath = join(ca.dir, `live-${cn}.key`);
  const install = (name: string): void => {
    const issued = ca.issue(name);
    copyFileSync(issued.certPath, certPath);
    copyFileSync(issued.keyPath, keyPath);
  };
  install(cn);
  return { certPath, keyPath, install };
}

async function namedOverTls(port: number, name: string): Promise<LineClient & { socket: import('node:tls').TLSSocket }> {
  const client = await LineClient.openTls(port, { ca: ca.caPem, servername: 'localhost' });
  clients.push(client);
  await client.waitFor('Enter your name:');
  client.send(name);
  await client.waitFor(new RegExp(`^Welcome, ${name}!`));
  return client;
}

const presented = (client: { socket: import('node:tls').TLSSocket }): string | undefined => (client.socket.getPeerCertificate() as PeerCertificate).subject.CN;

/** The CN the server presents to a new TLS handshake on `port` (the HTTPS port included). */
function certificateOn(port: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const socket = connectTls({ host: '127.0.0.1', port, ca: ca.caPem, servername: 'localhost' }, () => {
      resolve((socket.getPeerCertificate() as PeerCertificate).subject.CN);
      socket.destroy();
    });
    socket.once('error', reject);
  });
}

describe.skipIf(skip !== null)(`TLS certificate reload${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('presents the new certificate to new connections while an old connection keeps chatting', async () => {
    const files = liveFiles('reload-one');
    const server = await startTestServer({ tlsCert: files.certPath, tlsKey: files.keyPath, tlsTcpPort: 0 }, { web: false });
    servers.push(server);
    const port = server.server.tlsTcpPort;
    const alice = await namedOverTls(port, 'alice');
    expect(presented(alice)).toBe('reload-one');

    files.install('reload-two');
    expect(server.server.reloadTls()).toBe(true);

    const bob = await namedOverTls(port, 'bob');
    expect(presented(bob)).toBe('reload-two');
    alice.send('still here after the reload');
    await bob.waitFor('alice: still here after the reload');
    bob.send('hello old connection');
    await alice.waitFor('bob: hello old connection');
  });

  it('keeps the current certificate when the new file is broken', async () => {
    const files = liveFiles('keep-one');
    const server = await startTestServer({ tlsCert: files.certPath, tlsKey: files.keyPath, tlsTcpPort: 0 }, { web: false });
    servers.push(server);
    writeFileSync(files.certPath, '-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n');
    expect(server.server.reloadTls()).toBe(false);
    const carol = await namedOverTls(server.server.tlsTcpPort, 'carol');
    expect(presented(carol)).toBe('keep-one');
  });

  it('reloads on SIGHUP in a real server process, over HTTPS and the TCP door', async () => {
    const files = liveFiles('hup-one');
    const server = await startServerProcess({ TLS_CERT: files.certPath, TLS_KEY: files.keyPath, TLS_TCP_PORT: '0', CONSOLE: 'false', DATA_DIR: join(ca.dir, 'hup-data') });
    processes.push(server);
    const line = server.output().split('\n').find((l) => l.includes('Parley is listening')) ?? '{}';
    const { tlsTcpPort } = JSON.parse(line) as { tlsTcpPort: number };
    const dave = await namedOverTls(tlsTcpPort, 'dave');
    expect(presented(dave)).toBe('hup-one');

    files.install('hup-two');
    server.child.kill('SIGHUP');
    for (let i = 0; i < 100 && !server.output().includes('TLS certificate reloaded'); i++) await new Promise((r) => setTimeout(r, 50));
    expect(server.output()).toContain('TLS certificate reloaded');

    const erin = await namedOverTls(tlsTcpPort, 'erin');
    expect(presented(erin)).toBe('hup-two');
    expect(await certificateOn(server.httpPort)).toBe('hup-two');
    dave.send('after the hangup');
    await erin.waitFor('dave: after the hangup');
    expect(server.child.exitCode).toBeNull();
  });

  it('refuses to start with a missing or mismatched certificate: one line, exit 2', async () => {
    const files = liveFiles('startup');
    const other = ca.issue('other');
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ TLS_CERT: join(ca.dir, 'absent.pem'), TLS_KEY: files.keyPath }, /^parley: Cannot read TLS_CERT .*absent\.pem: no such file/],
      [{ TLS_CERT: files.certPath, TLS_KEY: other.keyPath }, /^parley: TLS_KEY .* is not the key of the certificate in TLS_CERT/],
      [{ TLS_CERT: files.certPath }, /^parley: TLS_CERT and TLS_KEY go together: TLS_KEY is not set/],
    ];
    for (const [env, expected] of cases) {
      const child = runCli(['serve'], { PORT: '0', TCP_PORT: '0', HOST: '127.0.0.1', CONSOLE: 'false', DATA_DIR: join(ca.dir, 'data'), ...env });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code).toBe(2);
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(stderr).toMatch(expected);
    }
  });
});
