import { AccountCommands } from './account-commands.js';
import type { Identity } from './identity.js';
import type { AccountRecord } from './ports/accounts.js';
import { NameRegistry, ownerOf } from './name-registry.js';
import type { Bus, BusSubscription, Envelope } from './ports/bus.js';
import type { Names } from './ports/names.js';
import { MemoryNames } from './ports/names-memory.js';
import type { Presence, PresenceMember } from './ports/presence.js';
import { MemoryPresence } from './ports/presence-memory.js';
import { isPortUnavailable } from './ports/unavailable.js';
import { NO_OBSERVER, type Observer } from './ports/observer.js';
import { ObservedDoors } from './observed-door.js';
import type { MessageDraft, Store } from './ports/store.js';
import { disconnect, type Disconnect } from './disconnect.js';
import type { Door } from './door.js';
import { chatError, type ChatError } from './errors.js';
import { checkName, checkRoom, foldName } from './names.js';
import { PRECONDITIONS } from './preconditions.js';
import { actingAccount, type ModerationAction } from './moderation/acting-account.js';
import { ModerationCommands } from './moderation/moderation-commands.js';
import { RoomModerator } from './moderation/room-moderator.js';
import type { Party } from './moderation/rules.js';
import type { ModLogEntry } from './moderation/state.js';
import { hasModeration, type ModerationStore } from './ports/moderation.js';
import { MemoryModeration } from './ports/moderation-memory.js';
import type { Room } from './room.js';
import { MAX_ROOMS_PAGE, RoomDirectory } from './room-directory.js';

export { MAX_ROOMS_PAGE };
import { Router } from './router.js';
import type { Schedule } from './sequencer.js';
import { sanitizeText, singleLine } from './sanitize.js';
import { Session } from './session.js';
import type {
  ChatEvent,
  ChatMessage,
  Command,
  HistoryQuery,
  JoinedReply,
  MessageKind,
  Outcome,
  Reply,
  RoomSummary,
  UserRef,
} from './types.js';

export interface ChatOptions {
  readonly store: Store;
  readonly bus: Bus;
  /** Milliseconds since the epoch. */
  readonly clock: () => number;
  /** Unique ids for sessions and messages. */
  readonly newId: () => string;
  readonly defaultRoom?: string;
  readonly maxMessageLength?: number;
  readonly historyOnJoin?: number;
  readonly maxRoomsPerSession?: number;
  /**
   * Rooms with more members than this do not announce each join and leave: the notices would
   * cost members x joins deliveries. Membership stays visible through /who.
   */
  readonly presenceNoticeLimit?: number;
  /** Rooms with no members and no message for this long are left out of room lists. */
  readonly roomRetentionMs?: number;
  /**
   * Told when a door throws while delivering: the core carries on with the other doors and
   * the sender's command still succeeds. The door should have closed the failing connection.
   */
  readonly onDeliveryError?: (error: unknown, door: string) => void;
  /** Accounts and logins; without it every session is a guest and the account commands are refused. */
  readonly identity?: Identity;
  /** Accept passwords on connections the door says are neither encrypted nor local (ALLOW_INSECURE_AUTH). */
  readonly allowInsecureAuth?: boolean;
  /** This node's id in a cluster (presence records which node holds each member). */
  readonly nodeId?: string;
  /** Cluster-wide names; defaults to this process only. */
  readonly names?: Names;
  /** Cluster-wide room membership; defaults to this process only. */
  readonly presence?: Presence;
  /** Told of a failure of a port in the background (a presence update, a name release) that no command waits for. */
  readonly onPortError?: (error: unknown) => void;
  /** With a networked bus: how soon after deliveries a room's sequencer reads the store for unannounced messages (0: never). */
  readonly tailCheckMs?: number;
  /** Timers for the room sequencers' gap waits; defaults to setTimeout. */
  readonly schedule?: Schedule;
  /** Told when messages missing from the bus were read from the store instead. */
  readonly onGapFilled?: (room: string, fromSeq: number, count: number) => void;
  /** Told of sessions, messages, refusals and deliveries (metrics); defaults to no one. */
  readonly observer?: Observer;
  /** Where roles, bans and room settings are kept; default: the store when it keeps them, else memory. */
  readonly moderation?: ModerationStore;
}

const DEFAULT_ROOM_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

type Handler<T extends Command['type']> = (
  session: Session,
  command: Extract<Command, { type: T }>,
) => Outcome | Promise<Outcome>;

const ok = (reply: Reply): Outcome => ({ ok: true, reply });
const fail = (error: ChatError): Outcome => ({ ok: false, error });

/**
 * The chat itself: sessions, names, rooms, messages. Does no I/O of its own: history goes
 * through the Store, events through the Bus, and doors are handed events to write.
 * Contract: a room's messages are published in `seq` order, each only after it is durable.
 */
