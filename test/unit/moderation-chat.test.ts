import { beforeEach, describe, expect, it } from 'vitest';
import { LocalBus } from '../../src/bus/local.js';
import { Chat } from '../../src/core/chat.js';
import { Identity } from '../../src/core/identity.js';
import type { Credentials } from '../../src/core/ports/credentials.js';
import type { ChatEvent, Command, Outcome, Reply } from '../../src/core/types.js';
import { MemoryStore } from '../../src/store/memory.js';
import { MemoryNames } from '../../src/core/ports/names-memory.js';
import { MemoryPresence } from '../../src/core/ports/presence-memory.js';
import { RecordingDoor } from '../helpers/recording-door.js';

/** Moderation through the core: a clock the test moves, a memory store, real Identity with quick hashing. */

const fastCredentials: Credentials = {
  hashPassword: async (p) => `plain:${p}`,
  verifyPassword: async (h, p) => h === `plain:${p}`,
  newToken: () => `tok${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`,
  digest: (t) => `d:${t}`,
};
const PASSWORD = 'a good long password';

const expectOk = (outcome: Outcome): Reply => {
  if (!outcome.ok) throw new Error(`expected ok, got ${outcome.error.code}: ${outcome.error.text}`);
  return outcome.reply;
};
const codeOf = (outcome: Outcome): string => (outcome.ok ? 'ok' : outcome.error.code);

