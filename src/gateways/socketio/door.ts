import type { Logger } from 'pino';
import type { Server } from 'socket.io';
import type { Chat } from '../../core/chat.js';
import { disconnect, type Disconnect } from '../../core/disconnect.js';
import type { Door } from '../../core/door.js';
import type { ChatEvent } from '../../core/types.js';
import { encodeEvent, notice, wireUser, type Outgoing } from './encode.js';
import type { SocketLink } from './link.js';
import { countPacket, terminate, type EnginePacket } from './outbuf.js';
import { followMembership, mirrorOf, mirrorSize } from './room-mirror.js';
import { RoomUsersScheduler } from './room-users.js';


export interface SocketDoorOptions {
  readonly io: Server;
  readonly chat: Chat;
  readonly logger: Logger;
  /** Bytes that may wait for one client before it is disconnected (MAX_OUTBUF_BYTES). */
  readonly maxQueuedBytes: number;
  /** The name notices are sent under; not a valid user name, so nobody can impersonate it. */
  readonly botName: string;
  readonly clock: () => number;
}

/** The chat room a core event is scoped to, if it is delivered to a room's members. */
function roomOf(event: ChatEvent): string | null {
  switch (event.type) {
    case 'message':
      return event.message.room;
    case 'join':
    case 'leave':
    case 'typing':
      return event.room;
    default:
      return null;
  }
}

/**
 * The core's handle on every Socket.IO connection of this node. Each core event is encoded
 * once and broadcast through socket.io's adapter, which also frames it once for all WebSocket
 * recipients: a room's event to the room's mirror (room-mirror.ts), which the core keeps equal
 * to its local members through `membership`; any other event to its recipients' socket ids.
 * The adapter is socket.io's default in-memory one: a broadcast never leaves this process
 * (other nodes get events from Parley's bus, and must not get them twice). Sockets over the
 * output bound are closed as their output grows (`packetQueued`), not looked for on every
 * message.
 */
export class SocketDoor implements Door<SocketLink> {
  readonly name = 'socket.io';
  readonly echoOwnMessages = true;
  readonly botName: string;
  readonly #io: Server;
  readonly #chat: Chat;
  readonly #logger: Logger;
  readonly #maxQueued: number;
  readonly #clock: () => number;
  readonly #bySession = new Map<string, SocketLink>();
  /** Only links that were given a resume secret (Parley's own client) are here. */
  readonly #byResume = new Map<string, SocketLink>();
  readonly #roomUsers: RoomUsersScheduler;
  /** Goodbyes waiting for a socket's running request to be answered (see `#closeAll`). */
  readonly #lateGoodbyes = new Set<Promise<void>>();

  constructor(options: SocketDoorOptions) {
    this.#io = options.io;
    this.#chat = options.chat;
    this.#logger = options.logger;
    this.#maxQueued = options.maxQueuedBytes;
    this.botName = options.botName;
    this.#clock = options.clock;
    this.#roomUsers = new RoomUsersScheduler((room) => this.#sendRoomUsers(room));
  }

  get size(): number {
    return this.#bySession.size;
  }

  add(link: SocketLink): void {
    this.#bySession.set(link.sessionId, link);
  }

  remove(link: SocketLink): void {
    this.#bySession.delete(link.sessionId);
    const token = link.resumeToken;
    if (token !== null) this.#byResume.delete(token);
  }

  /** The link's resume secret, made and indexed on first use. */
  resumeTokenOf(link: SocketLink): string {
    const token = link.issueResumeToken();
    this.#byResume.set(token, link);
    return token;
  }

  byResumeToken(token: string): SocketLink | undefined {
    return this.#byResume.get(token);
  }

  /**
   * The core's member set of `room` just gained or lost `link`: its mirror follows at once.
   * A closing link has left every mirror already and joins none again (room-mirror.ts).
   */
  membership(link: SocketLink, room: string, member: boolean): void {
    if (member && link.closing) return;
    try {
      followMembership(link.socket, room, member);
    } catch (error) {
      // The core's contract: this call must not throw. Closing the link takes it out of every mirror.
      this.fail(link, error, 'membership');
    }
  }