export class Chat {
  readonly defaultRoom: string;
  readonly maxMessageLength: number;
  readonly #historyOnJoin: number;
  readonly #maxRooms: number;
  readonly #presenceLimit: number;
  readonly #store: Store;
  readonly #bus: Bus;
  readonly #clock: () => number;
  readonly #newId: () => string;
  readonly #sessions = new Map<string, Session>();
  readonly #names: NameRegistry;
  readonly #presence: Presence;
  readonly #nodeId: string;
  readonly #identity: Identity | null;
  readonly #onPortError: (error: unknown) => void;
  readonly #rooms = new Map<string, Room>();
  readonly #subscription: BusSubscription;
  readonly #unlisten: Array<() => void>;
  readonly #router: Router;
  readonly #directory: RoomDirectory;
  readonly #accounts: AccountCommands;
  readonly #moderator: RoomModerator;
  readonly #moderationStore: ModerationStore;
  readonly #moderation: ModerationCommands;
  readonly #pending = new Set<Promise<void>>();
  readonly #observer: Observer;
  /** Null without an observer: doors are then used as given. */
  readonly #observedDoors: ObservedDoors | null;
  #closing = false;
  /** Commands started and not yet answered; shutdown waits for them (see `drain`). */
  #inFlight = 0;
  #idle: Array<() => void> = [];

