import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RoomSequencer, type Schedule } from '../../src/core/sequencer.js';
import type { ChatMessage } from '../../src/core/types.js';
import { fuzzParams } from '../helpers/fuzz.js';

const msg = (seq: number): ChatMessage => ({ id: `m${seq}`, room: 'r', seq, kind: 'chat', author: 'a', text: `t${seq}`, ts: seq });

/** Timers that run only when the test says so. */
function manualTimers() {
  const pending = new Set<() => void>();
  const schedule: Schedule = (run) => {
    pending.add(run);
    return { cancel: () => pending.delete(run) };
  };
  const fire = () => {
    const runs = [...pending];
    pending.clear();
    for (const run of runs) run();
  };
  return { schedule, fire, get count() { return pending.size; } };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

function setup(stored: ChatMessage[], start = 0) {
  const timers = manualTimers();
  const delivered: number[] = [];
  const fills: Array<[number, number]> = [];
  let reads = 0;
  const seq = new RoomSequencer('r', start, {
    fetchAfter: async (_room, after, limit) => {
      reads++;
      return stored.filter((m) => m.seq > after).slice(0, limit);
    },
    deliver: (m) => delivered.push(m.seq),
    schedule: timers.schedule,
    onFill: (_room, from, count) => fills.push([from, count]),
  });
  return { seq, timers, delivered, fills, reads: () => reads };
}

describe('RoomSequencer', () => {
  it('delivers in order at once when nothing is missing, and drops repeats', () => {
    const { seq, delivered, timers } = setup([]);
    for (const n of [1, 2, 2, 3, 1]) seq.accept(msg(n));
    expect(delivered).toEqual([1, 2, 3]);
    expect(timers.count).toBe(0);
  });

  it('holds an early message until the missing one arrives by the bus', () => {
    const { seq, delivered, reads } = setup([]);
    seq.accept(msg(2));
    seq.accept(msg(3));
    expect(delivered).toEqual([]);
    seq.accept(msg(1));
    expect(delivered).toEqual([1, 2, 3]);
    expect(reads()).toBe(0);
  });

  it('fills a gap the bus does not fill from the store', async () => {
    const all = [1, 2, 3, 4, 5].map(msg);
    const { seq, delivered, timers, fills } = setup(all);
    seq.accept(msg(1));
    seq.accept(msg(4));
    seq.accept(msg(5));
    timers.fire();
    await settle();
    expect(delivered).toEqual([1, 2, 3, 4, 5]);
    expect(fills).toEqual([[2, 4]]);
    seq.accept(msg(3)); // the lost one turns up late: not delivered twice
    expect(delivered).toEqual([1, 2, 3, 4, 5]);
  });

  it('finds a lost last message in the store a while after deliveries (tail check)', async () => {
    const timers = manualTimers();
    const delivered: number[] = [];
    const stored = [1, 2, 3].map(msg);
    const seq = new RoomSequencer('r', 0, {
      fetchAfter: async (_room, after) => stored.filter((m) => m.seq > after),
      deliver: (m) => delivered.push(m.seq),
      schedule: timers.schedule,
      tailCheckMs: 1000,
    });
    seq.accept(msg(1));
    seq.accept(msg(2)); // 3 was committed but its announcement was lost: nothing later reveals it
    expect(delivered).toEqual([1, 2]);
    timers.fire();
    await settle();
    expect(delivered).toEqual([1, 2, 3]);
    timers.fire(); // armed again by the delivery of 3; nothing new now
    await settle();
    expect(delivered).toEqual([1, 2, 3]);
    expect(timers.count).toBe(0);
  });

  it('starts after what a joining member was already shown', () => {
    const { seq, delivered } = setup([], 10);
    seq.accept(msg(10));
    seq.accept(msg(11));
    seq.advanceTo(20);
    seq.accept(msg(20));
    seq.accept(msg(21));
    expect(delivered).toEqual([11, 21]);
  });

  it('delivers every message once and in order, whatever the bus loses, repeats or reorders (fuzz)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 60 }),
        fc.array(fc.tuple(fc.nat(), fc.boolean(), fc.boolean()), { maxLength: 200 }),
        async (count, noise) => {
          const all = Array.from({ length: count }, (_, i) => msg(i + 1));
          const { seq, delivered, timers } = setup(all);
          // The bus's view: each message maybe lost, maybe repeated, in a shuffled order.
          const arrivals: ChatMessage[] = [];
          all.forEach((m, i) => {
            const [, lost, repeated] = noise[i] ?? [0, false, false];
            if (!lost) arrivals.push(m);
            if (repeated) arrivals.push(m);
          });
          if (arrivals.length > 1) noise.forEach(([k], i) => {
            const a = i % arrivals.length;
            const b = k % arrivals.length;
            [arrivals[a], arrivals[b]] = [arrivals[b] as ChatMessage, arrivals[a] as ChatMessage];
          });
          for (const m of arrivals) seq.accept(m);
          // The last message always arrives eventually (the next send would reveal any gap).
          seq.accept(all[all.length - 1] as ChatMessage);
          for (let round = 0; round < 5 && delivered.length < count; round++) {
            timers.fire();
            await settle();
          }
          expect(delivered).toEqual(all.map((m) => m.seq));
        },
      ),
      fuzzParams(300),
    );
  });
});
