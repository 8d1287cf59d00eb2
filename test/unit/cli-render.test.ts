import { describe, expect, it } from 'vitest';
import {
  clean,
  localTime,
  renderHistory,
  renderServerMessage,
  renderUndelivered,
  type RenderContext,
  type WireMessage,
} from '../../clients/cli/render.js';
import { colourWanted, createStyle, nameColour } from '../../clients/cli/style.js';

const utc = (ts: number): string => new Date(ts).toISOString().slice(11, 16);
const at = Date.UTC(2025, 0, 2, 14, 3);
const ctx = (over: Partial<RenderContext> = {}): RenderContext => ({
  style: createStyle(false),
  currentRoom: 'general',
  time: utc,
  now: at,
  ...over,
});
const msg = (over: Partial<WireMessage> = {}): WireMessage => ({
  id: 'm1',
  room: 'general',
  seq: 1,
  kind: 'chat',
  author: 'alice',
  text: 'hello',
  ts: at,
  ...over,
});
const user = (name: string) => ({ id: `id-${name}`, name });

describe('render', () => {
  it('renders chat, action and topic messages with the time', () => {
    expect(renderServerMessage(ctx(), { type: 'message', message: msg() })).toEqual(['[14:03] alice: hello']);
    expect(renderServerMessage(ctx(), { type: 'message', message: msg({ kind: 'action', text: 'waves' }) })).toEqual([
      '[14:03] * alice waves',
    ]);
    expect(renderServerMessage(ctx(), { type: 'message', message: msg({ kind: 'topic', text: 'Ship it' }) })).toEqual([
      '[14:03] alice set the topic to: Ship it',
    ]);
  });

  it('prefixes events of a room that is not the current one', () => {
    expect(renderServerMessage(ctx(), { type: 'message', message: msg({ room: 'dev' }) })).toEqual(['[14:03] [#dev] alice: hello']);
    expect(renderServerMessage(ctx(), { type: 'join', room: 'dev', user: user('bob') })).toEqual(['[14:03] [#dev] bob has joined the chat.']);
    expect(renderServerMessage(ctx(), { type: 'join', room: 'general', user: user('bob') })).toEqual(['[14:03] bob has joined the chat.']);
  });

  it('renders leaves with their reason, renames, private messages and broadcasts', () => {
    expect(renderServerMessage(ctx(), { type: 'leave', room: 'general', user: user('bob'), reason: 'Quit' })).toEqual([
      '[14:03] bob has left the chat. (Quit)',
    ]);
    expect(renderServerMessage(ctx(), { type: 'rename', from: 'bob', to: 'rob' })).toEqual(['[14:03] bob is now known as rob.']);
    expect(
      renderServerMessage(ctx(), { type: 'private', id: 'p', from: 'bob', to: 'alice', text: 'psst', action: false, ts: at }),
    ).toEqual(['[14:03] [PM from bob] psst']);
    expect(
      renderServerMessage(ctx(), { type: 'private', id: 'p', from: 'bob', to: 'alice', text: 'winks', action: true, ts: at }),
    ).toEqual(['[14:03] [PM from bob] * bob winks']);
    expect(renderServerMessage(ctx(), { type: 'broadcast', from: 'SERVER', text: 'maintenance at 5', ts: at })).toEqual([
      '[14:03] [SERVER]: maintenance at 5',
    ]);
  });

  it('renders the welcome with the number of other users and the history block', () => {
    const lines = renderServerMessage(ctx(), {
      type: 'welcome',
      re: 'c1',
      name: 'alice',
      room: 'general',
      topic: 'Be nice',
      users: [user('alice'), user('bob')],
      history: [msg({ author: 'bob', text: 'earlier' }), msg({ seq: 2, kind: 'action', author: 'bob', text: 'waves' })],
    });
    expect(lines).toEqual([
      'Welcome, alice! You are in #general with 1 other user. Type /help for commands.',
      'Topic: Be nice',
      '--- last 2 messages in #general ---',
      '[14:03] bob: earlier',
      '[14:03] * bob waves',
      '--- end of history ---',
    ]);
  });

  it('renders replies: joined, left, who, rooms, topic, help, errors, bye', () => {
    expect(renderServerMessage(ctx(), { type: 'joined', re: 1, room: 'dev', topic: '', users: [user('a'), user('b')], history: [] })).toEqual([
      'You joined #dev (topic: none). 2 users here.',
    ]);
    expect(renderServerMessage(ctx(), { type: 'left', re: 1, room: 'dev' })).toEqual(['You left #dev.']);
    expect(renderServerMessage(ctx(), { type: 'who', re: 1, room: 'general', users: [user('alice'), user('bob')] })).toEqual([
      'Users in #general (2): alice, bob',
    ]);
    expect(
      renderServerMessage(ctx(), {
        type: 'rooms',
        re: 1,
        rooms: [
          { name: 'general', topic: 'Welcome', members: 3, lastActivity: null },
          { name: 'dev', topic: '', members: 1, lastActivity: at },
        ],
      }),
    ).toEqual(['* #general (3 users) - Welcome', '* #dev (1 user)']);
    expect(renderServerMessage(ctx(), { type: 'topic', re: 1, room: 'general', topic: '' })).toEqual(['No topic is set in #general.']);
    expect(renderServerMessage(ctx(), { type: 'topic', re: 1, room: 'general', topic: 'Hi' })).toEqual(['Topic of #general: Hi']);
    expect(
      renderServerMessage(ctx(), { type: 'help', re: 1, commands: [{ usage: '/join ROOM', summary: 'join' }, { usage: '/me X', summary: 'act' }] }),
    ).toEqual(['Commands:', '  /join ROOM  join', '  /me X       act', expect.stringContaining('Any other line')]);
    expect(renderServerMessage(ctx(), { type: 'error', re: null, code: 'line_too_long', text: 'Line too long.' })).toEqual([
      'Error: Line too long.',
    ]);
    expect(renderServerMessage(ctx(), { type: 'bye', re: null, reason: 'Server is shutting down. Bye!' })).toEqual([
      'Disconnected: Server is shutting down. Bye!',
    ]);
    expect(renderServerMessage(ctx(), { type: 'typing', room: 'general', user: user('bob') })).toEqual([]);
  });

  it('ignores a message type it does not know', () => {
    const future = JSON.parse('{"type":"reaction","emoji":"x"}') as Parameters<typeof renderServerMessage>[1];
    expect(renderServerMessage(ctx(), future)).toEqual([]);
  });

  it('labels missed history after a reconnect', () => {
    expect(renderHistory(ctx(), 'dev', [msg({ room: 'dev' })], 'missed')[0]).toBe('--- 1 message in #dev while you were away ---');
    expect(renderHistory(ctx(), 'dev', [])).toEqual([]);
  });

  it('quotes an undelivered line, shortened', () => {
    expect(renderUndelivered(ctx(), 'Message too long.', 'x'.repeat(100))).toBe(`Not sent: Message too long. ("${'x'.repeat(59)}…")`);
  });

  it('strips escape sequences and controls that came from the server', () => {
    expect(clean('a\x1b[2Jb\x07c\u202ed\te\nf')).toBe('a[2Jbcd e f');
    expect(clean(undefined)).toBe('');
    expect(clean(42)).toBe('42');
    expect(renderServerMessage(ctx(), { type: 'message', message: msg({ author: 'ev\x1b[31mil', text: '\x1b]0;pwned\x07hi' }) })).toEqual([
      '[14:03] ev[31mil: ]0;pwnedhi',
    ]);
  });

  it('formats local time as HH:MM', () => {
    const d = new Date(2025, 0, 2, 9, 5);
    expect(localTime(d.getTime())).toBe('09:05');
    expect(localTime(Number.NaN)).toBe('--:--');
  });
});

