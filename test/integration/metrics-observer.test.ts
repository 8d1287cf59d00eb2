import { describe, expect, it } from 'vitest';
import { LocalBus } from '../../src/bus/local.js';
import { Chat } from '../../src/core/chat.js';
import { disconnect } from '../../src/core/disconnect.js';
import type { Observer } from '../../src/core/ports/observer.js';
import { MemoryStore } from '../../src/store/memory.js';
import { RecordingDoor } from '../helpers/recording-door.js';

/** The core's Observer port: what the core reports, with a recording observer and no metrics library. */

class RecordingObserver implements Observer {
  readonly calls: Array<[string, ...unknown[]]> = [];
  sessionOpened(door: string): void {
    this.calls.push(['opened', door]);
  }
  sessionClosed(door: string, code: string): void {
    this.calls.push(['closed', door, code]);
  }
  messageStored(storeMs: number): void {
    this.calls.push(['stored', storeMs]);
  }
  commandRefused(type: string, code: string): void {
    this.calls.push(['refused', type, code]);
  }
  resumed(outcome: string): void {
    this.calls.push(['resumed', outcome]);
  }
  delivered(door: string, count: number, latencyMs?: number): void {
    this.calls.push(['delivered', door, count, latencyMs]);
  }
  named(kind: string): Array<[string, ...unknown[]]> {
    return this.calls.filter((c) => c[0] === kind);
  }
}

async function chatWith(observer: Observer, clock: () => number) {
  let n = 0;
  return Chat.create({ store: new MemoryStore(), bus: new LocalBus(), clock, newId: () => `id${++n}`, observer, maxMessageLength: 10 });
}

describe('the Observer port', () => {
  it('reports sessions, stored and refused messages, and deliveries with their latency', async () => {
    const observer = new RecordingObserver();
    let now = 1_000;
    const chat = await chatWith(observer, () => now);
    const door = new RecordingDoor();
    const ann = chat.connect(door, 'ann');
    const ben = chat.connect(door, 'ben');
    const cy = chat.connect(door, 'cy');
    for (const [id, name] of [[ann, 'ann'], [ben, 'ben'], [cy, 'cy']] as const) await chat.execute(id, { type: 'register', name });
    observer.calls.length = 0;

    const sent = chat.execute(ann, { type: 'say', room: 'general', text: 'hi' });
    now += 7; // the clock moves while the message is stored
    expect((await sent).ok).toBe(true);
    expect(door.texts('ben')).toEqual(['hi']);
    expect(observer.named('stored')).toHaveLength(1);
    // One hand-over of the message to the door: ben and cy, not the sender.
    const messageDelivery = observer.named('delivered').find((c) => c[3] !== undefined);
    expect(messageDelivery).toEqual(['delivered', 'recording', 2, 7]);

    expect((await chat.execute(ann, { type: 'say', room: 'general', text: 'much too long' })).ok).toBe(false);
    expect(observer.named('refused')).toEqual([['refused', 'say', 'message_too_long']]);
    expect((await chat.postAs('ben', 'general', 'x')).ok).toBe(false);
    expect(observer.named('refused').at(-1)).toEqual(['refused', 'post', 'name_taken']);

    chat.disconnect(cy, disconnect('slow_reader'));
    expect(observer.named('closed')).toEqual([['closed', 'recording', 'slow_reader']]);
    chat.disconnect(cy, disconnect('closed'));
    expect(observer.named('closed')).toHaveLength(1); // once per session
    chat.close();
  });

  it('counts every session opened by door', async () => {
    const observer = new RecordingObserver();
    const chat = await chatWith(observer, () => 0);
    chat.connect(new RecordingDoor(), 'a');
    expect(observer.named('opened')).toEqual([['opened', 'recording']]);
    chat.close();
  });
});
