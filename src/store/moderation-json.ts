import { z } from 'zod';
import { DEFAULT_SETTINGS, type ModLogEntry, type RoomModeration } from '../core/moderation/state.js';

// The stored moderation document is read back as untrusted text: checked here, at the edge.
const sanction = z.object({
  key: z.string(),
  name: z.string(),
  address: z.string().nullable(),
  by: z.string(),
  reason: z.string(),
  at: z.number(),
  until: z.number().nullable(),
});

const settings = z.object({
  topicLock: z.boolean().default(DEFAULT_SETTINGS.topicLock),
  inviteOnly: z.boolean().default(DEFAULT_SETTINGS.inviteOnly),
  moderated: z.boolean().default(DEFAULT_SETTINGS.moderated),
  slowmode: z.number().int().min(0).default(DEFAULT_SETTINGS.slowmode),
  limit: z.number().int().min(0).default(DEFAULT_SETTINGS.limit),
});

const moderation = z.object({
  owner: z.string().nullable(),
  roles: z.record(z.string(), z.enum(['op', 'voice'])),
  bans: z.array(sanction),
  mutes: z.array(sanction),
  invites: z.array(z.string()),
  settings,
});

/** A stored moderation document, or throws naming the room when it is not one. */
export function moderationFromJson(room: string, text: string): RoomModeration {
  const parsed = moderation.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`The stored moderation of #${room} is not valid: ${parsed.error.issues[0]?.message ?? 'unknown'}`);
  return parsed.data;
}

export function moderationToJson(state: RoomModeration): string {
  return JSON.stringify(state);
}

/** Columns of the action log, in the order the SQL stores write them. */
export const MODLOG_COLUMNS = 'id, room, ts, actor, action, target, reason, detail';

export interface ModLogRow {
  id: string;
  room: string;
  ts: number | string;
  actor: string;
  action: string;
  target: string;
  reason: string;
  detail: string;
}

const ACTIONS = new Set(['op', 'deop', 'voice', 'devoice', 'kick', 'ban', 'unban', 'mute', 'unmute', 'invite', 'mode', 'owner']);

export function modLogFromRow(row: ModLogRow): ModLogEntry {
  if (!ACTIONS.has(row.action)) throw new Error(`Unknown moderation action "${row.action}" in the action log`);
  return { ...row, ts: Number(row.ts), action: row.action as ModLogEntry['action'] };
}

export function modLogValues(e: ModLogEntry): unknown[] {
  return [e.id, e.room, e.ts, e.actor, e.action, e.target, e.reason, e.detail];
}
