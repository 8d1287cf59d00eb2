import { describe, expect, it } from 'vitest';
import { NOT_IN_ROOM, parseInput } from '../../clients/cli/commands.js';
import { Completion } from '../../clients/cli/completion.js';
import { InFlight } from '../../clients/cli/in-flight.js';
import { displayWidth, rowsCovered } from '../../clients/cli/display-width.js';
import { RoomTracker } from '../../clients/cli/room-tracker.js';

describe('parseInput', () => {
  const send = (request: object) => ({ kind: 'send', request });

  it('says plain lines in the current room', () => {
    expect(parseInput('hello there', 'general')).toEqual(send({ type: 'say', room: 'general', text: 'hello there' }));
    expect(parseInput('   ', 'general')).toEqual({ kind: 'none' });
    expect(parseInput('hi', null)).toEqual({ kind: 'refuse', text: NOT_IN_ROOM });
  });

  it('says a line starting with // as a line starting with /', () => {
    expect(parseInput('//shrug', 'dev')).toEqual(send({ type: 'say', room: 'dev', text: '/shrug' }));
  });

  it('builds structured requests, defaulting to the current room', () => {
    expect(parseInput('/join #dev', 'general')).toEqual(send({ type: 'join', room: '#dev' }));
    expect(parseInput('/leave', 'dev')).toEqual(send({ type: 'leave', room: 'dev' }));
    expect(parseInput('/leave ops', 'dev')).toEqual(send({ type: 'leave', room: 'ops' }));
    expect(parseInput('/who', 'dev')).toEqual(send({ type: 'who', room: 'dev' }));
    expect(parseInput('/WHO ops', 'dev')).toEqual(send({ type: 'who', room: 'ops' }));
    expect(parseInput('/rooms', null)).toEqual(send({ type: 'rooms' }));
    expect(parseInput('/nick bob', 'dev')).toEqual(send({ type: 'nick', name: 'bob' }));
    expect(parseInput('/me waves  hello', 'dev')).toEqual(send({ type: 'action', room: 'dev', text: 'waves  hello' }));
    expect(parseInput('/msg bob see you  later', 'dev')).toEqual(send({ type: 'msg', to: 'bob', text: 'see you  later' }));
    expect(parseInput('/topic', 'dev')).toEqual(send({ type: 'topic', room: 'dev' }));
    expect(parseInput('/topic Ship it', 'dev')).toEqual(send({ type: 'topic', room: 'dev', text: 'Ship it' }));
    expect(parseInput('/history', 'dev')).toEqual(send({ type: 'history', room: 'dev', limit: 20 }));
    expect(parseInput('/history 50', 'dev')).toEqual(send({ type: 'history', room: 'dev', limit: 50 }));
    expect(parseInput('/help', null)).toEqual(send({ type: 'help' }));
  });

  it('quits with or without a reason', () => {
    expect(parseInput('/quit', 'dev')).toEqual({ kind: 'quit' });
    expect(parseInput('/quit gone fishing', 'dev')).toEqual({ kind: 'quit', reason: 'gone fishing' });
  });

  it('lets the server word usage and unknown-command errors', () => {
    for (const line of ['/join', '/nick', '/me', '/msg bob', '/history abc', '/history 0', '/history 501', '/frobnicate x']) {
      expect(parseInput(line, 'dev')).toEqual(send({ type: 'command', line }));
    }
  });

  it('refuses room commands when no room is current', () => {
    for (const line of ['/leave', '/who', '/me waves', '/topic', '/history']) {
      expect(parseInput(line, null)).toEqual({ kind: 'refuse', text: NOT_IN_ROOM });
    }
  });
});

