import { describe, expect, it } from 'vitest';
import { LocalBus } from '../../src/bus/local.js';
import { Chat, MAX_ROOMS_PAGE } from '../../src/core/chat.js';
import { disconnect } from '../../src/core/disconnect.js';
import type { Door } from '../../src/core/door.js';
import type { ChatEvent, Outcome } from '../../src/core/types.js';
import { MemoryStore } from '../../src/store/memory.js';
import type { Appended, MessageDraft, Store } from '../../src/store/store.js';
import { RecordingDoor } from '../helpers/recording-door.js';

let ids = 0;
const DAY = 24 * 60 * 60 * 1000;

async function setup(store: Store = new MemoryStore(), extra: { clock?: () => number; onDeliveryError?: (e: unknown, door: string) => void } = {}) {
  const chat = await Chat.create({ store, bus: new LocalBus(), clock: extra.clock ?? (() => 1_000), newId: () => `id${++ids}`, onDeliveryError: extra.onDeliveryError });
  const door = new RecordingDoor();
  const named = async (name: string, on: Door<string> = door): Promise<string> => {
    const id = chat.connect(on, name);
    const outcome = await chat.execute(id, { type: 'register', name });
    if (!outcome.ok) throw new Error(outcome.error.text);
    return id;
  };
  return { chat, door, named };
}

const sent = (outcome: Outcome) => {
  if (!outcome.ok || outcome.reply.type !== 'sent') throw new Error(`expected sent, got ${JSON.stringify(outcome)}`);
  return outcome.reply.message;
};

describe('retries with a client id', () => {
  it('store and deliver a message once; the retry gets the first ack', async () => {
    const { chat, door, named } = await setup();
    const ann = await named('ann');
    await named('ben');
    const first = sent(await chat.execute(ann, { type: 'say', room: 'general', text: 'hello', clientId: 'c1' }));
    const retry = sent(await chat.execute(ann, { type: 'say', room: 'general', text: 'hello', clientId: 'c1' }));
    expect(retry).toEqual(first);
    expect(door.texts('ben')).toEqual(['hello']);
    const next = sent(await chat.execute(ann, { type: 'say', room: 'general', text: 'next' }));
    expect(next.seq).toBe(first.seq + 1);
  });

  it('count a retry sent while the first is still being stored as the same message', async () => {
    const { chat, door, named } = await setup();
    const ann = await named('ann');
    await named('ben');
    const [a, b] = await Promise.all([
      chat.execute(ann, { type: 'say', room: 'general', text: 'twice', clientId: 'x' }),
      chat.execute(ann, { type: 'say', room: 'general', text: 'twice', clientId: 'x' }),
    ]);
    expect(sent(a)).toEqual(sent(b));
    expect(door.texts('ben')).toEqual(['twice']);
  });

  it('apply to bots posting through postAs', async () => {
    const { chat } = await setup();
    const first = sent(await chat.postAs('deploybot', 'ops', 'deployed', 'chat', 'key-1'));
    expect(sent(await chat.postAs('deploybot', 'ops', 'deployed', 'chat', 'key-1'))).toEqual(first);
    expect((await chat.history('ops', {})) as unknown[]).toHaveLength(1);
  });
});

describe('draining at shutdown', () => {
  it('answers commands already running, refuses later ones, and resolves once all are answered', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const store = new MemoryStore();
    const slow: Store = {
      loadRooms: () => store.loadRooms(),
      history: (room, query) => store.history(room, query),
      ping: () => store.ping(),
      flush: () => store.flush(),
      close: () => store.close(),
      append: async (draft: MessageDraft): Promise<Appended> => {
        await gate;
        return store.append(draft);
      },
    };
    const { chat, named } = await setup(slow);
    const ann = await named('ann');
    const running = chat.execute(ann, { type: 'say', room: 'general', text: 'in flight' });
    let drained = false;
    const drain = chat.drain().then(() => (drained = true));
    const late = await chat.execute(ann, { type: 'say', room: 'general', text: 'too late' });
    expect(late).toMatchObject({ ok: false, error: { code: 'shutting_down' } });
    await new Promise((r) => setTimeout(r, 10));
    expect(drained).toBe(false);
    release();
    expect(sent(await running).text).toBe('in flight');
    await drain;
    expect(drained).toBe(true);
  });
});

describe('door isolation', () => {
  it('one door throwing does not stop delivery to others nor fail the sender', async () => {
    const failures: string[] = [];
    const { chat, door, named } = await setup(new MemoryStore(), { onDeliveryError: (_e, name) => failures.push(name) });
    const broken: Door<string> = {
      name: 'broken',
      echoOwnMessages: false,
      deliver: (event: ChatEvent) => {
        if (event.type === 'message') throw new Error('socket exploded');
      },
    };
    const ann = await named('ann');
    await named('mallory', broken);
    await named('ben');
    const outcome = await chat.execute(ann, { type: 'say', room: 'general', text: 'still here' });
    expect(outcome.ok).toBe(true);
    expect(door.texts('ben')).toEqual(['still here']);
    expect(failures).toEqual(['broken']);
  });
});

