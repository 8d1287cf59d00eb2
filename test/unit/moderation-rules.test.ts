import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src/core/moderation/duration.js';
import { joinRefusal, mayAct, rankOf, sanctionOn, settingChange, speakRefusal, withSanction, withoutSanction } from '../../src/core/moderation/rules.js';
import { EMPTY_MODERATION, type RoomModeration, type Sanction } from '../../src/core/moderation/state.js';
import { parseSlash } from '../../src/protocol/slash.js';
import { decodeJsonLine } from '../../src/protocol/jsonl.js';

const T = 1_700_000_000_000;
const ban = (extra: Partial<Sanction> = {}): Sanction => ({ key: 'gus', name: 'gus', address: '10.0.0.9', by: 'olga', reason: '', at: T, until: T + 60_000, ...extra });
const state: RoomModeration = { ...EMPTY_MODERATION, owner: 'olga', roles: { bob: 'op', cat: 'voice' } };
const guest = (key: string, address = '10.0.0.1') => ({ key, address, account: false, admin: false });
const account = (key: string) => ({ key, account: true, admin: false });

describe('durations', () => {
  it('reads s, m, h, d, w and bare minutes; refuses anything else', () => {
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('10')).toBe(600_000);
    expect(parseDuration('2H')).toBe(7_200_000);
    expect(parseDuration('7d')).toBe(7 * 86_400_000);
    expect(parseDuration('1w')).toBe(604_800_000);
    for (const bad of ['', '0', '0m', 'm', '1.5h', '-1h', 'spam', '10 m', '9999999', '400d']) expect(parseDuration(bad), bad).toBeNull();
  });

  it('formats the two largest units, rounding up to a second', () => {
    expect(formatDuration(7_500_000)).toBe('2h 5m');
    expect(formatDuration(1)).toBe('1s');
    expect(formatDuration(86_400_000 + 1000)).toBe('1d 1s');
  });
});

describe('rules', () => {
  it('ranks admins over owners over ops over voice; guests hold no role even under a role name', () => {
    expect(rankOf(state, { ...account('zed'), admin: true })).toBe('admin');
    expect(rankOf(state, account('olga'))).toBe('owner');
    expect(rankOf(state, account('bob'))).toBe('op');
    expect(rankOf(state, account('cat'))).toBe('voice');
    expect(rankOf(state, guest('bob'))).toBe('none');
  });

  it('lets only the owner give op; ops act only below their rank', () => {
    expect(mayAct('op', 'none', 'role_op')?.code).toBe('not_operator');
    expect(mayAct('owner', 'op', 'role_op')).toBeNull();
    expect(mayAct('op', 'none', 'role_voice')).toBeNull();
    expect(mayAct('op', 'op', 'sanction')?.code).toBe('not_operator');
    expect(mayAct('op', 'voice', 'sanction')).toBeNull();
    expect(mayAct('admin', 'admin', 'sanction')).toBeNull();
    expect(mayAct('voice', 'none', 'sanction')?.code).toBe('not_operator');
  });

  it('matches a guest sanction by name or address, and only while it lasts', () => {
    const list = [ban()];
    expect(sanctionOn(list, guest('gus'), T)).not.toBeNull();
    expect(sanctionOn(list, guest('other', '10.0.0.9'), T)).not.toBeNull();
    expect(sanctionOn(list, guest('other', '10.0.0.8'), T)).toBeNull();
    expect(sanctionOn(list, account('other'), T)).toBeNull();
    expect(sanctionOn(list, guest('gus'), T + 60_000)).toBeNull();
    expect(sanctionOn([ban({ until: null })], guest('gus'), T + 1e12)).not.toBeNull();
  });

  it('replaces a sanction on the same name and drops ended ones; lifting tells whether there was one', () => {
    const once = withSanction(EMPTY_MODERATION, 'bans', ban({ key: 'old', until: T + 1 }), T);
    const twice = withSanction(once, 'bans', ban(), T + 5);
    expect(twice.bans.map((s) => s.key)).toEqual(['gus']);
    expect(withoutSanction(twice, 'bans', 'gus', T + 5).lifted).toBe(true);
    expect(withoutSanction(twice, 'bans', 'nobody', T + 5).lifted).toBe(false);
    expect(EMPTY_MODERATION.bans).toEqual([]);
  });

  it('refuses joins and speech in the documented order', () => {
    const banned = { ...state, bans: [ban()] };
    expect(joinRefusal('den', banned, guest('gus'), 0, T)?.code).toBe('banned');
    expect(joinRefusal('den', { ...state, settings: { ...state.settings, limit: 2 } }, guest('x'), 2, T)?.code).toBe('room_full');
    expect(joinRefusal('den', { ...state, settings: { ...state.settings, limit: 2 } }, account('bob'), 2, T)).toBeNull();
    expect(speakRefusal('den', { ...state, mutes: [ban()] }, guest('gus'), T, undefined)?.code).toBe('muted');
    const slow = { ...state, settings: { ...state.settings, slowmode: 10 } };
    expect(speakRefusal('den', slow, guest('x'), T + 4_500, T)).toMatchObject({ code: 'slowmode', retryAfterMs: 5_500 });
    expect(speakRefusal('den', slow, account('cat'), T + 1, T)).toBeNull();
  });

  it('reads settings by name and refuses bad values with usage', () => {
    expect(settingChange('Moderated', 'ON')).toEqual({ moderated: true });
    expect(settingChange('slowmode', '0')).toEqual({ slowmode: 0 });
    expect(settingChange('limit', 'many')).toMatchObject({ code: 'usage' });
    expect(settingChange('colour', 'red')).toMatchObject({ code: 'usage' });
  });
});

