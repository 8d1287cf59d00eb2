import { describe, expect, it } from 'vitest';
import { backoffDelay, portError, redactUrl } from '../../src/cluster/redis-connection.js';
import { PortUnavailableError } from '../../src/core/ports/unavailable.js';

describe('Redis connection helpers', () => {
  it('backs off by doubling from 50 ms up to the cap, with at most 20 % jitter', () => {
    const none = () => 0;
    expect([1, 2, 3, 4, 5, 6, 7, 30].map((n) => backoffDelay(n, 2000, none))).toEqual([50, 100, 200, 400, 800, 1600, 2000, 2000]);
    expect(backoffDelay(1, 2000, () => 0.999)).toBeLessThanOrEqual(60);
    expect(backoffDelay(1000, 5000, () => 0.999)).toBeLessThanOrEqual(6000);
  });

  it('never shows a password from the URL', () => {
    expect(redactUrl('redis://user:secret@10.0.0.1:6380/0')).toBe('redis://user:***@10.0.0.1:6380/0');
    expect(redactUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
    expect(redactUrl('not a url')).toBe('(an unparsable URL)');
  });

  it('turns connection failures into PortUnavailableError and keeps Redis error replies as defects', () => {
    const lost = portError('names', new Error("Stream isn't writeable and enableOfflineQueue options is false"));
    expect(lost).toBeInstanceOf(PortUnavailableError);
    expect(lost).toMatchObject({ code: 'bus_unavailable', port: 'names' });
    const reply = Object.assign(new Error('ERR wrong number of arguments'), { name: 'ReplyError' });
    expect(portError('names', reply)).toBe(reply);
  });
});
