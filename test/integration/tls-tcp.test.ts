import { spawn } from 'node:child_process';
import { connect as connectTls, type PeerCertificate } from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { LineClient } from '../helpers/tcp-client.js';
import { makeTestCa, opensslMissing, type TestCa } from '../helpers/tls-certs.js';

/** The TCP door over TLS: real handshakes on loopback with a CA made for the test. */
const skip = opensslMissing();
let ca: TestCa;
let cert: { certPath: string; keyPath: string };
const servers: TestServer[] = [];
const clients: LineClient[] = [];

beforeAll(() => {
  if (skip) return;
  ca = makeTestCa();
  cert = ca.issue('parley-test');
});
afterAll(() => ca?.dispose());
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  for (const server of servers.splice(0)) await server.dispose();
});

async function tlsServer(overrides: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
  const server = await startTestServer({ tlsCert: cert.certPath, tlsKey: cert.keyPath, tlsTcpPort: 0, ...overrides }, { web: false });
  servers.push(server);
  return server;
}

async function tlsClient(port: number): Promise<LineClient> {
  const client = await LineClient.openTls(port, { ca: ca.caPem, servername: 'localhost' });
  clients.push(client);
  return client;
}

async function plainClient(port: number): Promise<LineClient> {
  const client = await LineClient.open(port);
  clients.push(client);
  return client;
}

describe.skipIf(skip !== null)(`TCP door over TLS${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('serves text mode after the handshake, beside the plain port, to the same chat', async () => {
    const server = await tlsServer();
    const tlsPort = server.server.tlsTcpPort;
    expect(tlsPort).toBeGreaterThan(0);
    expect(server.tcpPort).toBeGreaterThan(0);

    const alice = await tlsClient(tlsPort);
    expect(alice.socket.authorized).toBe(true);
    expect((alice.socket.getPeerCertificate() as PeerCertificate).subject.CN).toBe('parley-test');
    await alice.waitFor('Welcome to Parley!');
    await alice.waitFor('Enter your name:');
    alice.send('alice');
    await alice.waitFor(/^Welcome, alice!/);

    const bob = await plainClient(server.tcpPort);
    await bob.waitFor('Enter your name:');
    bob.send('bob');
    await bob.waitFor(/^Welcome, bob!/);
    bob.send('hello over plain');
    await alice.waitFor('bob: hello over plain');
    alice.send('hello over tls');
    await bob.waitFor('alice: hello over tls');
  });

  it('switches to JSON lines on a first decrypted `{`', async () => {
    const server = await tlsServer();
    const ann = await tlsClient(server.server.tlsTcpPort);
    ann.json({ type: 'hello', name: 'ann', id: 'h1' });
    const welcome = await ann.waitForJson((m) => m.type === 'welcome' && m.re === 'h1');
    expect(welcome).toMatchObject({ type: 'welcome', re: 'h1' });
    ann.json({ type: 'say', room: 'general', text: 'json over tls', id: 's1' });
    const ack = await ann.waitForJson((m) => m.re === 's1');
    expect(ack.type).not.toBe('error');
  });

  it('with PLAIN_TCP=false only the TLS port listens', async () => {
    const server = await tlsServer({ plainTcp: false });
    expect(server.tcpPort).toBe(0);
    const carol = await tlsClient(server.server.tlsTcpPort);
    await carol.waitFor('Enter your name:');
  });

  it('fails the handshake of a client that does not trust the certificate, and serves the next', async () => {
    const server = await tlsServer();
    const port = server.server.tlsTcpPort;
    const refused = await new Promise<NodeJS.ErrnoException>((resolve, reject) => {
      const socket = connectTls({ host: '127.0.0.1', port, servername: 'localhost' }, () => reject(new Error('handshake should fail')));
      socket.once('error', resolve);
    });
    expect(refused.code).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    const dave = await tlsClient(port);
    await dave.waitFor('Enter your name:');
  });

  it('counts TLS and plain connections against one per-address limit', async () => {
    const server = await tlsServer({ maxConnectionsPerAddress: 1, connectionLimitExempt: 'none' });
    const first = await plainClient(server.tcpPort);
    await first.waitFor('Enter your name:');
    const second = await new Promise<string>((resolve) => {
      const socket = connectTls({ host: '127.0.0.1', port: server.server.tlsTcpPort, ca: ca.caPem, servername: 'localhost' }, () => resolve('handshake completed'));
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(`refused: ${error.code ?? error.message}`));
      socket.once('close', () => resolve('refused: closed'));
    });
    expect(second).toMatch(/^refused/);
    first.close();
    await first.closed;
    // The slot is free again: the count follows the socket's close, whichever port it came in on.
    for (let attempt = 0; attempt < 50; attempt++) {
      const client = await LineClient.openTls(server.server.tlsTcpPort, { ca: ca.caPem, servername: 'localhost' }).catch(() => null);
      if (client) {
        clients.push(client);
        await client.waitFor('Enter your name:');
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error('the TLS port never admitted a connection after the plain one closed');
  });

  it('works with `openssl s_client` as nc does: a name, a line, /quit', async () => {
    const server = await tlsServer();
    const port = server.server.tlsTcpPort;
    const watcher = await tlsClient(port);
    await watcher.waitFor('Enter your name:');
    watcher.send('watcher');
    await watcher.waitFor(/^Welcome, watcher!/);

    const child = spawn('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-CAfile', ca.caPath, '-verify_return_error', '-quiet'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    try {
      child.stdin.write('erin\nhello from s_client\n');
      await watcher.waitFor('erin: hello from s_client', 10_000);
      child.stdin.end('/quit\n');
      // The server says goodbye and closes; s_client (-quiet ignores stdin's end) then exits.
      expect(await exited).toBe(0);
    } finally {
      clearTimeout(killer);
      if (child.exitCode === null && child.pid !== undefined) child.kill('SIGKILL');
    }
    expect(out).toContain('Welcome, erin!');
  });
});
