import type { Command } from '../core/types.js';

/** A moderation request as the JSON and Socket.IO doors take it (already checked by their schemas). */
export interface ModerationRequest {
  readonly room: string;
  readonly action: 'op' | 'deop' | 'voice' | 'devoice' | 'kick' | 'ban' | 'unban' | 'bans' | 'mute' | 'unmute' | 'invite' | 'mode' | 'modlog';
  readonly name?: string;
  readonly reason?: string;
  readonly seconds?: number;
  readonly setting?: string;
  readonly value?: string | number | boolean;
  readonly limit?: number;
}

/** The core command for a moderation request. A missing `name` is '' (the core answers no_such_user). */
export function moderationCommand(r: ModerationRequest): Command {
  const { room } = r;
  const name = r.name ?? '';
  switch (r.action) {
    case 'op':
    case 'deop':
    case 'voice':
    case 'devoice':
      return { type: 'role', room, name, role: r.action.endsWith('op') ? 'op' : 'voice', grant: !r.action.startsWith('de') };
    case 'unban':
    case 'unmute':
    case 'invite':
      return { type: r.action, room, name };
    case 'kick':
      return { type: 'kick', room, name, reason: r.reason };
    case 'ban':
    case 'mute':
      return { type: r.action, room, name, reason: r.reason, ...(r.seconds === undefined ? {} : { durationMs: r.seconds * 1000 }) };
    case 'bans':
      return { type: 'bans', room };
    case 'mode':
      return { type: 'mode', room, setting: r.setting, value: modeValue(r.value) };
    case 'modlog':
      return { type: 'modlog', room, limit: r.limit };
  }
}

/** A mode value as the core reads it: `true`/`false` as on/off, numbers as digits. */
export function modeValue(value: string | number | boolean | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  return String(value);
}
