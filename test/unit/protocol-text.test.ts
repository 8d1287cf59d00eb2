import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../src/core/types.js';
import { eventLines, historyLines, replyLines } from '../../src/protocol/text.js';

const message = (text: string, kind: ChatMessage['kind'] = 'chat'): ChatMessage => ({ id: 'm', room: 'general', seq: 1, kind, author: 'ann', text, ts: 0 });

describe('text mode lines', () => {
  it('shows a multi-line message as one line per part, each with the name', () => {
    expect(eventLines({ type: 'message', message: message('multi\nline') })).toEqual({ room: 'general', lines: ['ann: multi', 'ann: line'] });
    expect(eventLines({ type: 'message', message: message('waves\nand bows', 'action') })?.lines).toEqual(['* ann waves', '* ann and bows']);
    expect(historyLines('general', [message('a\n\nb')]).slice(1, -1)).toEqual(['[00:00] ann: a', '[00:00] ann: ', '[00:00] ann: b']);
  });

  it('prefixes every line of a multi-line private message and operator line', () => {
    const pm = { type: 'private', id: 'p', from: 'ann', to: 'bob', text: 'x\ny', action: false, ts: 0 } as const;
    expect(eventLines(pm)?.lines).toEqual(['[PM from ann]: x', '[PM from ann]: y']);
    expect(eventLines({ type: 'broadcast', from: 'SERVER', text: 'a\nb', ts: 0 })?.lines).toEqual(['[SERVER]: a', '[SERVER]: b']);
  });

  it('says how to get the next page of rooms', () => {
    const rooms = [{ name: 'a', topic: '', members: 0, lastActivity: null }];
    expect(replyLines({ type: 'rooms', rooms, next: 'a' })).toEqual(['Rooms (1):', '  #a (0 users)', 'More rooms: /rooms a']);
    expect(replyLines({ type: 'rooms', rooms, next: null })).toEqual(['Rooms (1):', '  #a (0 users)']);
  });
});
