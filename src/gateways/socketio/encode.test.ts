import { describe, expect, it } from 'vitest';
import { encodeEvent, humanTime } from './encode.js';

describe('humanTime', () => {
  it('prints a 12-hour clock with am/pm, as the classic clients do', () => {
    const at = (h: number, m: number) => new Date(2024, 0, 1, h, m).getTime();
    expect(humanTime(at(0, 5))).toBe('12:05 am');
    expect(humanTime(at(9, 30))).toBe('9:30 am');
    expect(humanTime(at(12, 0))).toBe('12:00 pm');
    expect(humanTime(at(15, 7))).toBe('3:07 pm');
    expect(humanTime(at(23, 59))).toBe('11:59 pm');
  });
});

describe('encodeEvent', () => {
  const user = { id: 's1', name: 'alice' };
  it('turns room messages into classic `message` payloads with the stored fields', () => {
    const out = encodeEvent({ type: 'message', message: { id: 'm1', room: 'r', seq: 3, kind: 'chat', author: 'alice', text: 'hi', ts: 0 } }, 'Bot', 5);
    expect(out).toEqual({
      name: 'message',
      payload: { username: 'alice', text: 'hi', time: humanTime(0), ts: 0, room: 'r', system: false, id: 'm1', seq: 3, kind: 'chat' },
    });
  });
  it('turns joins and leaves into notices from the bot', () => {
    expect(encodeEvent({ type: 'join', room: 'r', user }, 'Bot', 5)?.payload).toMatchObject({ username: 'Bot', text: 'alice has joined the chat', system: true, room: 'r' });
    expect(encodeEvent({ type: 'leave', room: 'r', user, reason: 'Quit' }, 'Bot', 5)?.payload).toMatchObject({ text: 'alice has left the chat', system: true });
  });
  it('keeps typing and private events apart, and leaves disconnect to the door', () => {
    expect(encodeEvent({ type: 'typing', room: 'r', user }, 'Bot', 5)).toEqual({ name: 'typing', payload: { room: 'r', user: { id: 's1', username: 'alice' } } });
    expect(encodeEvent({ type: 'private', id: 'p', from: 'a', to: 'b', text: 't', action: false, ts: 0 }, 'Bot', 5)?.name).toBe('private');
    expect(encodeEvent({ type: 'disconnect', reason: 'bye' }, 'Bot', 5)).toBeNull();
  });
});
