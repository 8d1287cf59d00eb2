import type { Redis } from 'ioredis';
import type { Bus, BusState, BusSubscription, Envelope } from '../core/ports/bus.js';
import { PortUnavailableError } from '../core/ports/unavailable.js';
import { asError, closeRedis, openRedis, portError } from '../cluster/redis-connection.js';
import { decodeEnvelope, encodeEnvelope } from './envelope-wire.js';

export interface RedisBusOptions {
  readonly url: string;
  /** Names this node's connections in Redis (CLIENT LIST). */
  readonly nodeId: string;
  /** Prefix of every channel; nodes of one chat share it. */
  readonly prefix?: string;
  readonly maxBackoffMs?: number;
  readonly startTimeoutMs?: number;
  /** Connection errors (expected during an outage) and envelopes dropped as invalid. */
  readonly onError?: (error: Error) => void;
}

type Handler = (envelope: Envelope) => void;

interface Subscriber {
  readonly handler: Handler;
  readonly rooms: Set<string>;
}

/**
 * The bus over Redis pub/sub, one instance per node, with two connections (a connection that
 * subscribes can do nothing else).
 * Channels: `<prefix>room:<room>` carries one room's envelopes and is subscribed only while
 * some subscription of this node watches the room; `<prefix>node-wide` carries envelopes for
 * users, several rooms and everyone, and every node hears it.
 * Pub/sub is at-most-once (see the Bus contract): envelopes published while a node is
 * disconnected are lost to it, and the core fills room gaps from the store.
 */
export class RedisBus implements Bus {
  readonly #pub: Redis;
  readonly #sub: Redis;
  readonly #prefix: string;
  readonly #nodeWide: string;
  readonly #onError: (error: Error) => void;
  readonly #subscribers = new Set<Subscriber>();
  /** How many subscriptions watch each room; a room's channel is subscribed while > 0. */
  readonly #watchers = new Map<string, number>();
  readonly #listeners = new Set<(state: BusState) => void>();
  /** True once the subscriber connection has every wanted channel after (re)connecting. */
  #subscribed = false;
  #state: BusState = 'down';
  #closed = false;

