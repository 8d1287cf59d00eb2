import { chatError, type ChatError } from '../errors.js';
import { formatDuration } from './duration.js';
import type { RoomModeration, RoomRole, RoomSettings, Sanction } from './state.js';

/**
 * The rules of moderation, pure: who may do what in a room, given its state and the time.
 * Chat asks these and carries out the answer; nothing here touches a store or a session.
 */

/** Highest first: an actor acts only on users ranked below it (an admin on everyone). */
export const RANKS = { admin: 4, owner: 3, op: 2, voice: 1, none: 0 } as const;
export type Rank = keyof typeof RANKS;

/** Who is acting or being acted on. */
export interface Party {
  /** Folded name. */
  readonly key: string;
  /** A guest's peer address (sanctions on guests match it too); undefined for an account. */
  readonly address?: string;
  /** Logged in to the account of that name (roles are only ever held by accounts). */
  readonly account: boolean;
  /** A server admin (ADMINS): acts as owner everywhere. */
  readonly admin: boolean;
}

export function rankOf(state: RoomModeration, who: Party): Rank {
  if (who.admin) return 'admin';
  if (!who.account) return 'none';
  if (state.owner === who.key) return 'owner';
  return state.roles[who.key] ?? 'none';
}

export const isOperator = (rank: Rank): boolean => RANKS[rank] >= RANKS.op;

/** The sanction in force on `who` at `now`, if any: by name, or for a guest's, by address. */
export function sanctionOn(list: readonly Sanction[], who: Pick<Party, 'key' | 'address'>, now: number): Sanction | null {
  return (
    list.find(
      (s) => (s.until === null || s.until > now) && (s.key === who.key || (s.address !== null && who.address !== undefined && s.address === who.address)),
    ) ?? null
  );
}

function ending(s: Sanction, now: number): string {
  return s.until === null ? '' : ` for ${formatDuration(s.until - now)} more`;
}

export function bannedError(room: string, s: Sanction, now: number): ChatError {
  const why = s.reason === '' ? '' : ` (${s.reason})`;
  return chatError('banned', `You are banned from #${room}${ending(s, now)}${why}.`);
}

/** Why `who` may not join the room now, or null. Operators pass invite-only and the limit, not a ban. */
export function joinRefusal(room: string, state: RoomModeration, who: Party, members: number, now: number): ChatError | null {
  const rank = rankOf(state, who);
  const ban = RANKS[rank] >= RANKS.owner ? null : sanctionOn(state.bans, who, now);
  if (ban) return bannedError(room, ban, now);
  if (isOperator(rank)) return null;
  if (state.settings.inviteOnly && !state.invites.includes(who.key)) {
    return chatError('invite_only', `#${room} is invite-only; ask an operator for an /invite.`);
  }
  if (state.settings.limit > 0 && members >= state.settings.limit) {
    return chatError('room_full', `#${room} is full (at most ${state.settings.limit} members).`);
  }
  return null;
}

/**
 * Why `who` may not speak in the room now, or null. `lastSpoke`: when its previous message in
 * the room was accepted (for slowmode), or undefined.
 */
export function speakRefusal(room: string, state: RoomModeration, who: Party, now: number, lastSpoke: number | undefined): ChatError | null {
  const rank = rankOf(state, who);
  if (RANKS[rank] >= RANKS.owner) return null;
  const ban = sanctionOn(state.bans, who, now);
  if (ban) return bannedError(room, ban, now);
  if (isOperator(rank)) return null;
  const mute = sanctionOn(state.mutes, who, now);
  if (mute) return chatError('muted', `You are muted in #${room}${ending(mute, now)}.`);
  if (rank === 'voice') return null;
  if (state.settings.moderated) return chatError('moderated', `#${room} is moderated: only voiced users and operators speak.`);
  const waitMs = state.settings.slowmode * 1000;
  if (waitMs > 0 && lastSpoke !== undefined && now - lastSpoke < waitMs) {
    const left = waitMs - (now - lastSpoke);
    return { code: 'slowmode', text: `#${room} is in slowmode: wait ${Math.ceil(left / 1000)} s before your next message.`, retryAfterMs: left };
  }
  return null;
}

