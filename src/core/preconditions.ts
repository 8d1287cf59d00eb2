import type { CommandType } from './types.js';

export interface Precondition {
  /** The session must have chosen a name. */
  readonly named: boolean;
  /** The session must be a member of the command's `room`. */
  readonly member: boolean;
}

/** Checked in one place (Chat.execute) so that handlers stay small. */
export const PRECONDITIONS: Readonly<Record<CommandType, Precondition>> = {
  register: { named: false, member: false },
  join: { named: true, member: false },
  leave: { named: true, member: true },
  say: { named: true, member: true },
  action: { named: true, member: true },
  typing: { named: true, member: true },
  msg: { named: true, member: false },
  nick: { named: true, member: false },
  topic: { named: true, member: true },
  who: { named: true, member: false },
  rooms: { named: false, member: false },
  history: { named: false, member: false },
  quit: { named: false, member: false },
  login: { named: false, member: false },
  resume: { named: false, member: false },
  signup: { named: false, member: false },
  logout: { named: true, member: false },
  password: { named: true, member: false },
  // Moderation: rank is checked by the moderator (an admin may act on a room it is not in).
  role: { named: true, member: false },
  kick: { named: true, member: false },
  ban: { named: true, member: false },
  unban: { named: true, member: false },
  bans: { named: true, member: false },
  mute: { named: true, member: false },
  unmute: { named: true, member: false },
  invite: { named: true, member: false },
  mode: { named: true, member: false },
  modlog: { named: true, member: false },
};
