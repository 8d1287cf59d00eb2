import { describe, expect, it } from 'vitest';
import type { Socket } from 'node:net';
import { EventEmitter } from 'node:events';
import { AddressLimit, addressLimitFrom } from '../../src/gateways/address-limit.js';
import pino from 'pino';

function fakeSocket(remoteAddress: string): Socket {
  return Object.assign(new EventEmitter(), { remoteAddress }) as unknown as Socket;
}

describe('AddressLimit: new connections per minute', () => {
  it('admits perMinute at once from one address, then one per 60/perMinute seconds; other addresses are counted apart', () => {
    let now = 0;
    const limit = new AddressLimit({ max: 0, perMinute: 3, exempt: [], logger: pino({ level: 'silent' }), clock: () => now });
    for (let i = 0; i < 3; i++) expect(limit.admit(fakeSocket('192.0.2.1'))).toBe(true);
    expect(limit.admit(fakeSocket('192.0.2.1'))).toBe(false);
    expect(limit.admit(fakeSocket('::ffff:192.0.2.1'))).toBe(false);
    expect(limit.admit(fakeSocket('192.0.2.2'))).toBe(true);
    now = 20_000;
    expect(limit.admit(fakeSocket('192.0.2.1'))).toBe(true);
    expect(limit.admit(fakeSocket('192.0.2.1'))).toBe(false);
  });

  it('exempts loopback and configured addresses, trusted proxies included', () => {
    const logger = pino({ level: 'silent' });
    const limit = addressLimitFrom(
      { maxConnectionsPerAddress: 0, connectionLimitExempt: 'loopback', maxNewConnectionsPerMinute: 1, trustedProxies: '198.51.100.9' },
      logger,
    );
    for (let i = 0; i < 5; i++) {
      expect(limit.admit(fakeSocket('127.0.0.1'))).toBe(true);
      expect(limit.admit(fakeSocket('198.51.100.9'))).toBe(true);
    }
    expect(limit.admit(fakeSocket('192.0.2.3'))).toBe(true);
    expect(limit.admit(fakeSocket('192.0.2.4'))).toBe(true);
    expect(limit.admit(fakeSocket('192.0.2.4'))).toBe(false);
  });

  it('is off at 0', () => {
    const limit = new AddressLimit({ max: 0, perMinute: 0, exempt: [], logger: pino({ level: 'silent' }) });
    for (let i = 0; i < 200; i++) expect(limit.admit(fakeSocket('192.0.2.5'))).toBe(true);
  });
});