describe('room lists', () => {
  it('are paged with a cursor and never exceed the page bound', async () => {
    const { chat, named } = await setup();
    const ann = await named('ann');
    for (let i = 0; i < 450; i++) await chat.postAs('bot', `room-${String(i).padStart(3, '0')}`, 'x');
    const seen: string[] = [];
    let after: string | undefined;
    for (let page = 0; page < 10; page++) {
      const outcome = await chat.execute(ann, { type: 'rooms', after, limit: 1000 });
      if (!outcome.ok || outcome.reply.type !== 'rooms') throw new Error('rooms failed');
      expect(outcome.reply.rooms.length).toBeLessThanOrEqual(MAX_ROOMS_PAGE);
      seen.push(...outcome.reply.rooms.map((r) => r.name));
      if (outcome.reply.next === null) break;
      after = outcome.reply.next;
    }
    expect(seen).toHaveLength(451); // 450 rooms and general
    expect(new Set(seen).size).toBe(451);
    expect([...seen].sort()).toEqual(seen);
  });

  it('forget rooms with no members and no message within the retention', async () => {
    let now = 1_000;
    const { chat, named } = await setup(new MemoryStore(), { clock: () => now });
    await named('ann');
    await chat.postAs('bot', 'old', 'long ago');
    now += 31 * DAY;
    await chat.postAs('bot', 'fresh', 'today');
    expect(chat.listRooms().map((r) => r.name)).toEqual(['fresh', 'general']);
  });
});

describe('line breaks and odd text', () => {
  it('keep line breaks, normalise CR, and replace lone surrogates the same for live and history', async () => {
    const { chat, door, named } = await setup();
    const ann = await named('ann');
    await named('ben');
    sent(await chat.execute(ann, { type: 'say', room: 'general', text: 'multi\r\nline\rtext \ud800 end' }));
    const history = await chat.history('general', {});
    expect(door.texts('ben')).toEqual(['multi\nline\ntext \ufffd end']);
    expect(Array.isArray(history) && history.map((m) => m.text)).toEqual(door.texts('ben'));
  });

  it('keep a topic on one line', async () => {
    const { chat, named } = await setup();
    const ann = await named('ann');
    const outcome = await chat.execute(ann, { type: 'topic', room: 'general', text: 'release\nday' });
    expect(outcome).toMatchObject({ ok: true, reply: { topic: 'release day' } });
  });
});

describe('disconnect reasons', () => {
  it('reach the others as the leave reason and the doors as a code', async () => {
    const { chat, door, named } = await setup();
    const ann = await named('ann');
    await named('ben');
    chat.disconnect(ann, disconnect('slow_reader'));
    expect(door.of('ben').at(-1)).toMatchObject({ type: 'leave', reason: 'Too slow: outgoing buffer full' });
    chat.shutdown();
    expect(door.of('ben').at(-1)).toEqual({ type: 'disconnect', code: 'shutdown', reason: 'Server is shutting down. Bye!' });
  });
});

describe('a message committed by a node that died before announcing it', () => {
  it('reaches the other nodes when its sender retries elsewhere', async () => {
    const store = new MemoryStore();
    const local = new LocalBus();
    let dropNextMessage = true;
    // Stands in for node A dying between its commit and its publish: the first message envelope is lost.
    const lossy = {
      state: local.state,
      publish: (envelope: Parameters<LocalBus['publish']>[0]) => {
        if (envelope.event.type === 'message' && dropNextMessage) {
          dropNextMessage = false;
          return Promise.resolve();
        }
        return local.publish(envelope);
      },
      subscribe: (handler: Parameters<LocalBus['subscribe']>[0]) => local.subscribe(handler),
      onStateChange: () => () => {},
      close: () => local.close(),
    };
    const nodeA = await Chat.create({ store, bus: lossy, clock: () => 1_000, newId: () => `a${++ids}`, nodeId: 'a' });
    const nodeB = await Chat.create({ store, bus: local, clock: () => 1_000, newId: () => `b${++ids}`, nodeId: 'b' });
    const door = new RecordingDoor();
    const watcher = nodeB.connect(door, 'watcher');
    await nodeB.execute(watcher, { type: 'register', name: 'watcher' });
    const ann = nodeA.connect(door, 'ann-on-a');
    await nodeA.execute(ann, { type: 'register', name: 'ann' });
    sent(await nodeA.execute(ann, { type: 'say', room: 'general', text: 'committed, never announced', clientId: 'k1' }));
    expect(door.texts('watcher')).toEqual([]);
    nodeA.disconnect(ann, disconnect('closed'));
    const again = nodeB.connect(door, 'ann-on-b');
    await nodeB.execute(again, { type: 'register', name: 'ann' });
    const retry = await nodeB.execute(again, { type: 'say', room: 'general', text: 'committed, never announced', clientId: 'k1' });
    expect(retry).toMatchObject({ ok: true, reply: { replayed: true } });
    expect(door.texts('watcher')).toEqual(['committed, never announced']);
  });
});
