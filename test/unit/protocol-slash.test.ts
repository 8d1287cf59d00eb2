import { describe, expect, it } from 'vitest';
import { FREE_TEXT, SLASH_COMMANDS, parseSlash } from '../../src/protocol/slash.js';
import { sanitizeText } from '../../src/core/sanitize.js';

describe('parseSlash', () => {
  it('builds commands with the current room as default', () => {
    expect(parseSlash('/join #Dev', 'general')).toEqual({ kind: 'command', command: { type: 'join', room: '#Dev' } });
    expect(parseSlash('/leave', 'dev')).toEqual({ kind: 'command', command: { type: 'leave', room: 'dev' } });
    expect(parseSlash('/me waves  hello', 'dev')).toEqual({ kind: 'command', command: { type: 'action', room: 'dev', text: 'waves  hello' } });
    expect(parseSlash('/msg bob  hi there', 'dev')).toEqual({ kind: 'command', command: { type: 'msg', to: 'bob', text: 'hi there' } });
    expect(parseSlash('/TOPIC', 'dev')).toEqual({ kind: 'command', command: { type: 'topic', room: 'dev', text: undefined } });
    expect(parseSlash('/history 5', 'dev')).toEqual({ kind: 'command', command: { type: 'history', room: 'dev', query: { limit: 5 } } });
    expect(parseSlash('/help', null)).toEqual({ kind: 'help' });
  });

  it('gives usage lines and unknown-command errors', () => {
    expect(parseSlash('/msg bob', 'g')).toMatchObject({ kind: 'error', code: 'usage', text: 'Usage: /msg NAME TEXT' });
    expect(parseSlash('/history lots', 'g')).toMatchObject({ kind: 'error', code: 'usage' });
    expect(parseSlash('/constructor', 'g')).toMatchObject({ kind: 'error', code: 'unknown_command' });
    expect(parseSlash('/me hi', null)).toMatchObject({ kind: 'error', code: 'not_in_room' });
  });

  it('refuses extra words with the usage line instead of dropping them', () => {
    expect(parseSlash('/nick bad name', 'g')).toEqual({ kind: 'error', code: 'usage', text: 'Usage: /nick NAME' });
    expect(parseSlash('/join a b', 'g')).toEqual({ kind: 'error', code: 'usage', text: 'Usage: /join ROOM' });
    for (const line of ['/leave a b', '/who a b', '/history 5 6', '/rooms a b', '/help me']) {
      expect(parseSlash(line, 'g')).toMatchObject({ kind: 'error', code: 'usage' });
    }
    // Free text takes the rest of the line.
    expect(parseSlash('/quit see you all', 'g')).toEqual({ kind: 'command', command: { type: 'quit', reason: 'see you all' } });
    expect(parseSlash('/topic a b c', 'g')).toMatchObject({ kind: 'command', command: { text: 'a b c' } });
  });

  it('declares the argument bounds of every command in the table', () => {
    for (const spec of Object.values(SLASH_COMMANDS)) expect(spec.maxArgs).toBeGreaterThanOrEqual(spec.minArgs);
    expect(SLASH_COMMANDS.msg?.maxArgs).toBe(FREE_TEXT);
    expect(SLASH_COMMANDS.nick?.maxArgs).toBe(1);
  });

  it('pages /rooms from a room name', () => {
    expect(parseSlash('/rooms', null)).toEqual({ kind: 'command', command: { type: 'rooms', after: undefined } });
    expect(parseSlash('/rooms #Dev', null)).toEqual({ kind: 'command', command: { type: 'rooms', after: 'dev' } });
  });
});

describe('sanitizeText', () => {
  it('removes escape sequences, controls and bidi overrides; keeps emoji and accents', () => {
    expect(sanitizeText('\u001b[1;31mbold\u001b[0m\u001b]0;pwned\u0007 ok\u202e\u0000 é 👋\tx')).toBe('bold ok é 👋 x');
  });
});
