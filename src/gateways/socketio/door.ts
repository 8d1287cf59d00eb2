import type { Logger } from 'pino';
import type { Server } from 'socket.io';
import type { Chat } from '../../core/chat.js';
import type { Door } from '../../core/door.js';
import type { ChatEvent } from '../../core/types.js';
import { encodeEvent, notice, wireUser, type Outgoing } from './encode.js';
import type { SocketLink } from './link.js';
import { terminate } from './outbuf.js';
import { RoomUsersScheduler } from './room-users.js';

export const SLOW_REASON = 'Too slow: outgoing buffer full';

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

/**
 * The core's handle on every Socket.IO connection of this node. Each core event is encoded
 * once and broadcast through socket.io's adapter, which also frames it once for all WebSocket
 * recipients. Sockets over the output bound are closed instead of written to.
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
  readonly #byResume = new Map<string, SocketLink>();
  readonly #roomUsers: RoomUsersScheduler;

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
    this.#byResume.set(link.resumeToken, link);
  }

  remove(link: SocketLink): void {
    this.#bySession.delete(link.sessionId);
    this.#byResume.delete(link.resumeToken);
  }

  byResumeToken(token: string): SocketLink | undefined {
    return this.#byResume.get(token);
  }

  deliver(event: ChatEvent, to: ReadonlySet<SocketLink>, except?: SocketLink): void {
    switch (event.type) {
      case 'disconnect':
        this.#closeAll(to, event.reason);
        return;
      case 'join':
      case 'leave':
        this.#roomUsers.mark(event.room);
        break;
      case 'rename':
        for (const room of this.#chat.roomsOf(event.id)) this.#roomUsers.mark(room);
        break;
      default:
        break;
    }
    const out = encodeEvent(event, this.botName, this.#clock());
    if (out) this.emit(to, out, except);
  }

  /** Sends one encoded event to many sockets; encodes once. */
  emit(links: Iterable<SocketLink>, out: Outgoing, except?: SocketLink): void {
    const ids: string[] = [];
    for (const link of links) {
      if (link === except || link.closing) continue;
      if (link.output.queued > this.#maxQueued) {
        this.kick(link, SLOW_REASON);
        continue;
      }
      ids.push(link.socket.id);
    }
    if (ids.length > 0) this.#io.to(ids).emit(out.name, out.payload);
  }

  /**
   * Closes one socket with a reason, after the current delivery: the core may be iterating the
   * room this session leaves, and its leave notice must follow the event being delivered.
   */
  kick(link: SocketLink, reason: string): void {
    if (link.closing) return;
    link.closing = true;
    this.#logger.warn({ session: link.sessionId, reason }, 'closing Socket.IO connection');
    queueMicrotask(() => {
      this.#chat.disconnect(link.sessionId, reason);
      if (reason === SLOW_REASON) {
        // It reads nothing more, so telling it why is pointless; free its buffers now.
        terminate(link.socket);
        return;
      }
      link.socket.emit('bye', { reason });
      link.socket.disconnect(true);
    });
  }

  #closeAll(links: ReadonlySet<SocketLink>, reason: string): void {
    const open = [...links].filter((link) => !link.closing);
    // Mark first, so the leave notices of the first closed do not go to the rest.
    for (const link of open) link.closing = true;
    const ids = open.map((link) => link.socket.id);
    if (ids.length === 0) return;
    this.#io.to(ids).emit('message', notice(this.botName, reason, null, this.#clock()));
    this.#io.to(ids).emit('bye', { reason });
    for (const link of open) link.socket.disconnect(true);
  }

  #sendRoomUsers(room: string): void {
    const members = this.#chat.members(room) ?? [];
    const links: SocketLink[] = [];
    for (const member of members) {
      const link = this.#bySession.get(member.id);
      if (link) links.push(link);
    }
    if (links.length === 0) return;
    this.emit(links, { name: 'roomUsers', payload: { room, users: members.map(wireUser) } });
  }

  /** Sends pending `roomUsers` now (a request's reply may want them to precede it). */
  flushRoomUsers(): void {
    this.#roomUsers.flush();
  }

  close(): void {
    this.#roomUsers.close();
  }
}
