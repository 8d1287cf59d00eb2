import { createServer as createHttpServer, get } from 'node:http';
import { connect, type Socket } from 'node:net';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { AddressLimit, limitConnections, normaliseAddress, parseExemptList } from '../../src/gateways/address-limit.js';

function recordingLogger(): { logger: ReturnType<typeof pino>; lines: string[] } {
  const lines: string[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => lines.push(line) });
  return { logger, lines };
}

const fakeSocket = (remoteAddress: string | undefined): Socket & { closeNow(): void } => {
  const listeners: Array<() => void> = [];
  return {
    remoteAddress,
    once: (_event: string, listener: () => void) => listeners.push(listener),
    closeNow: () => listeners.splice(0).forEach((l) => l()),
  } as unknown as Socket & { closeNow(): void };
};

describe('AddressLimit', () => {
  it('counts IPv4-mapped IPv6 peers as their IPv4 address', () => {
    expect(normaliseAddress('::ffff:10.0.0.1')).toBe('10.0.0.1');
    expect(normaliseAddress('::FFFF:10.0.0.1')).toBe('10.0.0.1');
    expect(normaliseAddress('2001:DB8::1')).toBe('2001:db8::1');
    const limit = new AddressLimit({ max: 1, exempt: [], logger: recordingLogger().logger });
    expect(limit.admit(fakeSocket('10.0.0.1'))).toBe(true);
    expect(limit.admit(fakeSocket('::ffff:10.0.0.1'))).toBe(false);
  });

  it('frees a slot when a socket closes, and exempts listed addresses and loopback', () => {
    const limit = new AddressLimit({ max: 2, exempt: ['loopback', '192.0.2.7'], logger: recordingLogger().logger });
    const first = fakeSocket('10.0.0.1');
    expect(limit.admit(first)).toBe(true);
    expect(limit.admit(fakeSocket('10.0.0.1'))).toBe(true);
    expect(limit.admit(fakeSocket('10.0.0.1'))).toBe(false);
    first.closeNow();
    expect(limit.openFrom('10.0.0.1')).toBe(1);
    expect(limit.admit(fakeSocket('10.0.0.1'))).toBe(true);
    for (let i = 0; i < 5; i++) {
      expect(limit.admit(fakeSocket('127.0.0.5'))).toBe(true);
      expect(limit.admit(fakeSocket('::1'))).toBe(true);
      expect(limit.admit(fakeSocket('::ffff:192.0.2.7'))).toBe(true);
    }
    expect(limit.admit(fakeSocket(undefined))).toBe(false);
  });

  it('is off at 0, and parses the exempt setting', () => {
    const limit = new AddressLimit({ max: 0, exempt: [], logger: recordingLogger().logger });
    for (let i = 0; i < 100; i++) expect(limit.admit(fakeSocket('10.0.0.1'))).toBe(true);
    expect(parseExemptList('loopback, 10.0.0.1')).toEqual(['loopback', '10.0.0.1']);
    expect(parseExemptList('none')).toEqual([]);
    expect(parseExemptList('')).toEqual([]);
  });

  it('logs when the bound is hit, but not once per refused socket', () => {
    const { logger, lines } = recordingLogger();
    let now = 0;
    const limit = new AddressLimit({ max: 1, exempt: [], logger, clock: () => now });
    limit.admit(fakeSocket('10.0.0.1'));
    for (let i = 0; i < 1000; i++) limit.admit(fakeSocket('10.0.0.1'));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ address: '10.0.0.1', limit: 1, refused: 1 });
    now += 60_000;
    limit.admit(fakeSocket('10.0.0.1'));
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[1] ?? '{}')).toMatchObject({ refused: 1000 });
  });
});

describe('limitConnections', () => {
  const servers: Array<{ close(): void }> = [];
  afterEach(() => servers.splice(0).forEach((s) => s.close()));

  it('destroys sockets over the limit on any net.Server (here HTTP) and serves the others', async () => {
    const server = createHttpServer((_req, res) => res.end('ok'));
    servers.push(server);
    limitConnections(server, new AddressLimit({ max: 1, exempt: [], logger: recordingLogger().logger }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const holder = connect(port, '127.0.0.1');
    await new Promise((resolve) => holder.once('connect', resolve));
    // Wait until the server has counted the first socket: a request on it is answered.
    holder.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await new Promise((resolve) => holder.once('data', resolve));
    const refused = await new Promise<string>((resolve) => {
      const request = get({ host: '127.0.0.1', port, path: '/', agent: false }, () => resolve('answered'));
      request.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    });
    expect(refused).toMatch(/ECONNRESET|socket hang up|EPIPE/);
    holder.destroy();
    // The server learns of the close asynchronously: retry a bounded number of times.
    let answered = '';
    for (let attempt = 0; attempt < 100 && answered !== '200'; attempt++) {
      answered = await new Promise<string>((resolve) => {
        const request = get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
          res.resume();
          resolve(String(res.statusCode));
        });
        request.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
      });
      if (answered !== '200') await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(answered).toBe('200');
  });
});
