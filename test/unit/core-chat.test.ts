import { beforeEach, describe, expect, it } from 'vitest';
import { LocalBus } from '../../src/bus/local.js';
import { Chat } from '../../src/core/chat.js';
import { disconnect } from '../../src/core/disconnect.js';
import type { Outcome } from '../../src/core/types.js';
import { MemoryStore } from '../../src/store/memory.js';
import type { Store } from '../../src/store/store.js';
import { RecordingDoor } from '../helpers/recording-door.js';

let ids = 0;
const options = (store: Store = new MemoryStore(), bus = new LocalBus()) => ({
  store,
  bus,
  clock: () => 1_000,
  newId: () => `id${++ids}`,
});

const expectOk = (outcome: Outcome) => {
  if (!outcome.ok) throw new Error(`expected ok, got ${outcome.error.code}: ${outcome.error.text}`);
  return outcome.reply;
};
const errorCode = (outcome: Outcome) => (outcome.ok ? 'ok' : outcome.error.code);

describe('Chat core', () => {
  let chat: Chat;
  let door: RecordingDoor;
  const named = async (name: string): Promise<string> => {
    const id = chat.connect(door, name);
    expectOk(await chat.execute(id, { type: 'register', name }));
    return id;
  };

  beforeEach(async () => {
    chat = await Chat.create(options());
    door = new RecordingDoor();
  });

  it('validates names and keeps them unique case-insensitively', async () => {
    await named('Zoë');
    const other = chat.connect(door, 'other');
    expect(errorCode(await chat.execute(other, { type: 'register', name: 'ZOË' }))).toBe('name_taken');
    expect(errorCode(await chat.execute(other, { type: 'register', name: 'ｚｏë' }))).toBe('name_taken');
    for (const bad of ['', 'two words', 'a'.repeat(33), 'tab\tname', 'zero\u200bwidth', 'bell\u0007', '-']) {
      const outcome = await chat.execute(other, { type: 'register', name: bad });
      expect(errorCode(outcome), JSON.stringify(bad)).toBe(bad === '-' ? 'ok' : 'invalid_name');
      if (outcome.ok) chat.disconnect(other, disconnect('quit'));
    }
    const third = chat.connect(door, 'third');
    expect(expectOk(await chat.execute(third, { type: 'register', name: 'Дмитрий_2.0' }))).toMatchObject({ name: 'Дмитрий_2.0' });
  });

  it('frees a name when its session ends', async () => {
    const first = await named('ann');
    chat.disconnect(first, disconnect('quit'));
    const again = chat.connect(door, 'again');
    expect(errorCode(await chat.execute(again, { type: 'register', name: 'ANN' }))).toBe('ok');
  });

  it('starts every session in general and tells the others of joins and leaves', async () => {
    await named('ann');
    const ben = await named('ben');
    expect(door.of('ann')).toEqual([{ type: 'join', room: 'general', user: { id: ben, name: 'ben' } }]);
    expect(door.of('ben')).toEqual([]);
    chat.disconnect(ben, disconnect('closed'));
    expect(door.of('ann').at(-1)).toEqual({ type: 'leave', room: 'general', user: { id: ben, name: 'ben' }, reason: 'Connection closed' });
  });

  it('numbers messages per room in order and does not echo to a door that does not want it', async () => {
    const ann = await named('ann');
    await named('ben');
    const sends = ['one', 'two', 'three'].map((text) => chat.execute(ann, { type: 'say', room: '#GENERAL', text }));
    const seqs = (await Promise.all(sends)).map((o) => {
      const reply = expectOk(o);
      return reply.type === 'sent' ? reply.message.seq : -1;
    });
    expect(seqs).toEqual([1, 2, 3]);
    expect(door.texts('ben')).toEqual(['one', 'two', 'three']);
    expect(door.texts('ann')).toEqual([]);
  });

  it('echoes to the sender on a door that asks for it, encoding once per door', async () => {
    const echoing = new RecordingDoor(true);
    const a = chat.connect(echoing, 'a');
    const b = chat.connect(echoing, 'b');
    expectOk(await chat.execute(a, { type: 'register', name: 'a' }));
    expectOk(await chat.execute(b, { type: 'register', name: 'b' }));
    const before = echoing.deliveries;
    expectOk(await chat.execute(a, { type: 'say', room: 'general', text: 'hi' }));
    expect(echoing.deliveries - before).toBe(1);
    expect(echoing.texts('a')).toEqual(['hi']);
    expect(echoing.texts('b')).toEqual(['hi']);
  });

  it('checks preconditions from the table', async () => {
    const anon = chat.connect(door, 'anon');
    expect(errorCode(await chat.execute(anon, { type: 'say', room: 'general', text: 'x' }))).toBe('not_registered');
    expect(errorCode(await chat.execute(anon, { type: 'rooms' }))).toBe('ok');
    const ann = await named('ann');
    expect(errorCode(await chat.execute(ann, { type: 'say', room: 'elsewhere', text: 'x' }))).toBe('not_in_room');
    expect(errorCode(await chat.execute(ann, { type: 'register', name: 'again' }))).toBe('already_registered');
    expect(errorCode(await chat.execute(ann, { type: 'say', room: 'general', text: ' \u0007 ' }))).toBe('empty_message');
    expect(errorCode(await chat.execute(ann, { type: 'say', room: 'general', text: 'x'.repeat(4001) }))).toBe('message_too_long');
    expect(errorCode(await chat.execute(ann, { type: 'join', room: 'bad room' }))).toBe('invalid_room');
    expect(errorCode(await chat.execute(ann, { type: 'msg', to: 'nobody', text: 'x' }))).toBe('no_such_user');
  });

  it('strips escape sequences from what others see', async () => {
    const ann = await named('ann');
    await named('ben');
    expectOk(await chat.execute(ann, { type: 'say', room: 'general', text: '\u001b[31mred\u001b[0m\u202e!' }));
    expect(door.texts('ben')).toEqual(['red!']);
  });

  it('renames with a notice to everyone who shares a room, once each', async () => {
    const ann = await named('ann');
    await named('ben');
    expectOk(await chat.execute(ann, { type: 'join', room: 'dev' }));
    const carl = await named('carl');
    expectOk(await chat.execute(carl, { type: 'join', room: 'dev' }));
    expect(expectOk(await chat.execute(ann, { type: 'nick', name: 'anna' }))).toEqual({ type: 'renamed', from: 'ann', to: 'anna' });
    // carl shares two rooms with ann, ben one: each hears of the rename once.
    expect(door.of('carl').filter((e) => e.type === 'rename')).toHaveLength(1);
    expect(door.of('ben').filter((e) => e.type === 'rename')).toHaveLength(1);
    expect(chat.nameOf(ann)).toBe('anna');
  });

  it('delivers private messages only to the recipient', async () => {
    const ann = await named('ann');
    await named('ben');
    await named('cat');
    expectOk(await chat.execute(ann, { type: 'msg', to: 'BEN', text: 'secret' }));
    expect(door.of('ben').filter((e) => e.type === 'private')).toMatchObject([{ from: 'ann', to: 'ben', text: 'secret' }]);
    expect(door.of('cat').filter((e) => e.type === 'private')).toEqual([]);
  });

  it('keeps topics and lists rooms', async () => {
    const ann = await named('ann');
    expectOk(await chat.execute(ann, { type: 'join', room: 'dev' }));
    expectOk(await chat.execute(ann, { type: 'topic', room: 'dev', text: 'Ship it' }));
    expect(expectOk(await chat.execute(ann, { type: 'topic', room: 'dev' }))).toMatchObject({ topic: 'Ship it' });
    expect(chat.listRooms()).toEqual([
      { name: 'dev', topic: 'Ship it', members: 1, lastActivity: 1_000 },
      { name: 'general', topic: '', members: 1, lastActivity: null },
    ]);
  });

  it('does not relay a message the store refused', async () => {
    const store = new MemoryStore();
    chat = await Chat.create(options(store));
    const ann = await named('ann');
    await named('ben');
    await store.close();
    expect(errorCode(await chat.execute(ann, { type: 'say', room: 'general', text: 'lost?' }))).toBe('store_unavailable');
    expect(door.texts('ben')).toEqual([]);
  });

  it('continues sequence numbers from the store after a restart', async () => {
    const store = new MemoryStore();
    chat = await Chat.create(options(store));
    const ann = await named('ann');
    expectOk(await chat.execute(ann, { type: 'say', room: 'general', text: 'a' }));
    const restarted = await Chat.create(options(store));
    const id = restarted.connect(door, 'x');
    expectOk(await restarted.execute(id, { type: 'register', name: 'ann' }));
    const reply = expectOk(await restarted.execute(id, { type: 'say', room: 'general', text: 'b' }));
    expect(reply.type === 'sent' && reply.message.seq).toBe(2);
  });

  it('refuses a bot post under a connected user name', async () => {
    await named('ann');
    expect(errorCode(await chat.postAs('ANN', 'general', 'fake'))).toBe('name_taken');
    expect(errorCode(await chat.postAs('deploy-bot', 'general', 'deployed'))).toBe('ok');
    expect(door.texts('ann')).toEqual(['deployed']);
  });

  it('joins two cores through one bus (a cheap multi-node check)', async () => {
    const bus = new LocalBus();
    const store = new MemoryStore();
    const nodeA = await Chat.create(options(store, bus));
    const nodeB = await Chat.create(options(store, bus));
    const doorA = new RecordingDoor();
    const doorB = new RecordingDoor();
    const ann = nodeA.connect(doorA, 'ann');
    const ben = nodeB.connect(doorB, 'ben');
    expectOk(await nodeA.execute(ann, { type: 'register', name: 'ann' }));
    expectOk(await nodeB.execute(ben, { type: 'register', name: 'ben' }));
    expectOk(await nodeA.execute(ann, { type: 'say', room: 'general', text: 'across nodes' }));
    expect(doorB.texts('ben')).toEqual(['across nodes']);
    nodeA.broadcast('SERVER', 'to all nodes');
    expect(doorB.of('ben').at(-1)).toMatchObject({ type: 'broadcast', text: 'to all nodes' });
  });
});