describe('style', () => {
  it('colours names the same way every time, never red or magenta', () => {
    expect(nameColour('alice')).toBe(nameColour('Alice'));
    for (const name of ['alice', 'bob', 'carol', 'dave', 'eve', 'ålborg', '名前']) expect([31, 35]).not.toContain(nameColour(name));
    const colours = new Set(['alice', 'bob', 'carol', 'dave', 'eve', 'frank', 'grace', 'heidi'].map(nameColour));
    expect(colours.size).toBeGreaterThan(2);
  });

  it('wraps with ANSI codes only when enabled', () => {
    const on = createStyle(true);
    expect(on.name('alice')).toBe(`\x1b[${nameColour('alice')}malice\x1b[0m`);
    expect(on.error('x')).toBe('\x1b[31mx\x1b[0m');
    expect(createStyle(false).error('x')).toBe('x');
    const coloured = renderServerMessage(ctx({ style: on }), { type: 'message', message: msg() })[0] ?? '';
    expect(coloured).toContain('\x1b[');
  });

  it('turns colour on only for a TTY without NO_COLOR and without --no-color', () => {
    const tty = { isTTY: true } as unknown as NodeJS.WritableStream;
    const pipe = {} as unknown as NodeJS.WritableStream;
    expect(colourWanted(undefined, tty, {})).toBe(true);
    expect(colourWanted(true, pipe, {})).toBe(false);
    expect(colourWanted(false, tty, {})).toBe(false);
    expect(colourWanted(undefined, tty, { NO_COLOR: '1' })).toBe(false);
    expect(colourWanted(undefined, tty, { NO_COLOR: '' })).toBe(true);
  });
});

describe('render: line breaks', () => {
  it('indents the continuation lines of a multi-line message, private message and operator line', () => {
    expect(renderServerMessage(ctx(), { type: 'message', message: msg({ text: 'one\ntwo\n\x1b[2Jthree' }) })).toEqual([
      '[14:03] alice: one\n        two\n        [2Jthree',
    ]);
    expect(renderServerMessage(ctx(), { type: 'message', message: msg({ kind: 'action', text: 'waves\nagain' }) })).toEqual([
      '[14:03] * alice waves\n        again',
    ]);
    expect(
      renderServerMessage(ctx(), { type: 'private', id: 'p', from: 'bob', to: 'alice', text: 'a\r\nb', action: false, ts: at }),
    ).toEqual(['[14:03] [PM from bob] a\n        b']);
    expect(renderServerMessage(ctx(), { type: 'broadcast', from: 'SERVER', text: 'x\ny', ts: at })).toEqual(['[14:03] [SERVER]: x\n        y']);
  });

  it('says when the room list was cut', () => {
    const room = { name: 'a', topic: '', members: 1, lastActivity: null };
    expect(renderServerMessage(ctx(), { type: 'rooms', re: null, rooms: [room], next: 'a' })).toEqual(['* #a (1 user)', '… and more rooms not listed.']);
    expect(renderServerMessage(ctx(), { type: 'rooms', re: null, rooms: [room], next: null })).toEqual(['* #a (1 user)']);
  });
});
