import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { Presence, PresenceMember } from '../core/ports/presence.js';
import { HEARTBEAT, JOIN, LEAVE, MEMBERS, SWEEP } from './presence-scripts.js';
import { asError, closeRedis, openRedis, portError } from './redis-connection.js';

export interface RedisPresenceOptions {
  readonly url: string;
  /** This node: its heartbeat keeps its members present. */
  readonly nodeId: string;
  /** Prefix of every key; nodes of one chat share it. */
  readonly prefix?: string;
  /** How long a node's members outlive its last heartbeat (PRESENCE_TTL). */
  readonly ttlMs?: number;
  /** Default: a third of the TTL. */
  readonly heartbeatEveryMs?: number;
  /** How often this node looks for lost nodes. Default: half the TTL. */
  readonly sweepEveryMs?: number;
  readonly maxBackoffMs?: number;
  readonly startTimeoutMs?: number;
  /** Connection errors (expected during an outage), failed heartbeats and sweeps. */
  readonly onError?: (error: Error) => void;
}

const MemberSchema = z.object({ id: z.string(), name: z.string(), node: z.string() });
const SWEEP_NODES_PER_CALL = 100;

/**
 * Presence in Redis (layout in presence-scripts.ts). Each node heartbeats by itself and sweeps
 * for nodes whose heartbeat lapsed; the sweep is one Lua script, so each lost member is removed,
 * and reported to this node's onExpired handlers, by exactly one node.
 * The node also remembers its own members, to write them back if Redis lost them (restart
 * without persistence) or took the node for dead (a pause longer than the TTL).
 */
export class RedisPresence implements Presence {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #node: string;
  readonly #ttlMs: number;
  readonly #onError: (error: Error) => void;
  /** This node's own members: room -> id -> member. */
  readonly #local = new Map<string, Map<string, PresenceMember>>();
  readonly #expiredHandlers = new Set<(room: string, member: PresenceMember) => void>();
  readonly #timers: NodeJS.Timeout[];
  #closed = false;

