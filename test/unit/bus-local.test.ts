import { describe, expect, it } from 'vitest';
import { LocalBus } from '../../src/bus/local.js';
import { busContract } from '../contracts/bus-contract.js';

// In one process, "two nodes" share one LocalBus instance.
busContract('local (in-process)', async () => {
  const bus = new LocalBus();
  return { a: bus, b: bus, close: () => bus.close() };
});

describe('LocalBus', () => {
  it('delivers every room to every subscription, watched or not (the core filters)', async () => {
    const bus = new LocalBus();
    const seen: string[] = [];
    bus.subscribe((e) => seen.push(e.audience.kind === 'room' ? e.audience.room : ''));
    await bus.publish({ audience: { kind: 'room', room: 'unwatched' }, event: { type: 'broadcast', from: 'x', text: 'y', ts: 0 } });
    expect(seen).toEqual(['unwatched']);
  });
});