describe('moderation commands as the doors read them', () => {
  it('/ban takes an optional duration, then a reason', () => {
    expect(parseSlash('/ban gus', 'den')).toEqual({ kind: 'command', command: { type: 'ban', room: 'den', name: 'gus' } });
    expect(parseSlash('/ban gus 2h', 'den')).toEqual({ kind: 'command', command: { type: 'ban', room: 'den', name: 'gus', durationMs: 7_200_000 } });
    expect(parseSlash('/ban gus 2h  posting spam', 'den')).toEqual({ kind: 'command', command: { type: 'ban', room: 'den', name: 'gus', durationMs: 7_200_000, reason: 'posting spam' } });
    expect(parseSlash('/ban gus spam again', 'den')).toEqual({ kind: 'command', command: { type: 'ban', room: 'den', name: 'gus', reason: 'spam again' } });
    expect(parseSlash('/ban', 'den')).toMatchObject({ kind: 'error', code: 'usage' });
    expect(parseSlash('/kick gus', null)).toMatchObject({ kind: 'error', code: 'not_in_room' });
  });

  it('/op, /devoice, /mode and /modlog', () => {
    expect(parseSlash('/op Bob', 'den')).toEqual({ kind: 'command', command: { type: 'role', room: 'den', name: 'Bob', role: 'op', grant: true } });
    expect(parseSlash('/devoice Bob', 'den')).toEqual({ kind: 'command', command: { type: 'role', room: 'den', name: 'Bob', role: 'voice', grant: false } });
    expect(parseSlash('/mode', 'den')).toMatchObject({ kind: 'command', command: { type: 'mode', room: 'den', setting: undefined } });
    expect(parseSlash('/mode slowmode', 'den')).toMatchObject({ kind: 'error', code: 'usage' });
    expect(parseSlash('/modlog x', 'den')).toMatchObject({ kind: 'error', code: 'usage' });
  });

  it('JSON lines: moderation requests as core commands', () => {
    expect(decodeJsonLine(JSON.stringify({ type: 'mute', room: 'den', name: 'gus', seconds: 90, id: 1 }), null)).toEqual({
      kind: 'command',
      re: 1,
      command: { type: 'mute', room: 'den', name: 'gus', reason: undefined, durationMs: 90_000 },
    });
    expect(decodeJsonLine(JSON.stringify({ type: 'mode', room: 'den', setting: 'moderated', value: false }), null)).toMatchObject({
      command: { type: 'mode', setting: 'moderated', value: 'off' },
    });
    expect(decodeJsonLine(JSON.stringify({ type: 'ban', room: 'den', name: 'gus', seconds: 0 }), null)).toMatchObject({ kind: 'answer', message: { code: 'bad_request' } });
  });
});