  private constructor(options: ChatOptions) {
    this.defaultRoom = options.defaultRoom ?? 'general';
    this.maxMessageLength = options.maxMessageLength ?? 4000;
    this.#historyOnJoin = options.historyOnJoin ?? 20;
    this.#maxRooms = options.maxRoomsPerSession ?? 50;
    this.#presenceLimit = options.presenceNoticeLimit ?? 500;
    this.#store = options.store;
    this.#bus = options.bus;
    this.#clock = options.clock;
    this.#newId = options.newId;
    this.#nodeId = options.nodeId ?? 'local';
    this.#identity = options.identity ?? null;
    this.#onPortError = options.onPortError ?? (() => {});
    this.#observer = options.observer ?? NO_OBSERVER;
    this.#observedDoors = options.observer ? new ObservedDoors(options.observer, options.clock) : null;
    const names = options.names ?? new MemoryNames();
    this.#names = new NameRegistry(names, this.#onPortError);
    this.#presence = options.presence ?? new MemoryPresence();
    this.#router = new Router({
      rooms: this.#rooms,
      sessions: this.#sessions,
      names: this.#names,
      nodeId: this.#nodeId,
      store: this.#store,
      schedule: options.schedule ?? defaultSchedule,
      onGapFilled: options.onGapFilled ?? (() => {}),
      onDeliveryError: options.onDeliveryError ?? (() => {}),
      tailCheckMs: options.tailCheckMs ?? 0,
    });
    this.#directory = new RoomDirectory({
      rooms: this.#rooms,
      newRoom: (name, topic, lastSeq, lastTs) => this.#router.newRoom(name, topic, lastSeq, lastTs),
      presence: this.#presence,
      store: this.#store,
      clock: this.#clock,
      retentionMs: options.roomRetentionMs ?? DEFAULT_ROOM_RETENTION_MS,
      defaultRoom: this.defaultRoom,
      onError: this.#onPortError,
    });
    this.#accounts = new AccountCommands(options.identity ?? null, options.allowInsecureAuth ?? false, {
      defaultRoom: this.defaultRoom,
      claimName: (session, name, previousOwner) => this.#claimName(session, name, previousOwner),
      join: (session, room) => this.#join(session, room),
      reown: (session, key, previousOwner) => this.#names.reown(session, key, previousOwner),
      announceRename: (session, from, to) => this.#announceRename(session, from, to),
      end: (session, why) => this.disconnect(session.id, why),
      nameInUse: (name) => this.nameInUse(name),
    });
    const moderationStore = options.moderation ?? (hasModeration(options.store) ? options.store : new MemoryModeration());
    this.#moderationStore = moderationStore;
    this.#moderator = new RoomModerator({ store: moderationStore, clock: this.#clock, newId: this.#newId, onError: this.#onPortError });
    this.#moderation = new ModerationCommands(this.#moderator, {
      partyOf: (session) => this.#partyOf(session),
      localSessions: (key) => [...this.#names.local(key)],
      guestsFrom: (address) => [...this.#sessions.values()].filter((s) => s.account === null && s.peer === address),
      inRoom: async (room, key) => {
        const users = await this.membersOf(room);
        return Array.isArray(users) && users.some((u) => foldName(u.name) === key);
      },
      isRegistered: async (key) => (this.#identity ? this.#identity.isRegistered(key) : false),
      eject: (room, sessions, entry, reason) => {
        for (const session of sessions) {
          if (entry !== null) this.#router.deliver(session.door, { type: 'moderation', entry }, new Set([session.link]));
          this.#part(session, room, reason);
        }
      },
      onStoreError: this.#onPortError,
      tell: (key, entry) => this.#publish({ audience: { kind: 'user', key }, event: { type: 'moderation', entry } }),
      announce: (entry, actor) => this.#publish({ audience: { kind: 'room', room: entry.room }, event: { type: 'moderation', entry }, except: actor }),
    });
    this.#subscription = this.#bus.subscribe((envelope) => this.#routed(envelope));
    this.#unlisten = [
      this.#presence.onExpired((room, member) => this.#expired(room, member)),
      names.onLost((_key, owner) => this.#nameLost(owner)),
    ];
  }

  /** Loads the rooms the store knows, so sequence numbers continue where they stopped. */
  static async create(options: ChatOptions): Promise<Chat> {
    const chat = new Chat(options);
    for (const record of await options.store.loadRooms()) {
      chat.#rooms.set(record.name, chat.#router.newRoom(record.name, record.topic, record.lastSeq, record.lastTs));
    }
    return chat;
  }

  // ---- sessions -------------------------------------------------------------------------

  /** A new, nameless session behind `link` of `door`; `peer`: its address (guests' bans hold it). Returns its id. */
  connect<L>(door: Door<L>, link: L, peer?: string): string {
    const plain = door as Door<unknown>;
    const session = new Session(this.#newId(), this.#observedDoors?.of(plain) ?? plain, link, peer);
    this.#sessions.set(session.id, session);
    this.#observer.sessionOpened(door.name);
    return session.id;
  }

  /** Ends a session for any reason: leaves its rooms (others are told why) and frees its name. */
  disconnect(sessionId: string, why: Disconnect): void {
    const session = this.#sessions.get(sessionId);
    if (!session) return;
    for (const roomName of [...session.rooms]) this.#part(session, roomName, why.reason);
    this.#names.release(session);
    this.#sessions.delete(sessionId);
    this.#observer.sessionClosed(session.door.name, why.code);
  }

  nameOf(sessionId: string): string | null {
    return this.#sessions.get(sessionId)?.name ?? null;
  }

  /** Logged in to a bot account or a server admin's: flood control gives it larger budgets. */
  privileged(sessionId: string): boolean {
    const account = this.#sessions.get(sessionId)?.account ?? null;
    if (account === null) return false;
    return account.kind === 'bot' || (this.#identity?.isAdmin(account) ?? false);
  }

  roomsOf(sessionId: string): string[] {
    return [...(this.#sessions.get(sessionId)?.rooms ?? [])];
  }

  get sessionCount(): number {
    return this.#sessions.size;
  }

  /**
   * Runs one command for one session; preconditions are checked here, from the table.
   * Every call is answered: once shutdown has begun, with `shutting_down`.
   */
  async execute(sessionId: string, command: Command): Promise<Outcome> {
    const session = this.#sessions.get(sessionId);
    if (!session) return fail(chatError('bad_request', 'This session has ended.'));
    if (this.#closing) return fail(chatError('shutting_down'));
    const outcome = await this.#counted(() => this.#run(session, command));
    if (!outcome.ok) this.#observer.commandRefused(command.type, outcome.error.code);
    if (command.type === 'resume') this.#observer.resumed(outcome.ok ? 'ok' : outcome.error.code);
    return outcome;
  }

  async #counted(work: () => Outcome | Promise<Outcome>): Promise<Outcome> {
    this.#inFlight++;
    try {
      return await work();
    } finally {
      if (--this.#inFlight === 0) for (const resolve of this.#idle.splice(0)) resolve();
    }
  }

  #run(session: Session, command: Command): Outcome | Promise<Outcome> {
    const pre = PRECONDITIONS[command.type];
    if (pre.named && session.name === null) return fail(chatError('not_registered'));
    if (pre.member && 'room' in command && command.room !== undefined) {
      const room = checkRoom(command.room);
      if ('error' in room) return fail(room.error);
      if (!session.rooms.has(room.room)) {
        return fail(chatError('not_in_room', `You are not in #${room.room}.`));
      }
    }
    const handler = this.#handlers[command.type] as Handler<typeof command.type>;
    return handler(session, command);
  }

  readonly #handlers: { [T in Command['type']]: Handler<T> } = {
    register: (s, c) => this.#register(s, c.name, c.room),
    join: (s, c) => this.#join(s, c.room),
    leave: (s, c) => {
      const room = this.#roomKey(c.room);
      this.#part(s, room, c.reason ?? 'Left');
      return ok({ type: 'left', room });
    },
    say: (s, c) => this.#speak(s, this.#roomKey(c.room), c.text, 'chat', c.clientId),
    action: (s, c) => this.#speak(s, this.#roomKey(c.room), c.text, 'action', c.clientId),
    typing: (s, c) => {
      const room = this.#roomKey(c.room);
      this.#publish({ audience: { kind: 'room', room }, event: { type: 'typing', room, user: s.ref }, except: s.id });
      return ok({ type: 'typing' });
    },
    msg: (s, c) => this.#privateMessage(s, c.to, c.text, c.action ?? false),
    nick: (s, c) => (s.account === null ? this.#rename(s, c.name) : fail(chatError('forbidden', 'A logged-in user keeps the account name; /logout to use another.'))),
    topic: (s, c) => this.#topic(s, this.#roomKey(c.room), c.text),
    who: async (_s, c) => {
      const room = checkRoom(c.room);
      if ('error' in room) return fail(room.error);
      const users = await this.membersOf(room.room);
      if (!Array.isArray(users)) return fail(users);
      return ok({ type: 'who', room: room.room, users: await this.#moderation.withRoles(room.room, users) });
    },
    role: (s, c) => this.#moderation.run(s, c),
    kick: (s, c) => this.#moderation.run(s, c),
    ban: (s, c) => this.#moderation.run(s, c),
    unban: (s, c) => this.#moderation.run(s, c),
    bans: (s, c) => this.#moderation.run(s, c),
    mute: (s, c) => this.#moderation.run(s, c),
    unmute: (s, c) => this.#moderation.run(s, c),
    invite: (s, c) => this.#moderation.run(s, c),
    mode: (s, c) => this.#moderation.run(s, c),
    modlog: (s, c) => this.#moderation.run(s, c),
    rooms: async (_s, c) => ok({ type: 'rooms', ...(await this.roomsPage(c.limit, c.after)) }),
    history: async (_s, c) => {
      const room = checkRoom(c.room);
      if ('error' in room) return fail(room.error);
      const messages = await this.history(room.room, c.query);
      if (!Array.isArray(messages)) return fail(messages);
      return ok({ type: 'history', room: room.room, messages });
    },
    login: (s, c) => this.#accounts.login(s, c),
    resume: (s, c) => this.#accounts.resume(s, c),
    signup: (s, c) => this.#accounts.signup(s, c),
    logout: (s) => this.#accounts.logout(s),
    password: (s, c) => this.#accounts.password(s, c),
    quit: (s, c) => {
      this.disconnect(s.id, disconnect('quit', c.reason ? `Quit: ${c.reason}` : 'Quit'));
      return ok({ type: 'bye' });
    },
  };

  // ---- queries shared by every door -----------------------------------------------------

  /** Every listed room, by name: those with members, and those active within the retention. */
  listRooms(): RoomSummary[] {
    return this.#directory.list();
  }

  /**
   * A moderation action by `account` without a connection (HTTP for admins): checked and
   * carried out as the slash command would be (rank, notice to the room, kicked users taken
   * out, logged with the account as actor). A bot account may not act.
   */
  async moderateAs(account: AccountRecord, command: ModerationAction): Promise<Outcome> {
    if (this.#closing) return fail(chatError('shutting_down'));
    if (account.kind !== 'user') return fail(chatError('forbidden', 'A bot account cannot moderate.'));
    const outcome = await this.#counted(() => this.#moderation.run(actingAccount(this.#newId(), account), command));
    if (!outcome.ok) this.#observer.commandRefused(command.type, outcome.error.code);
    return outcome;
  }

  /** The newest `limit` moderation actions of a room (null: every room), newest first; for admins over HTTP. */
  moderationLog(room: string | null, limit: number): Promise<ModLogEntry[]> {
    return this.#moderationStore.modLog(room, limit);
  }

  /** One page of the room list, member counts from every node (see RoomDirectory.page). */
  roomsPage(limit = MAX_ROOMS_PAGE, after?: string): Promise<{ rooms: RoomSummary[]; next: string | null }> {
    return this.#directory.page(limit, after);
  }

  /** The room's members on every node as this node knows them, or null if it knows no such room. */
  members(roomName: string): UserRef[] | null {
    return this.#directory.members(roomName);
  }

  /** Whether anyone connected, on any node, holds `name` (or a look-alike); false when the name is invalid. */
  async nameInUse(name: string): Promise<boolean> {
    const checked = checkName(name);
    if ('error' in checked) return false;
    try {
      return await this.#names.held(foldName(checked.name));
    } catch (error) {
      if (isPortUnavailable(error)) return false;
      throw error;
    }
  }

  /** The room's members as `members` gives them, each with its role in the room (owner, op, voice). */
  async membersWithRoles(roomName: string): Promise<UserRef[]> {
    return this.#moderation.withRoles(roomName, this.#directory.members(roomName) ?? []);
  }

  /** One room as every node sees it, or null if no node has it. */
  findRoom(roomName: string): Promise<RoomSummary | null> {
    return this.#directory.find(roomName);
  }

  /** The room's members on every node, asking presence when this node has no member there. */
  membersOf(roomName: string): Promise<UserRef[] | ChatError> {
    return this.#directory.membersOf(roomName);
  }

  roomExists(roomName: string): boolean {
    const room = this.#rooms.get(roomName);
    return room !== undefined && (room.members.size > 0 || room.lastSeq > 0);
  }

  async history(roomName: string, query: HistoryQuery): Promise<ChatMessage[] | ChatError> {
    try {
      return await this.#store.history(roomName, query);
    } catch (error) {
      return chatError('store_unavailable', `History is unavailable: ${String(error)}`);
    }
  }

  /**
   * Posts into a room under a name that is not a session (the operator's bots, webhooks).
   * Refused if a connected user holds that name, so nobody can be impersonated.
   */
  async postAs(author: string, roomName: string, text: string, kind: MessageKind = 'chat', clientId?: string, bot?: AccountRecord): Promise<Outcome> {
    const outcome = await this.#postAs(author, roomName, text, kind, clientId, bot);
    if (!outcome.ok) this.#observer.commandRefused('post', outcome.error.code);
    return outcome;
  }

  async #postAs(author: string, roomName: string, text: string, kind: MessageKind, clientId: string | undefined, bot: AccountRecord | undefined): Promise<Outcome> {
    const name = checkName(bot?.name ?? author);
    if ('error' in name) return fail(name.error);
    if (bot !== undefined) {
      // A bot's name is registered to it, so no session can hold it: its token is the proof.
      const room = checkRoom(roomName);
      if ('error' in room) return fail(room.error);
      if (this.#closing) return fail(chatError('shutting_down'));
      return this.#counted(() => this.#post(name.name, room.room, text, kind, null, clientId, bot.id));
    }
    let held: boolean;
    try {
      held = await this.#names.held(foldName(name.name));
    } catch (error) {
      if (isPortUnavailable(error)) return fail(chatError('bus_unavailable'));
      throw error;
    }
    if (held) return fail(chatError('name_taken', `"${name.name}" is a connected user's name.`));
    const room = checkRoom(roomName);
    if ('error' in room) return fail(room.error);
    if (this.#closing) return fail(chatError('shutting_down'));
    return this.#counted(() => this.#post(name.name, room.room, text, kind, null, clientId));
  }

  /** An operator line to every session on every node. */
  broadcast(from: string, text: string): void {
    const clean = sanitizeText(text).trim();
    if (clean === '') return;
    this.#publish({ audience: { kind: 'all' }, event: { type: 'broadcast', from, text: clean, ts: this.#clock() } });
  }

  /**
   * First step of a graceful stop: every command from now on is answered `shutting_down`;
   * resolves once every command already started has been answered.
   */
  drain(): Promise<void> {
    this.#closing = true;
    if (this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /**
   * Ends every session still open (after the doors have closed their connections), so that
   * their leaves reach presence and the other nodes before this node lets go of the cluster.
   */
  endAll(why: Disconnect): void {
    for (const id of [...this.#sessions.keys()]) this.disconnect(id, why);
  }

  /** Tells every local session why it is being closed, then refuses further commands. */
  shutdown(why: Disconnect = disconnect('shutdown')): void {
    this.#closing = true;
    this.#router.deliverAll({ type: 'disconnect', ...why });
  }

  close(): void {
    for (const unlisten of this.#unlisten) unlisten();
    void this.#subscription.close();
  }

  // ---- command handlers -----------------------------------------------------------------

  async #register(session: Session, raw: string, room: string | undefined): Promise<Outcome> {
    if (session.name !== null) return fail(chatError('already_registered'));
    const firstRoom = checkRoom(room ?? this.defaultRoom);
    if ('error' in firstRoom) return fail(firstRoom.error);
    const claimed = await this.#claimName(session, raw);
    if (claimed) return fail(claimed);
    const joined = await this.#join(session, firstRoom.room);
    if (!joined.ok || joined.reply.type !== 'joined') return joined;
    return ok({ type: 'registered', name: session.name ?? '', joined: joined.reply });
  }

  /**
   * Gives the session the name `raw`. A guest may not take a registered name; a session logging
   * in takes its account's name (`previousOwner`: who held its old name, before the login).
   */
  async #claimName(session: Session, raw: string, previousOwner: string = ownerOf(session)): Promise<ChatError | null> {
    const checked = checkName(raw);
    if ('error' in checked) return checked.error;
    const key = foldName(checked.name);
    if (session.account === null && this.#identity !== null && (await this.#identity.isRegistered(key))) {
      return chatError('name_registered', `The name "${checked.name}" is registered: log in with /login ${checked.name} PASSWORD, or choose another.`);
    }
    const claimed = await this.#names.claim(session, key, previousOwner);
    if (claimed === 'taken') return chatError('name_taken', `Name "${checked.name}" is already taken.`);
    if (claimed === 'unavailable') return chatError('bus_unavailable');
    session.key = key;
    if (!this.#sessions.has(session.id)) {
      // The session ended while the name was being claimed.
      this.#names.release(session);
      return chatError('bad_request', 'This session has ended.');
    }
    session.name = checked.name;
    session.ref = { id: session.id, name: checked.name };
    for (const roomName of session.rooms) this.#rooms.get(roomName)?.roster.set(session.id, session.ref);
    return null;
  }

  async #join(session: Session, raw: string): Promise<Outcome> {
    const checked = checkRoom(raw);
    if ('error' in checked) return fail(checked.error);
    const name = checked.room;
    const fresh = !session.rooms.has(name);
    if (fresh && session.rooms.size >= this.#maxRooms) {
      return fail(chatError('too_many_rooms', `You can be in at most ${this.#maxRooms} rooms.`));
    }
    let room = this.#rooms.get(name);
    const creating = !this.roomExists(name) && name !== this.defaultRoom;
    if (fresh) {
      const refused = await this.#moderator.joinRefusal(name, this.#partyOf(session), room?.roster.size ?? 0);
      if (refused) return fail(refused);
      room = this.#rooms.get(name);
    }
    if (!room) {
      room = this.#router.newRoom(name, '', 0, null);
      this.#rooms.set(name, room);
    }
    const first = fresh && room.members.size === 0;
    if (fresh) {
      room.add(session);
      session.rooms.add(name);
      const refused = await this.#enter(room, session, first);
      if (refused) {
        if (session.rooms.delete(name)) room.remove(session);
        if (room.members.size === 0) void this.#subscription.unwatch(name);
        return fail(refused);
      }
      const quiet = room.roster.size > this.#presenceLimit;
      this.#publish({ audience: { kind: 'room', room: name }, event: { type: 'join', room: name, user: session.ref }, except: session.id, quiet });
      // Whoever creates a room while logged in owns it (a room with no messages and nobody in it is new).
      if (creating && session.account?.kind === 'user') await this.#moderation.claimOwner(name, session);
    }
    // A node that had no member here heard nothing of the room: its numbers restart from what
    // the newcomer is shown, so later messages are neither missed nor repeated.
    const wanted = first ? Math.max(1, this.#historyOnJoin) : this.#historyOnJoin;
    const recent = wanted > 0 && (first || room.lastSeq > 0) ? await this.history(name, { limit: wanted }) : [];
    const history = Array.isArray(recent) ? recent : [];
    const newest = history[history.length - 1];
    if (first && newest) room.sequencer.advanceTo(newest.seq);
    const reply: JoinedReply = {
      type: 'joined',
      room: name,
      topic: room.topic,
      users: await this.#moderation.withRoles(name, this.#directory.people(room)),
      history: history.slice(-this.#historyOnJoin),
      fresh,
    };
    return ok(reply);
  }

  /**
   * Makes the session a member in every node's eyes: the node listens to the room (first local
   * member) and presence records the member. Returns why not, when the cluster is unreachable.
   */
  async #enter(room: Room, session: Session, first: boolean): Promise<ChatError | null> {
    const member: PresenceMember = { id: session.id, name: session.name ?? '', node: this.#nodeId };
    let everyone: PresenceMember[] | null = null;
    try {
      if (first) await this.#subscription.watch(room.name);
      await this.#presence.join(room.name, member);
      if (first) everyone = await this.#presence.members(room.name);
    } catch (error) {
      if (isPortUnavailable(error)) return chatError('bus_unavailable');
      throw error;
    }
    if (!session.rooms.has(room.name)) return chatError('bad_request', 'This session has ended.');
    if (everyone) {
      // Presence's joining order, with this node's own members as this node knows them.
      const local = new Map([...room.members].map((s) => [s.id, s.ref] as const));
      room.roster.clear();
      for (const m of everyone) {
        if (m.node !== this.#nodeId) room.roster.set(m.id, { id: m.id, name: m.name });
        else if (local.has(m.id)) room.roster.set(m.id, local.get(m.id) as UserRef);
      }
      for (const [id, ref] of local) if (!room.roster.has(id)) room.roster.set(id, ref);
    }
    return null;
  }

  #part(session: Session, roomName: string, reason: string): void {
    const room = this.#rooms.get(roomName);
    session.rooms.delete(roomName);
    if (!room) return;
    const quiet = room.roster.size > this.#presenceLimit;
    room.remove(session);
    this.#background(this.#presence.leave(roomName, session.id));
    this.#publish({ audience: { kind: 'room', room: roomName }, event: { type: 'leave', room: roomName, user: session.ref, reason }, quiet });
    if (room.members.size === 0) this.#background(this.#subscription.unwatch(roomName));
    if (room.members.size === 0) this.#moderator.roomEmptied(roomName);
    if (room.members.size === 0 && room.lastSeq === 0 && roomName !== this.defaultRoom) this.#rooms.delete(roomName);
  }

  /** A port call no command waits for: an outage is expected (the port recovers), anything else is reported. */
  #background(work: Promise<unknown>): void {
    const settled = work.then(
      () => undefined,
      (error: unknown) => {
        if (!isPortUnavailable(error)) this.#onPortError(error);
      },
    );
    this.#pending.add(settled);
    void settled.finally(() => this.#pending.delete(settled));
  }

  /** Resolves when the port calls made so far in the background (presence leaves, releases) have settled. */
  async settle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }

  /**
   * Stores then publishes a room message. The store numbers it; appends resolve in commit
   * order, so a room's messages are published in `seq` order. A retry (same client id) is
   * answered with the first message and not published again.
   */
  async #post(
    author: string,
    roomName: string,
    raw: string,
    kind: MessageKind,
    sender: Session | null,
    clientId?: string,
    account: string | undefined = sender?.account?.id,
    receivedAt: number = this.#clock(),
  ): Promise<Outcome> {
    const checked = this.#cleanText(kind === 'topic' ? singleLine(raw) : raw);
    if ('error' in checked) return fail(checked.error);
    const text = checked.text;
    // Stored but unannounced to the other nodes would be worse than refused: they would learn of
    // it only at the next message.
    if (this.#bus.state === 'down') return fail(chatError('bus_unavailable'));
    let room = this.#rooms.get(roomName);
    if (!room) {
      room = this.#router.newRoom(roomName, '', 0, null);
      this.#rooms.set(roomName, room);
    }
    const draft: MessageDraft = {
      id: this.#newId(),
      room: roomName,
      kind,
      author,
      text,
      // When the message reached the server (before the room's checks), the start of its
      // delivery latency.
      ts: receivedAt,
      dedupe: clientId === undefined || clientId === '' ? undefined : { authorKey: foldName(author), clientId },
      ...(account === undefined ? {} : { account }),
    };
    let message: ChatMessage;
    try {
      const appended = await this.#store.append(draft);
      if (appended.duplicate) {
        // A retry: the first send may have been committed by a node that died before announcing
        // it, and then nothing would ever show the others the gap. Announce it again; members
        // who have it drop the repeat (the room's sequencer).
        this.#announce(appended.message, sender);
        return ok({ type: 'sent', message: appended.message, replayed: true });
      }
      message = appended.message;
      this.#observer.messageStored(Math.max(0, this.#clock() - draft.ts));
    } catch (error) {
      return fail(chatError('store_unavailable', `The message was not stored: ${String(error)}`));
    }
    this.#announce(message, sender);
    return ok({ type: 'sent', message });
  }

  #announce(message: ChatMessage, sender: Session | null): void {
    const envelope: Envelope = { audience: { kind: 'room', room: message.room }, event: { type: 'message', message }, author: sender?.id };
    // This node's members get it now, whatever the bus does; the bus's copy is then a repeat
    // that the room's sequencer drops.
    this.#router.route(envelope);
    this.#publish(envelope);
  }

  async #privateMessage(session: Session, to: string, raw: string, action: boolean): Promise<Outcome> {
    const key = foldName(to.trim());
    const here = [...this.#names.local(key)][0];
    let exists = here !== undefined;
    if (!exists) {
      try {
        exists = await this.#names.held(key);
      } catch (error) {
        if (isPortUnavailable(error)) return fail(chatError('bus_unavailable'));
        throw error;
      }
    }
    const shown = checkName(to);
    if (!exists || 'error' in shown) return fail(chatError('no_such_user', `No user is called "${to}".`));
    const checked = this.#cleanText(raw);
    if ('error' in checked) return fail(checked.error);
    const text = checked.text;
    const toName = here?.name ?? shown.name;
    const event: ChatEvent = { type: 'private', id: this.#newId(), from: session.name ?? '', to: toName, text, action, ts: this.#clock() };
    this.#publish({ audience: { kind: 'user', key }, event });
    return ok({ type: 'private_sent', id: event.id, to: toName, ts: event.ts });
  }

  async #rename(session: Session, raw: string): Promise<Outcome> {
    const from = session.name ?? '';
    const refused = await this.#claimName(session, raw);
    if (refused) return fail(refused);
    const to = session.name ?? '';
    if (from !== to) this.#announceRename(session, from, to);
    return ok({ type: 'renamed', from, to });
  }

  /** Presence learns the new name, and everyone sharing a room with the session is told. */
  #announceRename(session: Session, from: string, to: string): void {
    for (const room of session.rooms) this.#background(this.#presence.join(room, { id: session.id, name: to, node: this.#nodeId }));
    this.#publish({ audience: { kind: 'rooms', rooms: [...session.rooms] }, event: { type: 'rename', from, to, id: session.id } });
  }

  async #topic(session: Session, roomName: string, text: string | undefined): Promise<Outcome> {
    const receivedAt = this.#clock();
    const room = this.#rooms.get(roomName);
    if (text === undefined || text.trim() === '') return ok({ type: 'topic', room: roomName, topic: room?.topic ?? '' });
    const party = this.#partyOf(session);
    // Slowmode paces messages, not topics; bans, mutes, moderated and the topic lock still hold.
    const cannotSpeak = await this.#moderator.speakRefusal(roomName, party);
    const refused = (cannotSpeak?.code === 'slowmode' ? null : cannotSpeak) ?? (await this.#moderator.topicRefusal(roomName, party));
    if (refused) return fail(refused);
    const posted = await this.#post(session.name ?? '', roomName, text, 'topic', session, undefined, session.account?.id, receivedAt);
    if (!posted.ok || posted.reply.type !== 'sent') return posted;
    return ok({ type: 'topic', room: roomName, topic: posted.reply.message.text, message: posted.reply.message });
  }

  /** A member's message, if the room's moderation lets it speak (bans, mutes, moderated, slowmode). */
  async #speak(session: Session, roomName: string, text: string, kind: MessageKind, clientId?: string): Promise<Outcome> {
    const receivedAt = this.#clock();
    const party = this.#partyOf(session);
    const refused = await this.#moderator.speakRefusal(roomName, party, clientId);
    if (refused) return fail(refused);
    const posted = await this.#post(session.name ?? '', roomName, text, kind, session, clientId, session.account?.id, receivedAt);
    if (posted.ok && !(posted.reply.type === 'sent' && posted.reply.replayed === true)) this.#moderator.spoke(roomName, party.key, clientId);
    return posted;
  }

  /** Who the session is to the room's moderation. */
  #partyOf(session: Session): Party {
    const account = session.account;
    return {
      key: session.key ?? '',
      address: account === null ? session.peer : undefined,
      account: account !== null,
      admin: account !== null && this.#identity !== null && this.#identity.isAdmin(account),
    };
  }

  /**
   * Every envelope from the bus. A moderation notice from another node is routed, then the
   * moderation commands act on it here (re-read the room; take out the user kicked or banned).
   */
  #routed(envelope: Envelope): void {
    this.#router.route(envelope);
    if (envelope.event.type === 'moderation' && envelope.origin !== this.#nodeId) this.#moderation.noticeFromElsewhere(envelope.event.entry);
  }

  /** What others will see of a user's text, or why it is refused: one rule for rooms and private messages. */
  #cleanText(raw: string): { text: string } | { error: ChatError } {
    const text = sanitizeText(raw).trim();
    if (text === '') return { error: chatError('empty_message') };
    // Counted in characters (code points); the UTF-16 length is a cheap upper bound.
    if (text.length > this.maxMessageLength && [...text].length > this.maxMessageLength) {
      return { error: chatError('message_too_long', `A message can have at most ${this.maxMessageLength} characters.`) };
    }
    return { text };
  }

  #roomKey(raw: string): string {
    const checked = checkRoom(raw);
    return 'room' in checked ? checked.room : raw;
  }

  // ---- routing ----------------------------------------------------------------------------

  #publish(envelope: Envelope): void {
    this.#background(this.#bus.publish({ ...envelope, origin: this.#nodeId }));
  }

  /** A member of a node that died, reported once cluster-wide by presence: the others are told it left. */
  #expired(roomName: string, member: PresenceMember): void {
    const user = { id: member.id, name: member.name };
    this.#rooms.get(roomName)?.roster.delete(member.id);
    this.#names.releaseFor(foldName(member.name), member.id);
    this.#publish({ audience: { kind: 'room', room: roomName }, event: { type: 'leave', room: roomName, user, reason: 'Lost connection to its server' } });
  }

  /** Someone else took this session's name while this node was cut off: the session cannot keep it. */
  #nameLost(owner: string): void {
    const session = this.#sessions.get(owner);
    if (!session) return;
    const why = disconnect('replaced', 'Your name was taken while this server was cut off from the others.');
    this.#router.deliver(session.door, { type: 'disconnect', ...why }, new Set([session.link]));
    this.disconnect(owner, why);
  }
}

const defaultSchedule: Schedule = (run, ms) => {
  const timer = setTimeout(run, ms);
  return { cancel: () => clearTimeout(timer) };
};
