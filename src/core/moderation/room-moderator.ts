import { chatError, type ChatError } from '../errors.js';
import type { ModerationStore } from '../ports/moderation.js';
import { formatDuration } from './duration.js';
import {
  current,
  isOperator,
  joinRefusal,
  mayAct,
  rankOf,
  settingChange,
  speakRefusal,
  withInvite,
  withoutSanction,
  withRole,
  withSanction,
  withSetting,
  type Party,
  type Rank,
} from './rules.js';
import type { ModAction, ModLogEntry, RoomModeration, RoomSettings, Sanction } from './state.js';

/** A user as the moderator sees one: who it is now, if connected to this node. */
export interface Target {
  readonly key: string;
  /** The name to show (the connected user's, else as typed). */
  readonly name: string;
  /** Present when connected to this node: whether it is logged in, and a guest's address. */
  readonly party: Party | null;
  /** Whether the name is a registered account (roles are only for accounts). */
  readonly registered: boolean;
}

export interface ModeratorDeps {
  readonly store: ModerationStore;
  readonly clock: () => number;
  readonly newId: () => string;
  /** How long a room's state read from the store is trusted before it is read again. */
  readonly cacheMs?: number;
  /** Told of a store failure that a check answered with `store_unavailable`. */
  readonly onError?: (error: unknown) => void;
}

/** The public view of a ban or mute: a guest's address is never shown. */
export interface SanctionView {
  readonly name: string;
  readonly by: string;
  readonly reason: string;
  readonly at: number;
  readonly until: number | null;
  /** A guest's sanction: it also holds the address the guest came from. */
  readonly guest: boolean;
}

export type ModResult = { readonly ok: true; readonly entry: ModLogEntry } | { readonly ok: false; readonly error: ChatError };

const MAX_REASON = 300;
const CAS_ATTEMPTS = 5;

/**
 * Room moderation for the chat: reads and caches each room's state, asks the rules, writes
 * changes under the store's version check, and records each action. Does not touch sessions:
 * Chat carries out kicks and delivers the notices.
 * Cache contract: a change made on this node is seen here at once; one made on another node is
 * seen when its notice arrives over the bus (Chat calls `forget`), or after `cacheMs` at worst.
 */
export class RoomModerator {
  readonly #store: ModerationStore;
  readonly #clock: () => number;
  readonly #newId: () => string;
  readonly #cacheMs: number;
  readonly #onError: (error: unknown) => void;
  readonly #cache = new Map<string, { state: RoomModeration; version: number; readAt: number }>();
  readonly #reading = new Map<string, Promise<{ state: RoomModeration; version: number }>>();
  /** room -> folded name -> when its last message was accepted (slowmode). */
  readonly #spoke = new Map<string, Map<string, { at: number; clientId: string | undefined }>>();

  constructor(deps: ModeratorDeps) {
    this.#store = deps.store;
    this.#clock = deps.clock;
    this.#newId = deps.newId;
    this.#cacheMs = deps.cacheMs ?? 5000;
    this.#onError = deps.onError ?? (() => {});
  }

  async stateOf(room: string): Promise<RoomModeration> {
    return (await this.#read(room)).state;
  }

  async #read(room: string, fresh = false): Promise<{ state: RoomModeration; version: number }> {
    const cached = this.#cache.get(room);
    const now = this.#clock();
    if (!fresh && cached && now - cached.readAt < this.#cacheMs) return cached;
    // Callers waiting on one read resume in the order they asked, so a sender's messages reach
    // the store in the order they arrived even when the cache is refreshed under them.
    const pending = fresh ? undefined : this.#reading.get(room);
    if (pending) return pending;
    const reading = this.#store.moderationOf(room).then((read) => {
      this.#cache.set(room, { ...read, readAt: now });
      return read;
    });
    if (!fresh) this.#reading.set(room, reading);
    try {
      return await reading;
    } finally {
      if (this.#reading.get(room) === reading) this.#reading.delete(room);
    }
  }

  /** Another node changed the room: read it again next time. */
  forget(room: string): void {
    this.#cache.delete(room);
  }

  /** Forgets the room's slowmode times once it has no member here. */
  roomEmptied(room: string): void {
    this.#spoke.delete(room);
    this.#cache.delete(room);
  }

