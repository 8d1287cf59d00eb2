import { chatError, type ChatError } from '../errors.js';
import { checkName, checkRoom, foldName } from '../names.js';
import type { Session } from '../session.js';
import type { Command, Outcome, Reply, UserRef } from '../types.js';
import type { ModResult, RoomModerator, Target } from './room-moderator.js';
import { rankOf, type Party } from './rules.js';
import type { ModLogEntry, RoomModeration } from './state.js';

/** What the moderation commands need of the chat. */
export interface ModerationHost {
  partyOf(session: Session): Party;
  /** Sessions on this node called `key` (folded). */
  localSessions(key: string): readonly Session[];
  /** Guest sessions on this node from the peer address. */
  guestsFrom(address: string): readonly Session[];
  isRegistered(key: string): Promise<boolean>;
  /** Whether someone called `key` is in the room on any node (as this node knows the room). */
  inRoom(room: string, key: string): Promise<boolean>;
  /** Takes the sessions out of the room: each is told `entry` first (unless null: told already), the room sees them leave. */
  eject(room: string, sessions: readonly Session[], entry: ModLogEntry | null, reason: string): void;
  /** Tells the room (on every node) what was done; `actor` (a session id) has its reply instead. */
  announce(entry: ModLogEntry, actor: string): void;
  /** Told of a failure of the moderation store. */
  onStoreError(error: unknown): void;
  /** Tells one user (every connection, every node), who may not be in the room. */
  tell(key: string, entry: ModLogEntry): void;
}

type ModCommand = Extract<Command, { type: 'role' | 'kick' | 'ban' | 'unban' | 'bans' | 'mute' | 'unmute' | 'invite' | 'mode' | 'modlog' }>;

const ok = (reply: Reply): Outcome => ({ ok: true, reply });
const fail = (error: ChatError): Outcome => ({ ok: false, error });

/** The moderation commands: the moderator decides, this carries it out on sessions and rooms. */
export class ModerationCommands {
  readonly #moderator: RoomModerator;
  readonly #host: ModerationHost;

  constructor(moderator: RoomModerator, host: ModerationHost) {
    this.#moderator = moderator;
    this.#host = host;
  }

  /** Runs one command; a store failure (an outage, expected) is answered `store_unavailable` and told. */
  async run(session: Session, command: ModCommand): Promise<Outcome> {
    try {
      return await this.#run(session, command);
    } catch (error) {
      this.#host.onStoreError(error);
      return fail(chatError('store_unavailable', 'Room moderation is unavailable right now; try again shortly.'));
    }
  }

