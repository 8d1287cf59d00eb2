import { describe, expect, it } from 'vitest';
import { Backoff, formatDelay } from '../../clients/cli/backoff.js';
import { parseTarget } from '../../clients/cli/target.js';

describe('Backoff', () => {
  it('doubles from initialMs and caps at maxMs', () => {
    const b = new Backoff({ initialMs: 1000, maxMs: 30_000 });
    const delays = Array.from({ length: 8 }, () => b.next());
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
  });

  it('starts over after reset', () => {
    const b = new Backoff({ initialMs: 100, maxMs: 1000 });
    b.next();
    b.next();
    b.reset();
    expect(b.attempts).toBe(0);
    expect(b.next()).toBe(100);
  });

  it('gives up after maxAttempts', () => {
    const b = new Backoff({ initialMs: 10, maxMs: 100, maxAttempts: 2 });
    expect([b.next(), b.next(), b.next()]).toEqual([10, 20, null]);
    expect(b.attempts).toBe(2);
  });

  it('never overflows on a very long outage', () => {
    const b = new Backoff({ initialMs: 1000, maxMs: 30_000 });
    for (let i = 0; i < 5000; i++) b.next();
    expect(b.next()).toBe(30_000);
  });

  it('refuses nonsense settings', () => {
    expect(() => new Backoff({ initialMs: 0, maxMs: 10 })).toThrow(RangeError);
    expect(() => new Backoff({ initialMs: 100, maxMs: 10 })).toThrow(RangeError);
  });

  it('formats delays the way the reconnect message reads', () => {
    expect([formatDelay(50), formatDelay(1000), formatDelay(2000), formatDelay(2500), formatDelay(30_000)]).toEqual([
      '50ms',
      '1s',
      '2s',
      '2.5s',
      '30s',
    ]);
  });
});

describe('parseTarget', () => {
  it.each([
    [undefined, '127.0.0.1', 4000],
    ['', '127.0.0.1', 4000],
    ['example.org', 'example.org', 4000],
    ['example.org:4600', 'example.org', 4600],
    [':4600', '127.0.0.1', 4600],
    ['[::1]:4600', '::1', 4600],
    ['[::1]', '::1', 4000],
    ['::1', '::1', 4000],
    ['10.0.0.2:1', '10.0.0.2', 1],
  ])('%s -> %s:%i', (arg, host, port) => {
    expect(parseTarget(arg)).toEqual({ host, port });
  });

  it.each(['host:', 'host:abc', 'host:0', 'host:70000', '[::1', '[]:4000', '[::1]:x'])('rejects %s', (arg) => {
    expect(() => parseTarget(arg)).toThrow(RangeError);
  });
});