  /**
   * A check on the room's state. The store failing is expected (an outage): the check then
   * refuses with `store_unavailable` (nothing is let through unchecked) and the failure is told.
   */
  async #check(room: string, rule: (state: RoomModeration) => ChatError | null): Promise<ChatError | null> {
    let state: RoomModeration;
    try {
      state = await this.stateOf(room);
    } catch (error) {
      this.#onError(error);
      return chatError('store_unavailable', 'Room moderation is unavailable right now; try again shortly.');
    }
    return rule(state);
  }

  /** Applies `change` to the room's latest state, retrying when another write came first. */
  async #update(room: string, change: (state: RoomModeration) => RoomModeration | ChatError): Promise<RoomModeration | ChatError> {
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const { state, version } = await this.#read(room, attempt > 0);
      const next = change(state);
      if ('code' in next) return next;
      if (await this.#store.saveModeration(room, next, version)) {
        this.#cache.set(room, { state: next, version: version + 1, readAt: this.#clock() });
        return next;
      }
    }
    return chatError('store_unavailable', 'The room was changed by others too often at once; try again.');
  }

  joinRefusal(room: string, who: Party, members: number): Promise<ChatError | null> {
    return this.#check(room, (state) => joinRefusal(room, state, who, members, this.#clock()));
  }

  /**
   * Why `who` may not speak now. `clientId`: the send's retry key; a retry of the message that
   * started the slowmode wait is let through (the store answers it with the first ack).
   */
  speakRefusal(room: string, who: Party, clientId?: string): Promise<ChatError | null> {
    const last = this.#spoke.get(room)?.get(who.key);
    const retry = last !== undefined && clientId !== undefined && last.clientId === clientId;
    return this.#check(room, (state) => speakRefusal(room, state, who, this.#clock(), retry ? undefined : last?.at));
  }

  /** A message by `key` was accepted in the room: slowmode counts from now. */
  spoke(room: string, key: string, clientId?: string): void {
    let byName = this.#spoke.get(room);
    if (!byName) this.#spoke.set(room, (byName = new Map()));
    byName.set(key, { at: this.#clock(), clientId });
  }

  async rankIn(room: string, who: Party): Promise<Rank> {
    return rankOf(await this.stateOf(room), who);
  }

  topicRefusal(room: string, who: Party): Promise<ChatError | null> {
    return this.#check(room, (state) =>
      !state.settings.topicLock || isOperator(rankOf(state, who)) ? null : chatError('not_operator', `Only operators set the topic of #${room}.`),
    );
  }

  /** The room's first logged-in member owns it, if nobody does yet; false when someone did. */
  async claimOwner(room: string, owner: Party, name: string): Promise<boolean> {
    const done = await this.#update(room, (s) => (s.owner !== null ? chatError('forbidden') : { ...s, owner: owner.key }));
    if ('code' in done) return false;
    await this.#log(room, name, 'owner', name, '', '');
    return true;
  }

  async setRole(room: string, actor: Party, actorName: string, target: Target, role: 'op' | 'voice', grant: boolean): Promise<ModResult> {
    // Rank first: who may not give roles learns nothing about the name.
    const allowed = mayAct(rankOf(await this.stateOf(room), actor), 'none', role === 'op' ? 'role_op' : 'role_voice');
    if (allowed) return fail(allowed);
    if (!target.registered) return fail(chatError('no_such_user', `Roles are for registered accounts; "${target.name}" is not one.`));
    const targetParty: Party = { key: target.key, account: true, admin: false };
    const updated = await this.#update(room, (s) => {
      const refused = mayAct(rankOf(s, actor), rankOf(s, targetParty), role === 'op' ? 'role_op' : 'role_voice');
      if (refused) return refused;
      if (s.owner === target.key) return chatError('usage', `${target.name} owns #${room}.`);
      const now = s.roles[target.key];
      if (grant) return withRole(s, target.key, role === 'voice' && now === 'op' ? 'op' : role);
      return now === role ? withRole(s, target.key, null) : s;
    });
    if ('code' in updated) return fail(updated);
    const action: ModAction = grant ? role : role === 'op' ? 'deop' : 'devoice';
    return done(await this.#log(room, actorName, action, target.name, '', ''));
  }

  /**
   * Checks that `actor` may kick `target` and that it is `present` (asked only of an actor who
   * may kick: others learn nothing of who is where); Chat then removes the target's sessions.
   */
  async kick(room: string, actor: Party, actorName: string, target: Target, reason: string, present: () => Promise<boolean>): Promise<ModResult> {
    const state = await this.stateOf(room);
    const refused = mayAct(rankOf(state, actor), this.#targetRank(state, target), 'sanction');
    if (refused) return fail(refused);
    if (!(await present())) return fail(chatError('not_in_room', `${target.name} is not in #${room}.`));
    return done(await this.#log(room, actorName, 'kick', target.name, clip(reason), ''));
  }

  async sanction(room: string, list: 'bans' | 'mutes', actor: Party, actorName: string, target: Target, durationMs: number | undefined, reason: string): Promise<ModResult> {
    const now = this.#clock();
    const sanction: Sanction = {
      key: target.key,
      name: target.name,
      // A guest's address too, so another name from the same place stays out.
      address: target.party && !target.party.account ? (target.party.address ?? null) : null,
      by: actorName,
      reason: clip(reason),
      at: now,
      until: durationMs === undefined ? null : now + durationMs,
    };
    const updated = await this.#update(room, (s) => mayAct(rankOf(s, actor), this.#targetRank(s, target), 'sanction') ?? withSanction(s, list, sanction, now));
    if ('code' in updated) return fail(updated);
    const detail = durationMs === undefined ? '' : `for ${formatDuration(durationMs)}`;
    return done(await this.#log(room, actorName, list === 'bans' ? 'ban' : 'mute', target.name, sanction.reason, detail));
  }

  async lift(room: string, list: 'bans' | 'mutes', actor: Party, actorName: string, target: Target): Promise<ModResult> {
    let lifted = false;
    const updated = await this.#update(room, (s) => {
      const refused = mayAct(rankOf(s, actor), 'none', 'sanction');
      if (refused) return refused;
      const result = withoutSanction(s, list, target.key, this.#clock());
      lifted = result.lifted;
      return result.lifted ? result.state : chatError('no_such_user', `${target.name} is not ${list === 'bans' ? 'banned from' : 'muted in'} #${room}.`);
    });
    if ('code' in updated || !lifted) return fail('code' in updated ? updated : chatError('no_such_user'));
    return done(await this.#log(room, actorName, list === 'bans' ? 'unban' : 'unmute', target.name, '', ''));
  }

  async invite(room: string, actor: Party, actorName: string, target: Target): Promise<ModResult> {
    const updated = await this.#update(room, (s) => mayAct(rankOf(s, actor), 'none', 'sanction') ?? withInvite(s, target.key));
    if ('code' in updated) return fail(updated);
    return done(await this.#log(room, actorName, 'invite', target.name, '', ''));
  }

  async setMode(room: string, actor: Party, actorName: string, name: string, value: string): Promise<ModResult> {
    const change = settingChange(name, value);
    if ('code' in change) return fail(change as ChatError);
    const updated = await this.#update(room, (s) => mayAct(rankOf(s, actor), 'none', 'sanction') ?? withSetting(s, change as Partial<RoomSettings>));
    if ('code' in updated) return fail(updated);
    return done(await this.#log(room, actorName, 'mode', '', '', `${name.toLowerCase()}=${value.toLowerCase()}`));
  }

  /** The room's bans and mutes in force, for its operators. */
  async sanctions(room: string, actor: Party): Promise<{ bans: SanctionView[]; mutes: SanctionView[] } | ChatError> {
    const state = await this.stateOf(room);
    const refused = mayAct(rankOf(state, actor), 'none', 'sanction');
    if (refused) return refused;
    const now = this.#clock();
    return { bans: current(state.bans, now).map(view), mutes: current(state.mutes, now).map(view) };
  }

  async modLog(room: string, actor: Party, limit: number): Promise<ModLogEntry[] | ChatError> {
    const refused = mayAct(await this.rankIn(room, actor), 'none', 'sanction');
    if (refused) return refused;
    return this.#store.modLog(room, limit);
  }

  #targetRank(state: RoomModeration, target: Target): Rank {
    // Not connected here: its rank by the account name (a guest holds no role).
    return rankOf(state, target.party ?? { key: target.key, account: target.registered, admin: false });
  }

  async #log(room: string, actor: string, action: ModAction, target: string, reason: string, detail: string): Promise<ModLogEntry> {
    const entry: ModLogEntry = { id: this.#newId(), room, ts: this.#clock(), actor, action, target, reason, detail };
    await this.#store.appendModLog(entry);
    return entry;
  }
}

function view(s: Sanction): SanctionView {
  return { name: s.name, by: s.by, reason: s.reason, at: s.at, until: s.until, guest: s.address !== null };
}

function clip(reason: string): string {
  const one = reason.replace(/\s+/g, ' ').trim();
  return [...one].slice(0, MAX_REASON).join('');
}

const fail = (error: ChatError): ModResult => ({ ok: false, error });
const done = (entry: ModLogEntry): ModResult => ({ ok: true, entry });