describe('Moderation in the core', () => {
  let now: number;
  let chat: Chat;
  let store: MemoryStore;
  let door: RecordingDoor;
  let ids = 0;

  async function start(): Promise<void> {
    const identity = new Identity({ accounts: store, credentials: fastCredentials, clock: () => now, newId: () => `a${++ids}`, admins: ['Root'] });
    chat = await Chat.create({ store, bus: new LocalBus(), clock: () => now, newId: () => `id${++ids}`, identity });
  }

  beforeEach(async () => {
    now = 1_700_000_000_000;
    store = new MemoryStore();
    door = new RecordingDoor();
    await start();
  });

  /** A logged-in user (the account is made on first use) in #general. */
  async function member(name: string, peer = '10.0.0.1'): Promise<string> {
    const id = chat.connect(door, name, peer);
    const tried = await chat.execute(id, { type: 'login', name, password: PASSWORD, secure: true });
    if (!tried.ok) expectOk(await chat.execute(id, { type: 'signup', name, password: PASSWORD, secure: true }));
    return id;
  }

  async function guest(name: string, peer = '10.0.0.9'): Promise<string> {
    const id = chat.connect(door, name, peer);
    expectOk(await chat.execute(id, { type: 'register', name }));
    return id;
  }

  const run = (id: string, command: Command) => chat.execute(id, command);
  const moderation = (link: string): ChatEvent[] => door.of(link).filter((e) => e.type === 'moderation');

  it('makes the logged-in creator of a room its owner, and shows roles in member lists', async () => {
    const olga = await member('Olga');
    const bob = await member('Bob');
    expectOk(await run(olga, { type: 'join', room: 'den' }));
    expectOk(await run(bob, { type: 'join', room: 'den' }));
    expect(codeOf(await run(bob, { type: 'role', room: 'den', name: 'Olga', role: 'op', grant: false }))).toBe('not_operator');
    expectOk(await run(olga, { type: 'role', room: 'den', name: 'Bob', role: 'voice', grant: true }));
    const who = expectOk(await run(olga, { type: 'who', room: 'den' }));
    expect(who).toMatchObject({ users: [{ name: 'Olga', role: 'owner' }, { name: 'Bob', role: 'voice' }] });
    expect(moderation('Bob').map((e) => (e.type === 'moderation' ? e.entry.action : ''))).toEqual(['voice']);
  });

  it('gives no role to a guest, and a guest creating a room does not own it', async () => {
    const gus = await guest('gus');
    const olga = await member('Olga');
    expectOk(await run(gus, { type: 'join', room: 'den' }));
    expect(codeOf(await run(gus, { type: 'kick', room: 'den', name: 'Olga' }))).toBe('not_operator');
    expect(codeOf(await run(olga, { type: 'role', room: 'den', name: 'gus', role: 'op', grant: true }))).toBe('not_operator');
    const root = await member('Root');
    expect(codeOf(await run(root, { type: 'role', room: 'den', name: 'gus', role: 'op', grant: true }))).toBe('no_such_user');
  });

  it('lets an admin act as owner anywhere', async () => {
    const olga = await member('Olga');
    expectOk(await run(olga, { type: 'join', room: 'den' }));
    const root = await member('Root');
    const bob = await member('Bob');
    expectOk(await run(root, { type: 'role', room: 'den', name: 'Bob', role: 'op', grant: true }));
    expect(codeOf(await run(bob, { type: 'kick', room: 'den', name: 'Olga' }))).toBe('not_operator');
    expectOk(await run(root, { type: 'kick', room: 'den', name: 'Olga', reason: 'test' }));
    expect(chat.roomsOf(olga)).not.toContain('den');
  });

  it('ends a timed ban when its time is up, without waiting', async () => {
    const olga = await member('Olga');
    expectOk(await run(olga, { type: 'join', room: 'den' }));
    const gus = await guest('gus');
    expectOk(await run(gus, { type: 'join', room: 'den' }));
    expectOk(await run(olga, { type: 'ban', room: 'den', name: 'gus', durationMs: 10 * 60_000, reason: 'spam' }));
    expect(chat.roomsOf(gus)).not.toContain('den');
    const refused = await run(gus, { type: 'join', room: 'den' });
    expect(codeOf(refused)).toBe('banned');
    expect(refused.ok ? '' : refused.error.text).toBe('You are banned from #den for 10m more (spam).');
    now += 10 * 60_000 - 1;
    expect(codeOf(await run(gus, { type: 'join', room: 'den' }))).toBe('banned');
    now += 1;
    expectOk(await run(gus, { type: 'join', room: 'den' }));
    expectOk(await run(gus, { type: 'say', room: 'den', text: 'back' }));
  });

  it('keeps a banned guest out under another name from the same address, not guests from elsewhere', async () => {
    const olga = await member('Olga');
    expectOk(await run(olga, { type: 'join', room: 'den' }));
    const gus = await guest('gus', '10.9.9.9');
    expectOk(await run(gus, { type: 'join', room: 'den' }));
    expectOk(await run(olga, { type: 'ban', room: 'den', name: 'gus' }));
    const other = await guest('gus2', '10.9.9.9');
    expect(codeOf(await run(other, { type: 'join', room: 'den' }))).toBe('banned');
    const elsewhere = await guest('hal', '10.1.1.1');
    expectOk(await run(elsewhere, { type: 'join', room: 'den' }));
    expectOk(await run(olga, { type: 'unban', room: 'den', name: 'gus' }));
    expectOk(await run(other, { type: 'join', room: 'den' }));
  });

  it('stops a banned member speaking even where it is still a member (another node kept it)', async () => {
    const olga = await member('Olga');
    expectOk(await run(olga, { type: 'join', room: 'den' }));
    const bob = await member('Bob');
    expectOk(await run(bob, { type: 'join', room: 'den' }));
    expectOk(await run(olga, { type: 'mute', room: 'den', name: 'Bob', durationMs: 60_000 }));
    expect(chat.roomsOf(bob)).toContain('den');
    expect(codeOf(await run(bob, { type: 'say', room: 'den', text: 'hi' }))).toBe('muted');
    expect(codeOf(await run(bob, { type: 'topic', room: 'den', text: 'mine' }))).toBe('muted');
    now += 60_000;
    expectOk(await run(bob, { type: 'say', room: 'den', text: 'hi' }));
    expectOk(await run(olga, { type: 'mute', room: 'den', name: 'Bob' }));
    expectOk(await run(olga, { type: 'unmute', room: 'den', name: 'Bob' }));
    expectOk(await run(bob, { type: 'say', room: 'den', text: 'again' }));
  });

  it('slowmode refuses with the seconds left; operators and voiced users are exempt', async () => {
    const olga = await member('Olga');
    expectOk(await run(olga, { type: 'join', room: 'den' }));
    const gus = await guest('gus');
    expectOk(await run(gus, { type: 'join', room: 'den' }));
    expectOk(await run(olga, { type: 'mode', room: 'den', setting: 'slowmode', value: '30' }));
    expectOk(await run(gus, { type: 'say', room: 'den', text: 'one' }));
    now += 12_000;
    const refused = await run(gus, { type: 'say', room: 'den', text: 'two' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'slowmode', retryAfterMs: 18_000 } });
    expect(refused.ok ? '' : refused.error.text).toContain('wait 18 s');
    expectOk(await run(olga, { type: 'say', room: 'den', text: 'ops talk' }));
    expectOk(await run(olga, { type: 'say', room: 'den', text: 'ops talk more' }));
    now += 18_000;
    expectOk(await run(gus, { type: 'say', room: 'den', text: 'two' }));
  });

  it('slowmode: a retry of the accepted message (same client id) gets its first ack, not a refusal', async () => {
    const olga = await member('Olga');
    expectOk(await run(olga, { type: 'join', room: 'den' }));
    const gus = await guest('gus');
    expectOk(await run(gus, { type: 'join', room: 'den' }));
    expectOk(await run(olga, { type: 'mode', room: 'den', setting: 'slowmode', value: '30' }));
    const first = expectOk(await run(gus, { type: 'say', room: 'den', text: 'one', clientId: 'c1' }));
    now += 1000;
    const retry = expectOk(await run(gus, { type: 'say', room: 'den', text: 'one', clientId: 'c1' }));
    expect(retry).toMatchObject({ type: 'sent', replayed: true, message: { id: first.type === 'sent' ? first.message.id : '' } });
    expect(codeOf(await run(gus, { type: 'say', room: 'den', text: 'two', clientId: 'c2' }))).toBe('slowmode');
  });

  it('the topic lock holds during slowmode too (slowmode paces messages, not topics)', async () => {
    const olga = await member('Olga');
    expectOk(await run(olga, { type: 'join', room: 'den' }));
    const gus = await guest('gus');
    expectOk(await run(gus, { type: 'join', room: 'den' }));
    expectOk(await run(olga, { type: 'mode', room: 'den', setting: 'slowmode', value: '30' }));
    expectOk(await run(olga, { type: 'mode', room: 'den', setting: 'topiclock', value: 'on' }));
    expectOk(await run(gus, { type: 'say', room: 'den', text: 'one' }));
    expect(codeOf(await run(gus, { type: 'topic', room: 'den', text: 'mine now' }))).toBe('not_operator');
  });

  it('moderated rooms: only voiced users and operators speak', async () => {
    const olga = await member('Olga');
    expectOk(await run(olga, { type: 'join', room: 'den' }));
    const bob = await member('Bob');
    const gus = await guest('gus');
    for (const id of [bob, gus]) expectOk(await run(id, { type: 'join', room: 'den' }));
    expectOk(await run(olga, { type: 'mode', room: 'den', setting: 'moderated', value: 'on' }));
    expect(codeOf(await run(gus, { type: 'say', room: 'den', text: 'x' }))).toBe('moderated');
    expect(codeOf(await run(bob, { type: 'say', room: 'den', text: 'x' }))).toBe('moderated');
    expectOk(await run(olga, { type: 'role', room: 'den', name: 'Bob', role: 'voice', grant: true }));
    expectOk(await run(bob, { type: 'say', room: 'den', text: 'x' }));
    expect(codeOf(await run(bob, { type: 'mode', room: 'den', setting: 'moderated', value: 'off' }))).toBe('not_operator');
  });

  it('invite-only, topic lock and member limit', async () => {
    const olga = await member('Olga');
    expectOk(await run(olga, { type: 'join', room: 'den' }));
    const bob = await member('Bob');
    const gus = await guest('gus');
    expectOk(await run(olga, { type: 'mode', room: 'den', setting: 'inviteonly', value: 'on' }));
    expect(codeOf(await run(bob, { type: 'join', room: 'den' }))).toBe('invite_only');
    expectOk(await run(olga, { type: 'invite', room: 'den', name: 'Bob' }));
    expectOk(await run(bob, { type: 'join', room: 'den' }));
    expectOk(await run(olga, { type: 'mode', room: 'den', setting: 'inviteonly', value: 'off' }));
    expectOk(await run(olga, { type: 'mode', room: 'den', setting: 'limit', value: '2' }));
    expect(codeOf(await run(gus, { type: 'join', room: 'den' }))).toBe('room_full');
    expectOk(await run(olga, { type: 'mode', room: 'den', setting: 'topiclock', value: 'on' }));
    expect(codeOf(await run(bob, { type: 'topic', room: 'den', text: 'bob rules' }))).toBe('not_operator');
    expectOk(await run(olga, { type: 'topic', room: 'den', text: 'olga rules' }));
    expect(expectOk(await run(bob, { type: 'mode', room: 'den' }))).toMatchObject({ settings: { topicLock: true, inviteOnly: false, limit: 2 } });
    expect(codeOf(await run(olga, { type: 'mode', room: 'den', setting: 'slowmode', value: 'fast' }))).toBe('usage');
  });

  it('records every action, shown to operators only', async () => {
    const olga = await member('Olga');
    expectOk(await run(olga, { type: 'join', room: 'den' }));
    const gus = await guest('gus');
    expectOk(await run(gus, { type: 'join', room: 'den' }));
    expectOk(await run(olga, { type: 'kick', room: 'den', name: 'gus', reason: 'be nice' }));
    now += 1000;
    expectOk(await run(olga, { type: 'mode', room: 'den', setting: 'slowmode', value: '5' }));
    expect(codeOf(await run(gus, { type: 'modlog', room: 'den' }))).toBe('not_operator');
    const log = expectOk(await run(olga, { type: 'modlog', room: 'den' }));
    expect(log).toMatchObject({
      entries: [
        { actor: 'Olga', action: 'mode', target: '', detail: 'slowmode=5', ts: now },
        { actor: 'Olga', action: 'kick', target: 'gus', reason: 'be nice', ts: now - 1000 },
        { actor: 'Olga', action: 'owner', target: 'Olga' },
      ],
    });
    // The kicked guest was told, and the room saw it leave.
    expect(moderation('gus')).toMatchObject([{ entry: { action: 'kick', target: 'gus' } }]);
  });

  it('keeps roles, bans and settings across a restart of the chat on the same store', async () => {
    const olga = await member('Olga');
    expectOk(await run(olga, { type: 'join', room: 'den' }));
    await member('Bob');
    expectOk(await run(olga, { type: 'role', room: 'den', name: 'Bob', role: 'op', grant: true }));
    expectOk(await run(olga, { type: 'ban', room: 'den', name: 'Eve' }));
    chat.close();
    await start();
    const bob = await member('Bob', '10.0.0.2');
    expectOk(await run(bob, { type: 'join', room: 'den' }));
    expect(expectOk(await run(bob, { type: 'who', room: 'den' }))).toMatchObject({ users: [{ name: 'Bob', role: 'op' }] });
    const eve = await member('Eve');
    expect(codeOf(await run(eve, { type: 'join', room: 'den' }))).toBe('banned');
    expect(expectOk(await run(bob, { type: 'bans', room: 'den' }))).toMatchObject({ bans: [{ name: 'Eve', guest: false, until: null }] });
  });
});

