import { describe, expect, it } from 'vitest';
import { renderServerMessage, type RenderContext } from '../../clients/cli/render.js';
import { createStyle } from '../../clients/cli/style.js';
import type { ModLogEntry } from '../../src/core/moderation/state.js';

const at = Date.UTC(2025, 0, 2, 14, 3);
const ctx: RenderContext = { style: createStyle(false), currentRoom: 'den', time: (ts) => new Date(ts).toISOString().slice(11, 16), now: at };
const entry = (over: Partial<ModLogEntry> = {}): ModLogEntry => ({ id: 'e1', room: 'den', ts: at, actor: 'Olga', action: 'kick', target: 'gus', reason: 'be nice', detail: '', ...over });

describe('parley connect shows moderation', () => {
  it('notices, answers, lists and roles', () => {
    expect(renderServerMessage(ctx, { type: 'moderation', entry: entry() })).toEqual(['[14:03] gus was kicked from #den by Olga (be nice).']);
    expect(renderServerMessage(ctx, { type: 'moderation', entry: entry({ room: 'hall' }) })).toEqual(['[14:03] [#hall] gus was kicked from #hall by Olga (be nice).']);
    expect(renderServerMessage(ctx, { type: 'moderated', re: 1, entry: entry({ action: 'mode', target: '', reason: '', detail: 'slowmode=5' }) })).toEqual(['Olga set slowmode=5 in #den.']);
    expect(renderServerMessage(ctx, { type: 'bans', re: 1, room: 'den', bans: [], mutes: [] })).toEqual(['Nobody is banned or muted in #den.']);
    expect(renderServerMessage(ctx, { type: 'modes', re: 1, room: 'den', settings: { topicLock: true, inviteOnly: false, moderated: false, slowmode: 0, limit: 3 } })).toEqual([
      'Settings of #den: topiclock on, inviteonly off, moderated off, slowmode 0, limit 3',
    ]);
    expect(renderServerMessage(ctx, { type: 'who', re: 1, room: 'den', users: [{ id: 'a', name: 'Olga', role: 'owner' }, { id: 'b', name: 'Bob', role: 'voice' }, { id: 'c', name: 'gus' }] })).toEqual([
      'Users in #den (3): @Olga, +Bob, gus',
    ]);
  });
});
