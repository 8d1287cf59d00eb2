import type { Door } from '../door.js';
import { foldName } from '../names.js';
import type { AccountRecord } from '../ports/accounts.js';
import { Session } from '../session.js';
import type { Command } from '../types.js';

/** The commands an account may run without a connection (HTTP for admins): the actions, not the reads. */
export type ModerationAction = Extract<Command, { type: 'role' | 'kick' | 'ban' | 'unban' | 'mute' | 'unmute' | 'invite' | 'mode' }>;

/** Delivers nothing: an account acting without a connection has nobody to tell (its answer is the outcome). */
const NOWHERE: Door<unknown> = { name: 'account', echoOwnMessages: false, deliver: () => {} };

/**
 * A session that stands for `account` while it acts from outside any door. It is never added
 * to the chat's sessions, so it is in no room, holds no name and is sent nothing: the
 * moderation commands see only who acts (the account, its rank) and under which name, and
 * every connected member, the actor's own connections included, is told as for a slash command.
 */
export function actingAccount(id: string, account: AccountRecord): Session {
  const session = new Session(id, NOWHERE, null);
  session.name = account.name;
  session.key = foldName(account.name);
  session.account = account;
  return session;
}

const ACTION_TYPES: ReadonlySet<Command['type']> = new Set(['role', 'kick', 'ban', 'unban', 'mute', 'unmute', 'invite', 'mode']);

export function isModerationAction(command: Command): command is ModerationAction {
  return ACTION_TYPES.has(command.type);
}