/** Whether an actor of rank `actor` may act on a target of rank `target` with `action`. */
export function mayAct(actor: Rank, target: Rank, action: 'role_op' | 'role_voice' | 'sanction'): ChatError | null {
  const needed = action === 'role_op' ? RANKS.owner : RANKS.op;
  if (RANKS[actor] < needed) {
    return chatError('not_operator', action === 'role_op' ? 'Only the room owner (or a server admin) can do that.' : 'Only room operators can do that.');
  }
  if (action !== 'role_voice' && RANKS[target] >= RANKS[actor] && actor !== 'admin') {
    return chatError('not_operator', 'You cannot act on someone of your rank or above.');
  }
  return null;
}

// ---- changes: each returns the new state, leaving the old one as it was -------------------

export function withRole(state: RoomModeration, key: string, role: RoomRole | null): RoomModeration {
  const roles = { ...state.roles };
  if (role === null) delete roles[key];
  else roles[key] = role;
  return { ...state, roles };
}

/** Adds (or replaces) the sanction on `s.key` in bans or mutes, and drops ended ones. */
export function withSanction(state: RoomModeration, list: 'bans' | 'mutes', s: Sanction, now: number): RoomModeration {
  return { ...state, [list]: [...current(state[list], now).filter((x) => x.key !== s.key), s] };
}

/** Lifts the sanction on `key` (and drops ended ones); `lifted` false when there was none. */
export function withoutSanction(state: RoomModeration, list: 'bans' | 'mutes', key: string, now: number): { state: RoomModeration; lifted: boolean } {
  const live = current(state[list], now);
  const kept = live.filter((x) => x.key !== key);
  return { state: { ...state, [list]: kept }, lifted: kept.length < live.length };
}

export function current(list: readonly Sanction[], now: number): Sanction[] {
  return list.filter((s) => s.until === null || s.until > now);
}

export function withInvite(state: RoomModeration, key: string): RoomModeration {
  return state.invites.includes(key) ? state : { ...state, invites: [...state.invites, key] };
}

export function withSetting(state: RoomModeration, change: Partial<RoomSettings>): RoomModeration {
  return { ...state, settings: { ...state.settings, ...change } };
}

/** Setting names as the `/mode` command takes them, with how a value is read. */
export const SETTING_NAMES = ['topiclock', 'inviteonly', 'moderated', 'slowmode', 'limit'] as const;
export type SettingName = (typeof SETTING_NAMES)[number];
const MAX_SLOWMODE_S = 86_400;
const MAX_LIMIT = 100_000;

/** `/mode NAME VALUE` as a settings change, or a usage error. */
export function settingChange(name: string, value: string): Partial<RoomSettings> | ChatError {
  const flag = /^(on|off|true|false|yes|no|1|0)$/i.test(value) ? /^(on|true|yes|1)$/i.test(value) : null;
  const count = /^\d{1,6}$/.test(value) ? Number(value) : null;
  switch (name.toLowerCase()) {
    case 'topiclock':
      return flag === null ? usageOf(name) : { topicLock: flag };
    case 'inviteonly':
      return flag === null ? usageOf(name) : { inviteOnly: flag };
    case 'moderated':
      return flag === null ? usageOf(name) : { moderated: flag };
    case 'slowmode':
      return count === null || count > MAX_SLOWMODE_S ? usageOf(name) : { slowmode: count };
    case 'limit':
      return count === null || count > MAX_LIMIT ? usageOf(name) : { limit: count };
    default:
      return chatError('usage', `Unknown room setting "${name.slice(0, 32)}"; settings: ${SETTING_NAMES.join(', ')}.`);
  }
}

function usageOf(name: string): ChatError {
  const lower = name.toLowerCase();
  const what = lower === 'slowmode' ? 'seconds (0 turns it off)' : lower === 'limit' ? 'a member count (0: no limit)' : 'on or off';
  return chatError('usage', `${lower} takes ${what}.`);
}