  async #run(session: Session, command: ModCommand): Promise<Outcome> {
    const room = checkRoom(command.room);
    if ('error' in room) return fail(room.error);
    const where = room.room;
    const actor = this.#host.partyOf(session);
    const by = session.name ?? '';
    switch (command.type) {
      case 'bans': {
        const found = await this.#moderator.sanctions(where, actor);
        return 'code' in found ? fail(found) : ok({ type: 'bans', room: where, ...found });
      }
      case 'modlog': {
        const entries = await this.#moderator.modLog(where, actor, command.limit ?? 20);
        return Array.isArray(entries) ? ok({ type: 'modlog', room: where, entries }) : fail(entries);
      }
      case 'mode': {
        if (command.setting === undefined) return ok({ type: 'modes', room: where, settings: (await this.#moderator.stateOf(where)).settings });
        return this.#announced(session.id, await this.#moderator.setMode(where, actor, by, command.setting, command.value ?? ''));
      }
      default:
        break;
    }
    const target = await this.#target(command.name);
    if ('code' in target) return fail(target);
    switch (command.type) {
      case 'role':
        return this.#announced(session.id, await this.#moderator.setRole(where, actor, by, target, command.role, command.grant));
      case 'kick': {
        const here = this.#host.localSessions(target.key).filter((s) => s.rooms.has(where));
        // On another node only: that node takes it out when the notice arrives (Chat #routed).
        const present = async () => here.length > 0 || this.#host.inRoom(where, target.key);
        const result = await this.#moderator.kick(where, actor, by, target, command.reason ?? '', present);
        if (!result.ok) return fail(result.error);
        return this.#ejected(session.id, where, here, result.entry, `Kicked by ${by}`);
      }
      case 'ban': {
        const result = await this.#moderator.sanction(where, 'bans', actor, by, target, command.durationMs, command.reason ?? '');
        if (!result.ok) return fail(result.error);
        // A banned guest's other names from the same address go too.
        const address = target.party && !target.party.account ? target.party.address : undefined;
        const here = this.#host.localSessions(target.key).concat(address === undefined ? [] : this.#host.guestsFrom(address));
        return this.#ejected(session.id, where, [...new Set(here)].filter((s) => s.rooms.has(where)), result.entry, `Banned by ${by}`);
      }
      case 'mute':
        return this.#announced(session.id, await this.#moderator.sanction(where, 'mutes', actor, by, target, command.durationMs, command.reason ?? ''));
      case 'unban':
        return this.#announced(session.id, await this.#moderator.lift(where, 'bans', actor, by, target));
      case 'unmute':
        return this.#announced(session.id, await this.#moderator.lift(where, 'mutes', actor, by, target));
      case 'invite': {
        const result = await this.#moderator.invite(where, actor, by, target);
        if (result.ok) this.#host.tell(target.key, result.entry);
        return this.#announced(session.id, result);
      }
    }
  }

  /** Member lists with each member's role in the room (only accounts hold roles); without roles while the store is out. */
  async withRoles(room: string, users: readonly UserRef[]): Promise<UserRef[]> {
    let state: RoomModeration;
    try {
      state = await this.#moderator.stateOf(room);
    } catch (error) {
      this.#host.onStoreError(error);
      return [...users];
    }
    return users.map((user) => {
      const key = foldName(user.name);
      const here = this.#host.localSessions(key)[0];
      const rank = rankOf(state, here ? this.#host.partyOf(here) : { key, account: true, admin: false });
      const role = rank === 'admin' || rank === 'owner' ? 'owner' : rank === 'op' || rank === 'voice' ? rank : undefined;
      return role === undefined ? user : { ...user, role };
    });
  }

  /** The room's first owner (a logged-in creator); a store outage leaves it without one (told, not fatal to the join). */
  async claimOwner(room: string, session: Session): Promise<void> {
    try {
      await this.#moderator.claimOwner(room, this.#host.partyOf(session), session.name ?? '');
    } catch (error) {
      this.#host.onStoreError(error);
    }
  }

  /**
   * A notice from another node, after it was routed to this node's members: the room's state is
   * read again, and a user kicked or banned there is taken out of the room here too (it was
   * still a member when the notice was routed, so it was told with the room).
   */
  noticeFromElsewhere(entry: ModLogEntry): void {
    this.#moderator.forget(entry.room);
    if (entry.action !== 'kick' && entry.action !== 'ban') return;
    const targets = this.#host.localSessions(foldName(entry.target)).filter((s) => s.rooms.has(entry.room));
    const why = `${entry.action === 'kick' ? 'Kicked' : 'Banned'} by ${entry.actor}${entry.reason === '' ? '' : `: ${entry.reason}`}`;
    this.#host.eject(entry.room, targets, null, why);
  }

  #ejected(actor: string, room: string, sessions: readonly Session[], entry: ModLogEntry, why: string): Outcome {
    const reason = entry.reason === '' ? why : `${why}: ${entry.reason}`;
    this.#host.eject(room, sessions, entry, reason);
    this.#host.announce(entry, actor);
    return ok({ type: 'moderated', entry });
  }

  #announced(actor: string, result: ModResult): Outcome {
    if (!result.ok) return fail(result.error);
    this.#host.announce(result.entry, actor);
    return ok({ type: 'moderated', entry: result.entry });
  }

  async #target(raw: string): Promise<Target | ChatError> {
    const checked = checkName(raw);
    if ('error' in checked) return chatError('no_such_user', `No user can be called "${raw.slice(0, 64)}".`);
    const key = foldName(checked.name);
    const here = this.#host.localSessions(key)[0];
    const registered = here?.account ? true : await this.#host.isRegistered(key);
    return { key, name: here?.name ?? checked.name, party: here ? this.#host.partyOf(here) : null, registered };
  }
}