  private constructor(pub: Redis, sub: Redis, options: RedisBusOptions) {
    this.#pub = pub;
    this.#sub = sub;
    this.#prefix = options.prefix ?? 'parley:';
    this.#nodeWide = `${this.#prefix}node-wide`;
    this.#onError = options.onError ?? (() => {});
    sub.on('message', (channel: string, text: string) => this.#receive(channel, text));
    sub.on('ready', () => void this.#resubscribe());
    sub.on('close', () => {
      this.#subscribed = false;
      this.#updateState();
    });
    pub.on('ready', () => this.#updateState());
    pub.on('close', () => this.#updateState());
  }

  /** Connects both connections; rejects with one readable line if Redis cannot be reached. */
  static async connect(options: RedisBusOptions): Promise<RedisBus> {
    const connect = (role: string) =>
      openRedis(options.url, {
        name: `parley:${options.nodeId}:bus-${role}`,
        maxBackoffMs: options.maxBackoffMs,
        startTimeoutMs: options.startTimeoutMs,
        onError: options.onError,
      });
    const pub = await connect('pub');
    let sub: Redis;
    try {
      sub = await connect('sub');
    } catch (error) {
      await closeRedis(pub);
      throw error;
    }
    const bus = new RedisBus(pub, sub, options);
    await bus.#resubscribe();
    return bus;
  }

  get state(): BusState {
    return this.#state;
  }

  onStateChange(listener: (state: BusState) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async publish(envelope: Envelope): Promise<void> {
    if (this.#state === 'down') throw new PortUnavailableError('bus', this.#closed ? 'closed' : 'Redis is not connected');
    const channel = envelope.audience.kind === 'room' ? this.#roomChannel(envelope.audience.room) : this.#nodeWide;
    try {
      await this.#pub.publish(channel, encodeEnvelope(envelope));
    } catch (error) {
      throw portError('bus', error);
    }
  }

  subscribe(handler: Handler): BusSubscription {
    const subscriber: Subscriber = { handler, rooms: new Set() };
    this.#subscribers.add(subscriber);
    return {
      watch: (room) => this.#watch(subscriber, room),
      unwatch: (room) => this.#unwatch(subscriber, room),
      close: async () => {
        if (!this.#subscribers.delete(subscriber)) return;
        await Promise.all([...subscriber.rooms].map((room) => this.#unwatch(subscriber, room)));
      },
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#subscribers.clear();
    this.#watchers.clear();
    this.#updateState();
    this.#listeners.clear();
    await Promise.all([closeRedis(this.#sub), closeRedis(this.#pub)]);
  }

  async #watch(subscriber: Subscriber, room: string): Promise<void> {
    if (this.#closed) throw new PortUnavailableError('bus', 'closed');
    if (!this.#subscribers.has(subscriber)) throw new Error('watch on a closed bus subscription');
    if (!subscriber.rooms.has(room)) {
      subscriber.rooms.add(room);
      this.#watchers.set(room, (this.#watchers.get(room) ?? 0) + 1);
    }
    // While not subscribed, #resubscribe will pick the room up when the connection is back.
    if (!this.#subscribed) throw new PortUnavailableError('bus', 'Redis is not connected; the room is subscribed on reconnection');
    try {
      // Repeating SUBSCRIBE for a channel already held is harmless, and tells us it is held.
      await this.#sub.subscribe(this.#roomChannel(room));
    } catch (error) {
      throw portError('bus', error);
    }
  }

  async #unwatch(subscriber: Subscriber, room: string): Promise<void> {
    if (!subscriber.rooms.delete(room)) return;
    const left = (this.#watchers.get(room) ?? 1) - 1;
    if (left > 0) {
      this.#watchers.set(room, left);
      return;
    }
    this.#watchers.delete(room);
    // When disconnected there is nothing to undo: #resubscribe only takes watched rooms.
    if (!this.#subscribed) return;
    try {
      await this.#sub.unsubscribe(this.#roomChannel(room));
    } catch (error) {
      // Lost with the connection: the room is no longer watched, so it is not resubscribed.
      if (this.#sub.status === 'ready') this.#onError(asError(error));
    }
  }

  /** After (re)connecting: subscribes the node-wide channel and every watched room. */
  async #resubscribe(): Promise<void> {
    if (this.#closed || this.#subscribed) return;
    const done = new Set<string>();
    try {
      await this.#sub.subscribe(this.#nodeWide);
      // Rooms watched while we waited are taken on the next turn; stop when nothing is new.
      for (;;) {
        const wanted = [...this.#watchers.keys()].filter((room) => !done.has(room));
        if (wanted.length === 0) break;
        await this.#sub.subscribe(...wanted.map((room) => this.#roomChannel(room)));
        for (const room of wanted) done.add(room);
      }
    } catch (error) {
      // The connection dropped again; the next 'ready' starts over.
      this.#onError(asError(error));
      return;
    }
    // Rooms unwatched meanwhile were unsubscribed by #unwatch only if #subscribed was true;
    // drop them now so the channel set equals the watched set.
    const stale = [...done].filter((room) => !this.#watchers.has(room));
    this.#subscribed = this.#sub.status === 'ready';
    this.#updateState();
    if (stale.length > 0 && this.#subscribed) {
      await this.#sub.unsubscribe(...stale.map((room) => this.#roomChannel(room))).catch((error: unknown) => {
        this.#onError(asError(error));
      });
    }
  }

  #receive(channel: string, text: string): void {
    const decoded = decodeEnvelope(text);
    if ('error' in decoded) {
      this.#onError(new Error(`dropped an envelope on ${channel}: ${decoded.error}`));
      return;
    }
    const { envelope } = decoded;
    if (channel === this.#nodeWide) {
      if (envelope.audience.kind === 'room') {
        this.#onError(new Error(`dropped a room envelope sent on ${channel}`));
        return;
      }
      for (const subscriber of this.#subscribers) subscriber.handler(envelope);
      return;
    }
    const room = channel.slice(this.#roomChannel('').length);
    if (envelope.audience.kind !== 'room' || envelope.audience.room !== room) {
      this.#onError(new Error(`dropped an envelope on ${channel} for another audience`));
      return;
    }
    for (const subscriber of this.#subscribers) if (subscriber.rooms.has(room)) subscriber.handler(envelope);
  }

  #roomChannel(room: string): string {
    return `${this.#prefix}room:${room}`;
  }

  #updateState(): void {
    const next: BusState = !this.#closed && this.#subscribed && this.#pub.status === 'ready' ? 'up' : 'down';
    if (next === this.#state) return;
    this.#state = next;
    for (const listener of this.#listeners) listener(next);
  }
}