describe('RoomTracker', () => {
  const m = (room: string, seq: number) => ({ id: `${room}${seq}`, room, seq, kind: 'chat' as const, author: 'a', text: 't', ts: 0 });

  it('tracks joins, leaves and the current room', () => {
    const t = new RoomTracker('alice');
    t.joined('general');
    t.joined('dev');
    expect([t.current, t.rooms]).toEqual(['dev', ['general', 'dev']]);
    t.joined('general');
    expect([t.current, t.rooms]).toEqual(['general', ['dev', 'general']]);
    t.left('general');
    expect([t.current, t.rooms]).toEqual(['dev', ['dev']]);
    t.left('dev');
    expect(t.current).toBeNull();
    expect(t.switchTo('nowhere')).toBe(false);
  });

  it('shows only unseen history after a reconnect', () => {
    const t = new RoomTracker();
    expect(t.unseen('dev', [m('dev', 1), m('dev', 2)])).toHaveLength(2);
    t.seen(m('dev', 2));
    t.seen(m('dev', 1));
    expect(t.unseen('dev', [m('dev', 1), m('dev', 2), m('dev', 4)]).map((x) => x.seq)).toEqual([4]);
  });

  it('plans the rejoin after a reconnect', () => {
    const t = new RoomTracker('alice');
    t.joined('general');
    t.joined('dev');
    expect(t.resync('general')).toEqual({ join: ['dev'], leave: [] });
    t.left('general');
    expect(t.resync('general')).toEqual({ join: ['dev'], leave: ['general'] });
  });
});

describe('displayWidth', () => {
  it('counts wide, zero-width and escape sequences', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('\x1b[32malice\x1b[0m> ')).toBe(7);
    expect(displayWidth('日本')).toBe(4);
    expect(displayWidth('e\u0301')).toBe(1);
  });

  it('says how many rows a line covers', () => {
    expect(rowsCovered('abc', undefined)).toBe(1);
    expect(rowsCovered('abcd', 10)).toBe(1);
    expect(rowsCovered('a'.repeat(10), 10)).toBe(2);
    expect(rowsCovered('a'.repeat(25), 10)).toBe(3);
  });
});

describe('InFlight', () => {
  it('numbers requests, matches answers by re, and counts sync requests', () => {
    const f = new InFlight('c');
    const say = f.add({ type: 'say', room: 'general', text: 'hi' });
    const join = f.add({ type: 'join', room: 'dev' }, 'resync');
    expect([say.id, join.id]).toEqual(['c-1', 'c-2']);
    expect([f.size, f.syncOpen, f.chatTexts()]).toEqual([2, 1, ['hi']]);
    expect(f.take(null)).toBeUndefined();
    expect(f.take('c-2')).toEqual({ request: { type: 'join', room: 'dev', id: 'c-2' }, sync: 'resync' });
    expect(f.take('c-2')).toBeUndefined();
    expect([f.size, f.syncOpen]).toEqual([1, 0]);
    f.clear();
    expect(f.chatTexts()).toEqual([]);
  });
});

describe('Completion', () => {
  it('completes commands at the start of a line and names learnt from the wire', () => {
    const c = new Completion();
    expect(c.complete('/jo')).toEqual([['/join'], '/jo']);
    expect(c.complete('/')[0]).toContain('/quit');
    c.learn({ type: 'who', re: 1, room: 'general', users: [{ id: '1', name: 'Alice' }, { id: '2', name: 'albert' }] });
    c.learn({ type: 'rename', from: 'albert', to: 'bert' });
    expect(c.complete('hi al')).toEqual([['Alice'], 'al']);
    expect(c.complete('/msg be')).toEqual([['bert'], 'be']);
    expect(c.complete('hi ')).toEqual([[], 'hi ']);
  });
});

describe('RoomTracker catch-up after a reconnect', () => {
  const m = (seq: number) => ({ id: `m${seq}`, room: 'dev', seq, kind: 'chat' as const, author: 'bob', text: `t${seq}`, ts: seq });

  it('knows when the join history does not reach back to the last message seen', () => {
    const tracker = new RoomTracker('alice');
    expect(tracker.missedMore('dev', [m(30)])).toBe(false); // nothing seen yet: the history is all there is
    tracker.seen(m(5));
    expect(tracker.lastSeq('dev')).toBe(5);
    expect(tracker.missedMore('dev', [m(6), m(7)])).toBe(false);
    expect(tracker.missedMore('dev', [m(7), m(8)])).toBe(true);
    expect(tracker.missedMore('dev', [])).toBe(false);
  });
});