describe('Chat core: registering into a room', () => {
  it('can start a session in a room other than the default, unseen by the default room', async () => {
    const chat = await Chat.create(options());
    const door = new RecordingDoor();
    const ann = chat.connect(door, 'ann');
    expectOk(await chat.execute(ann, { type: 'register', name: 'ann' }));
    const ben = chat.connect(door, 'ben');
    const reply = expectOk(await chat.execute(ben, { type: 'register', name: 'ben', room: '#Dev' }));
    expect(reply.type === 'registered' && reply.joined.room).toBe('dev');
    expect(chat.roomsOf(ben)).toEqual(['dev']);
    expect(door.of('ann')).toEqual([]);
    const bad = chat.connect(door, 'bad');
    expect(errorCode(await chat.execute(bad, { type: 'register', name: 'cat', room: 'no spaces' }))).toBe('invalid_room');
    expect(chat.nameOf(bad)).toBeNull();
  });
});

describe('Chat core: presence notices in large rooms', () => {
  it('stops announcing joins and leaves past the limit, and resumes below it', async () => {
    const chat = await Chat.create({ ...options(), presenceNoticeLimit: 2 });
    const door = new RecordingDoor();
    const join = async (name: string) => {
      const id = chat.connect(door, name);
      expectOk(await chat.execute(id, { type: 'register', name }));
      return id;
    };
    await join('a');
    const b = await join('b');
    const c = await join('c');
    const kinds = () => door.of('a').map((e) => (e.type === 'join' || e.type === 'leave' ? `${e.type}:${e.user.name}` : e.type));
    // c's join made the room larger than the limit: neither it nor c's leave is announced.
    expect(kinds()).toEqual(['join:b']);
    chat.disconnect(c, disconnect('quit'));
    expect(kinds()).toEqual(['join:b']);
    chat.disconnect(b, disconnect('quit'));
    expect(kinds()).toEqual(['join:b', 'leave:b']);
    expect(chat.members('general')?.map((u) => u.name)).toEqual(['a']);
  });
});

describe('Chat core: one text rule', () => {
  it('limits room and private messages alike, in characters', async () => {
    const chat = await Chat.create(options());
    const door = new RecordingDoor();
    const ann = chat.connect(door, 'ann');
    const ben = chat.connect(door, 'ben');
    expectOk(await chat.execute(ann, { type: 'register', name: 'ann' }));
    expectOk(await chat.execute(ben, { type: 'register', name: 'ben' }));
    const fits = '👋'.repeat(4000);
    expect(errorCode(await chat.execute(ann, { type: 'say', room: 'general', text: fits }))).toBe('ok');
    expect(errorCode(await chat.execute(ann, { type: 'msg', to: 'ben', text: fits }))).toBe('ok');
    expect(errorCode(await chat.execute(ann, { type: 'say', room: 'general', text: `${fits}!` }))).toBe('message_too_long');
    expect(errorCode(await chat.execute(ann, { type: 'msg', to: 'ben', text: `${fits}!` }))).toBe('message_too_long');
    expect(errorCode(await chat.execute(ann, { type: 'msg', to: 'ben', text: '\u0007 ' }))).toBe('empty_message');
  });
});