describe('Moderation across two nodes on one bus and one store', () => {
  it('a kick or ban made on one node takes the user out of the room on the other', async () => {
    let now = 1_700_000_000_000;
    let ids = 0;
    const store = new MemoryStore();
    const bus = new LocalBus();
    const presence = new MemoryPresence();
    const names = new MemoryNames();
    const identity = new Identity({ accounts: store, credentials: fastCredentials, clock: () => now, newId: () => `a${++ids}`, admins: [] });
    const node = (nodeId: string) => Chat.create({ store, bus, presence, names, nodeId, clock: () => now, newId: () => `${nodeId}${++ids}`, identity });
    const a = await node('a');
    const b = await node('b');
    const doorA = new RecordingDoor();
    const doorB = new RecordingDoor();
    const olga = a.connect(doorA, 'olga', '10.0.0.1');
    expectOk(await a.execute(olga, { type: 'signup', name: 'Olga', password: PASSWORD, secure: true }));
    expectOk(await a.execute(olga, { type: 'join', room: 'den' }));
    const gus = b.connect(doorB, 'gus', '10.0.0.9');
    expectOk(await b.execute(gus, { type: 'register', name: 'gus', room: 'den' }));
    expectOk(await a.execute(olga, { type: 'kick', room: 'den', name: 'gus', reason: 'out' }));
    expect(b.roomsOf(gus)).not.toContain('den');
    expect(doorB.of('gus').filter((e) => e.type === 'moderation')).toHaveLength(1);
    expectOk(await b.execute(gus, { type: 'join', room: 'den' }));
    expectOk(await a.execute(olga, { type: 'ban', room: 'den', name: 'gus' }));
    expect(b.roomsOf(gus)).not.toContain('den');
    // Node b read the room's moderation again when the notice came: the ban holds there at once.
    expect(codeOf(await b.execute(gus, { type: 'join', room: 'den' }))).toBe('banned');
    now += 1;
    a.close();
    b.close();
  });
});

