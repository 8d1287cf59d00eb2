import { createServer as createNetServer, connect as connectNet, type Server, type Socket } from 'node:net';
import { connect as connectTls, createServer as createTlsServer } from 'node:tls';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { passwordsAllowed, requestTransport, socketTransport, type TransportSecurity } from '../../src/gateways/transport-security.js';
import { makeTestCa, opensslMissing, type TestCa } from '../helpers/tls-certs.js';

/** The accepted socket of one connection to `server` (loopback), and a way to close both ends. */
async function acceptOne(server: Server, acceptedEvent: 'connection' | 'secureConnection', dial: (port: number) => Socket): Promise<{ accepted: Socket; close(): void }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const accepted = new Promise<Socket>((resolve) => server.once(acceptedEvent, resolve));
  const client = dial(port);
  client.on('error', () => undefined);
  const socket = await accepted;
  return {
    accepted: socket,
    close: () => {
      client.destroy();
      socket.destroy();
      server.close();
    },
  };
}

describe('socketTransport', () => {
  it('a plain loopback connection: not secure, loopback, address given', async () => {
    const { accepted, close } = await acceptOne(createNetServer(), 'connection', (port) => connectNet(port, '127.0.0.1'));
    try {
      expect(socketTransport(accepted)).toEqual({ secure: false, peerAddress: '127.0.0.1', loopback: true });
      expect(requestTransport({ socket: accepted })).toEqual(socketTransport(accepted));
    } finally {
      close();
    }
  });

  const skip = opensslMissing();
  describe.skipIf(skip !== null)(`over TLS${skip ? ` (skipped: ${skip})` : ''}`, () => {
    let ca: TestCa;
    beforeAll(() => {
      ca = makeTestCa();
    });
    afterAll(() => ca?.dispose());

    it('a TLS connection is secure', async () => {
      const issued = ca.issue('transport');
      const server = createTlsServer({ cert: readFileSync(issued.certPath), key: readFileSync(issued.keyPath) });
      const { accepted, close } = await acceptOne(server, 'secureConnection', (port) => connectTls({ host: '127.0.0.1', port, ca: ca.caPem, servername: 'localhost' }));
      try {
        expect(socketTransport(accepted)).toEqual({ secure: true, peerAddress: '127.0.0.1', loopback: true });
      } finally {
        close();
      }
    });
  });

  it('unwraps IPv4-mapped addresses and tells loopback from the rest', () => {
    const fake = (remoteAddress: string | undefined): Socket => ({ remoteAddress }) as Socket;
    expect(socketTransport(fake('::ffff:127.0.0.1'))).toEqual({ secure: false, peerAddress: '127.0.0.1', loopback: true });
    expect(socketTransport(fake('::1'))).toMatchObject({ loopback: true });
    expect(socketTransport(fake('::ffff:203.0.113.9'))).toEqual({ secure: false, peerAddress: '203.0.113.9', loopback: false });
    expect(socketTransport(fake('2001:db8::1'))).toMatchObject({ loopback: false });
    expect(socketTransport(fake(undefined))).toEqual({ secure: false, peerAddress: '', loopback: false });
  });
});

describe('passwordsAllowed', () => {
  const t = (secure: boolean, loopback: boolean): TransportSecurity => ({ secure, loopback, peerAddress: loopback ? '127.0.0.1' : '203.0.113.9' });
  it('refuses only plain connections from another machine, unless insecure auth is allowed', () => {
    expect(passwordsAllowed(t(true, false))).toBe(true);
    expect(passwordsAllowed(t(false, true))).toBe(true);
    expect(passwordsAllowed(t(false, false))).toBe(false);
    expect(passwordsAllowed(t(false, false), true)).toBe(true);
  });
});
