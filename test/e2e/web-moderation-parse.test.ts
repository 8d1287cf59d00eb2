import { describe, expect, it } from 'vitest';
import { durationSeconds, moderationLine, moderationRequest } from '../../clients/web/js/moderation.js';
import { moderationLine as serverLine } from '../../src/protocol/moderation-text.js';

/** The web client's parsing of moderation commands, and its notice words against the server's. */
describe('web client moderation commands', () => {
  const cmd = (line: string) => {
    const [name, ...args] = line.slice(1).split(/\s+/);
    return { name, args, rest: args.join(' ') };
  };

  it('reads durations as the doors do: a unit, or a bare number of minutes, at most a year', () => {
    expect(durationSeconds('30s')).toBe(30);
    expect(durationSeconds('10')).toBe(600);
    expect(durationSeconds('2h')).toBe(7200);
    expect(durationSeconds('1w')).toBe(604_800);
    expect(durationSeconds('spam')).toBeNull();
    expect(durationSeconds('0')).toBeNull();
    expect(durationSeconds('400d')).toBeNull();
  });

  it('takes the second word of /ban as a duration only when it reads as one', () => {
    expect(moderationRequest(cmd('/ban gus 2h spam links'), 'den')).toEqual({ room: 'den', action: 'ban', name: 'gus', seconds: 7200, reason: 'spam links' });
    expect(moderationRequest(cmd('/ban gus spam'), 'den')).toEqual({ room: 'den', action: 'ban', name: 'gus', seconds: undefined, reason: 'spam' });
    expect(moderationRequest(cmd('/mode slowmode 30'), 'den')).toEqual({ room: 'den', action: 'mode', setting: 'slowmode', value: 30 });
    expect(moderationRequest(cmd('/op'), 'den')).toBe('Usage: /op NAME');
    expect(moderationRequest(cmd('/modlog 999'), 'den')).toBe('Usage: /modlog [N]');
  });

  it('says an action in the words of the server\'s notices', () => {
    const base = { id: 1, room: 'den', ts: 0, actor: 'olga', target: 'gus', reason: 'be nice', detail: 'for 2h' };
    for (const action of ['op', 'deop', 'voice', 'devoice', 'kick', 'ban', 'unban', 'mute', 'unmute', 'invite', 'mode', 'owner'] as const) {
      expect(moderationLine({ ...base, action })).toBe(serverLine({ ...base, action } as Parameters<typeof serverLine>[0]));
    }
  });
});