  private constructor(redis: Redis, options: RedisPresenceOptions) {
    this.#redis = redis;
    this.#prefix = options.prefix ?? 'parley:';
    this.#node = options.nodeId;
    this.#ttlMs = options.ttlMs ?? 30_000;
    this.#onError = options.onError ?? (() => {});
    this.#timers = [
      setInterval(() => void this.heartbeat(), options.heartbeatEveryMs ?? Math.max(1, Math.floor(this.#ttlMs / 3))),
      setInterval(() => void this.sweep(), options.sweepEveryMs ?? Math.max(1, Math.floor(this.#ttlMs / 2))),
    ];
    for (const timer of this.#timers) timer.unref();
    redis.on('ready', () => void this.heartbeat());
  }

  /** Connects and sends the first heartbeat, so that this node's members can be swept if it dies. */
  static async connect(options: RedisPresenceOptions): Promise<RedisPresence> {
    const redis = await openRedis(options.url, {
      name: `parley:${options.nodeId}:presence`,
      maxBackoffMs: options.maxBackoffMs,
      startTimeoutMs: options.startTimeoutMs,
      onError: options.onError,
    });
    const presence = new RedisPresence(redis, options);
    await presence.heartbeat();
    return presence;
  }

  async join(room: string, member: PresenceMember): Promise<void> {
    const own: PresenceMember = { id: member.id, name: member.name, node: member.node };
    let members = this.#local.get(room);
    if (!members) this.#local.set(room, (members = new Map()));
    const before = members.get(own.id);
    members.set(own.id, own);
    let added: unknown;
    try {
      added = await this.#join(room, own);
    } catch (error) {
      // Not known to have happened: remember what was there before (for write-backs).
      if (before) members.set(own.id, before);
      else this.#forget(room, own.id);
      throw portError('presence', error);
    }
    // The node had been dropped (swept, or Redis lost it): its other members went with it.
    if (added === 1) void this.#writeBack();
  }

  async leave(room: string, id: string): Promise<void> {
    this.#forget(room, id);
    try {
      await LEAVE.run(this.#redis, [], [this.#prefix, room, id]);
    } catch (error) {
      throw portError('presence', error);
    }
  }

  async members(room: string): Promise<PresenceMember[]> {
    let values: unknown;
    try {
      values = await MEMBERS.run(this.#redis, [], [this.#prefix, room]);
    } catch (error) {
      throw portError('presence', error);
    }
    return (Array.isArray(values) ? values : []).flatMap((value) => this.#parseMember(value));
  }

  async counts(rooms: readonly string[]): Promise<Map<string, number>> {
    if (rooms.length === 0) return new Map();
    const pipeline = this.#redis.pipeline();
    for (const room of rooms) pipeline.zcard(this.#roomKey(room, 'order'));
    let results: [Error | null, unknown][] | null;
    try {
      results = await pipeline.exec();
    } catch (error) {
      throw portError('presence', error);
    }
    const counts = new Map<string, number>();
    rooms.forEach((room, i) => {
      const [error, count] = results?.[i] ?? [new Error('no reply'), 0];
      if (error) throw portError('presence', error);
      counts.set(room, typeof count === 'number' ? count : 0);
    });
    return counts;
  }

  onExpired(handler: (room: string, member: PresenceMember) => void): () => void {
    this.#expiredHandlers.add(handler);
    return () => this.#expiredHandlers.delete(handler);
  }

  /** Keeps this node alive; runs by itself, and on reconnection. Public for tests. */
  async heartbeat(): Promise<void> {
    if (this.#closed || this.#redis.status !== 'ready') return;
    try {
      const added = await HEARTBEAT.run(this.#redis, [], [this.#prefix, this.#node, this.#ttlMs]);
      if (added === 1 && this.#local.size > 0) await this.#writeBack();
    } catch (error) {
      // Expected during an outage; the next heartbeat (or reconnection) tries again.
      this.#onError(asError(error));
    }
  }

  /** Removes the members of lost nodes and tells this node's handlers. Runs by itself. Public for tests. */
  async sweep(): Promise<void> {
    if (this.#closed || this.#redis.status !== 'ready') return;
    let found: unknown;
    try {
      found = await SWEEP.run(this.#redis, [], [this.#prefix, SWEEP_NODES_PER_CALL]);
    } catch (error) {
      this.#onError(asError(error));
      return;
    }
    const flat = Array.isArray(found) ? found : [];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const room: unknown = flat[i];
      if (typeof room !== 'string') continue;
      for (const member of this.#parseMember(flat[i + 1])) {
        for (const handler of this.#expiredHandlers) handler(room, member);
      }
    }
  }

  /** Stops heartbeat and sweep; this node's members lapse within the TTL unless they left. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const timer of this.#timers) clearInterval(timer);
    this.#expiredHandlers.clear();
    await closeRedis(this.#redis);
  }

  #join(room: string, member: PresenceMember): Promise<unknown> {
    return JOIN.run(this.#redis, [], [this.#prefix, room, member.id, JSON.stringify(member), this.#node, this.#ttlMs]);
  }

  async #writeBack(): Promise<void> {
    const entries = [...this.#local].flatMap(([room, members]) => [...members.values()].map((member) => [room, member] as const));
    try {
      await Promise.all(entries.map(([room, member]) => this.#join(room, member)));
    } catch (error) {
      this.#onError(asError(error));
    }
  }

  #forget(room: string, id: string): void {
    const members = this.#local.get(room);
    members?.delete(id);
    if (members?.size === 0) this.#local.delete(room);
  }

  #parseMember(value: unknown): PresenceMember[] {
    if (typeof value !== 'string') return [];
    let json: unknown;
    try {
      json = JSON.parse(value);
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
      this.#onError(new Error(`presence: dropped a member that is not JSON: ${error.message}`));
      return [];
    }
    const parsed = MemberSchema.safeParse(json);
    if (!parsed.success) {
      this.#onError(new Error('presence: dropped a member of the wrong shape'));
      return [];
    }
    return [parsed.data];
  }

  #roomKey(room: string, part: 'order' | 'members'): string {
    return `${this.#prefix}presence:room:${room}:${part}`;
  }
}