  /** Call from the connection's 'packetCreate': closes the link once its output passes the bound. */
  packetQueued(link: SocketLink, packet: EnginePacket): void {
    if (countPacket(link, packet, this.#maxQueued) && !link.closing) this.kick(link, disconnect('slow_reader'));
  }

  /** Something unexpected happened for this socket (a bug, not a chat error): log it, close it only. */
  fail(link: SocketLink, error: unknown, where: string): void {
    this.#logger.error({ err: error, session: link.sessionId, where }, 'Socket.IO connection failed; closing it');
    this.kick(link, disconnect('internal_error'));
  }

  deliver(event: ChatEvent, to: ReadonlySet<SocketLink>, except?: SocketLink): void {
    switch (event.type) {
      case 'disconnect':
        this.#closeAll(to, event);
        return;
      case 'join':
      case 'leave':
        this.#roomUsers.mark(event.room);
        break;
      case 'rename':
        for (const room of this.#chat.roomsOf(event.id)) this.#roomUsers.mark(room);
        break;
      case 'moderation':
        // A role, a kick or a ban changes the member list the page shows.
        this.#roomUsers.mark(event.entry.room);
        break;
      default:
        break;
    }
    const out = encodeEvent(event, this.botName, this.#clock());
    if (!out) return;
    // The core hands a door a room's event with all of its links in the room: the mirror,
    // plus closing links, which must get nothing. So the mirror is exactly the audience.
    const room = roomOf(event);
    if (room !== null) this.#sendToRoom(room, out, except);
    else this.#sendToLinks(to, out, except);
  }

  /** Sends one event to one socket, unless it is closing. */
  sendTo(link: SocketLink, out: Outgoing): void {
    if (!link.closing) link.socket.emit(out.name, out.payload);
  }

  /** One broadcast to this node's members of `room` (its mirror), but `except`. */
  #sendToRoom(room: string, out: Outgoing, except?: SocketLink): void {
    const target = this.#io.to(mirrorOf(room));
    (except ? target.except(except.socket.id) : target).emit(out.name, out.payload);
  }

  /** One broadcast to the socket ids of the links that are not closing, but `except`. */
  #sendToLinks(links: Iterable<SocketLink>, out: Outgoing, except?: SocketLink): void {
    const ids: string[] = [];
    for (const link of links) {
      if (link !== except && !link.closing) ids.push(link.socket.id);
    }
    if (ids.length > 0) this.#io.to(ids).emit(out.name, out.payload);
  }

  /**
   * Closes one socket with a reason, after the current delivery: the core may be iterating the
   * room this session leaves, and its leave notice must follow the event being delivered.
   */
  kick(link: SocketLink, why: Disconnect): void {
    if (link.closing) return;
    link.markClosing();
    const level = why.code === 'quit' ? 'debug' : 'warn';
    this.#logger[level]({ session: link.sessionId, code: why.code, reason: why.reason }, 'closing Socket.IO connection');
    queueMicrotask(() => {
      this.#chat.disconnect(link.sessionId, why);
      if (why.code === 'slow_reader') {
        // It reads nothing more, so telling it why is pointless; free its buffers now.
        terminate(link.socket);
        return;
      }
      link.socket.emit('bye', { reason: why.reason, code: why.code });
      link.socket.disconnect(true);
    });
  }

  /**
   * Closes every given socket with the reason (the server's shutdown). Contract: a socket's
   * requests that are still running are answered before its `bye` (the chat answers new ones
   * `shutting_down`); `goodbyesSent` lets the gateway wait for those late goodbyes, bounded.
   */
  #closeAll(links: ReadonlySet<SocketLink>, why: Disconnect): void {
    const open = [...links].filter((link) => !link.closing);
    // Mark first, so the leave notices of the first closed do not go to the rest.
    for (const link of open) link.markClosing();
    this.#sayGoodbye(open.filter((link) => !link.busy), why);
    for (const link of open) {
      if (!link.busy) continue;
      // A rejected queue is a bug already logged by the runner; the gateway's close still closes the socket.
      const late = link.whenIdle().then(
        () => this.#sayGoodbye([link], why),
        (error: unknown) => this.#logger.error({ err: error, session: link.sessionId }, 'Socket.IO request queue failed at shutdown'),
      );
      this.#lateGoodbyes.add(late);
      void late.finally(() => this.#lateGoodbyes.delete(late));
    }
  }

  /** The shutdown notice and `bye` to each link (one broadcast for all), then the close. */
  #sayGoodbye(links: readonly SocketLink[], why: Disconnect): void {
    const ids = links.map((link) => link.socket.id);
    if (ids.length === 0) return;
    this.#io.to(ids).emit('message', notice(this.botName, why.reason, null, this.#clock()));
    this.#io.to(ids).emit('bye', { reason: why.reason, code: why.code });
    for (const link of links) link.socket.disconnect(true);
  }

  /** Resolves when every goodbye held back for a running request has been sent, or after `ms`. */
  async goodbyesSent(ms: number): Promise<void> {
    if (this.#lateGoodbyes.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    });
    try {
      await Promise.race([Promise.all([...this.#lateGoodbyes]), deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The room's member list (every node's members) to this door's members of the room. */
  #sendRoomUsers(room: string): void {
    if (mirrorSize(this.#io, room) === 0) return;
    // Roles come from the room's moderation (cached; a store read at worst), so the list follows
    // a turn later; it is a whole list each time, so a late one is still right.
    this.#chat.membersWithRoles(room).then(
      (members) => {
        if (mirrorSize(this.#io, room) > 0) this.#sendToRoom(room, { name: 'roomUsers', payload: { room, users: members.map(wireUser) } });
      },
      (error: unknown) => this.#logger.error({ err: error, room }, 'roomUsers could not be built'),
    );
  }

  /** Sends pending `roomUsers` now (a request's reply may want them to precede it). */
  flushRoomUsers(): void {
    this.#roomUsers.flush();
  }

  close(): void {
    this.#roomUsers.close();
  }
}
