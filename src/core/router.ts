import type { Door } from './door.js';
import type { NameRegistry } from './name-registry.js';
import type { Envelope } from './ports/bus.js';
import type { Store } from './ports/store.js';
import { Room } from './room.js';
import type { Schedule, SequencerDeps } from './sequencer.js';
import type { Session } from './session.js';
import type { ChatEvent, ChatMessage } from './types.js';

export interface RouterDeps {
  /** The chat's own maps: the router reads them and never adds or removes a session or a room. */
  readonly rooms: ReadonlyMap<string, Room>;
  readonly sessions: ReadonlyMap<string, Session>;
  readonly names: NameRegistry;
  readonly nodeId: string;
  /** Where gaps in a room's messages are read from. */
  readonly store: Pick<Store, 'history'>;
  readonly schedule: Schedule;
  readonly onGapFilled: (room: string, fromSeq: number, count: number) => void;
  readonly onDeliveryError: (error: unknown, door: string) => void;
  /** See SequencerDeps.tailCheckMs (0 in one process: its bus loses nothing). */
  readonly tailCheckMs?: number;
}

/**
 * The one path every event takes to this node's doors, whether it was published here or on
 * another node: it keeps the node's view of each room (other nodes' members, last seq, topic)
 * in step, puts room messages in seq order through the room's sequencer, and hands each event
 * to each door once with all of that door's recipients.
 */
export class Router {
  readonly #deps: RouterDeps;

  constructor(deps: RouterDeps) {
    this.#deps = deps;
  }

  /** Keeps this node's view of another node's members in step with their joins, leaves and renames. */
  #applyRoster(envelope: Envelope): void {
    if (envelope.origin === this.#deps.nodeId) return;
    const { audience, event } = envelope;
    if (audience.kind === 'room') {
      const room = this.#deps.rooms.get(audience.room);
      if (!room || room.members.size === 0) return;
      if (event.type === 'join') room.roster.set(event.user.id, event.user);
      else if (event.type === 'leave') room.roster.delete(event.user.id);
    } else if (audience.kind === 'rooms' && event.type === 'rename') {
      for (const name of audience.rooms) {
        const room = this.#deps.rooms.get(name);
        if (room?.roster.has(event.id)) room.roster.set(event.id, { id: event.id, name: event.to });
      }
    }
  }

  /** Delivers an envelope from the bus (or this node's own message, at once) to this node's sessions. */
  route(envelope: Envelope): void {
    const { audience, event } = envelope;
    if (event.type !== 'message') this.#applyRoster(envelope);
    if (envelope.quiet) return;
    switch (audience.kind) {
      case 'room': {
        const room = this.#deps.rooms.get(audience.room);
        if (!room) return;
        // Messages reach the doors through the room's sequencer: once each, in seq order.
        if (event.type === 'message') room.sequencer.accept(event.message, envelope.author);
        else this.#deliverRoom(room, event, envelope);
        return;
      }
      case 'rooms': {
        const seen = new Set<Session>();
        for (const name of audience.rooms) for (const member of this.#deps.rooms.get(name)?.members ?? []) seen.add(member);
        for (const member of seen) this.deliver(member.door, event, new Set([member.link]));
        return;
      }
      case 'user': {
        // Every connection of the user (an account may have several), each once.
        for (const session of this.#deps.names.local(audience.key)) this.deliver(session.door, event, new Set([session.link]));
        return;
      }
      case 'all':
        this.deliverAll(event);
        return;
    }
  }

  /** A room whose messages reach the doors through its sequencer, in seq order, once each. */
  newRoom(name: string, topic: string, lastSeq: number, lastTs: number | null): Room {
    let room: Room | undefined;
    const sequencing: SequencerDeps = {
      fetchAfter: (roomName, after, limit) => this.#deps.store.history(roomName, { after, limit }),
      deliver: (message, author) => {
        if (room) this.#deliverMessage(room, message, author);
      },
      schedule: this.#deps.schedule,
      tailCheckMs: this.#deps.tailCheckMs,
      onFill: (roomName, fromSeq, count) => this.#deps.onGapFilled(roomName, fromSeq, count),
    };
    room = new Room(name, topic, lastSeq, lastTs, sequencing);
    return room;
  }

  /** The one place a room message updates this node's view of the room before the doors see it. */
  #deliverMessage(room: Room, message: ChatMessage, author: string | undefined): void {
    room.lastSeq = message.seq;
    room.lastTs = message.ts;
    if (message.kind === 'topic') room.topic = message.text;
    this.#deliverRoom(room, { type: 'message', message }, { audience: { kind: 'room', room: room.name }, event: { type: 'message', message }, author });
  }

  #deliverRoom(room: Room, event: ChatEvent, envelope: Envelope): void {
    const except = envelope.except ?? envelope.author;
    const excluded = except === undefined ? undefined : this.#deps.sessions.get(except);
    for (const [door, links] of room.linksByDoor()) {
      const skip = excluded && excluded.door === door && (envelope.except !== undefined || !door.echoOwnMessages);
      this.deliver(door, event, links, skip ? excluded.link : undefined);
    }
  }

  /** One door's failure must not stop delivery to the others nor fail the sender's command. */
  deliver(door: Door<unknown>, event: ChatEvent, links: ReadonlySet<unknown>, except?: unknown): void {
    try {
      door.deliver(event, links, except);
    } catch (error) {
      this.#deps.onDeliveryError(error, door.name);
    }
  }

  /** An event for every session of this node (a broadcast, the shutdown). */
  deliverAll(event: ChatEvent): void {
    const byDoor = new Map<Door<unknown>, Set<unknown>>();
    for (const session of this.#deps.sessions.values()) {
      let links = byDoor.get(session.door);
      if (!links) byDoor.set(session.door, (links = new Set()));
      links.add(session.link);
    }
    for (const [door, links] of byDoor) this.deliver(door, event, links);
  }
}