describe('Moderation while its store is out', () => {
  it('refuses speech and moderation with store_unavailable (not a crash), lists members without roles, and tells', async () => {
    class FailingStore extends MemoryStore {
      out = false;
      override moderationOf(room: string) {
        return this.out ? Promise.reject(new Error('disk on fire')) : super.moderationOf(room);
      }
    }
    const store = new FailingStore();
    const told: unknown[] = [];
    let ids = 0;
    const chat = await Chat.create({ store, bus: new LocalBus(), clock: () => 1_000, newId: () => `id${++ids}`, onPortError: (e) => told.push(e) });
    const door = new RecordingDoor();
    const gus = chat.connect(door, 'gus', '10.0.0.9');
    expectOk(await chat.execute(gus, { type: 'register', name: 'gus', room: 'den' }));
    const hal = chat.connect(door, 'hal', '10.0.0.8');
    expectOk(await chat.execute(hal, { type: 'register', name: 'hal', room: 'den' }));
    store.out = true;
    // #den's state is cached: it still answers. A room read afresh is what fails.
    expectOk(await chat.execute(hal, { type: 'say', room: 'den', text: 'still fine' }));
    expect(codeOf(await chat.execute(hal, { type: 'join', room: 'elsewhere' }))).toBe('store_unavailable');
    expect(codeOf(await chat.execute(gus, { type: 'kick', room: 'elsewhere', name: 'hal' }))).toBe('store_unavailable');
    expect(codeOf(await chat.execute(gus, { type: 'who', room: 'elsewhere' }))).not.toBe('internal_error');
    expect(told.length).toBeGreaterThan(0);
    chat.close();
  });
});
