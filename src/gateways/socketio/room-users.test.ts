import { describe, expect, it } from 'vitest';
import { RoomUsersScheduler } from './room-users.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('RoomUsersScheduler', () => {
  it('sends each dirty room once per tick, however often it was marked', async () => {
    const sent: string[] = [];
    const scheduler = new RoomUsersScheduler((room) => sent.push(room));
    for (let i = 0; i < 1000; i++) scheduler.mark(i % 2 === 0 ? 'a' : 'b');
    expect(sent).toEqual([]);
    await tick();
    expect(sent.sort()).toEqual(['a', 'b']);
    scheduler.mark('a');
    await tick();
    expect(sent).toEqual(['a', 'b', 'a']);
  });

  it('sends nothing after close', async () => {
    const sent: string[] = [];
    const scheduler = new RoomUsersScheduler((room) => sent.push(room));
    scheduler.mark('a');
    scheduler.close();
    await tick();
    expect(sent).toEqual([]);
  });
});
