import type { ChatEvent } from '../types.js';

/** Who should receive an event, by what every node can resolve locally. */
export type Audience =
  | { readonly kind: 'room'; readonly room: string }
  /** Members of any of these rooms, each once (a rename is told to everyone who shares a room). */
  | { readonly kind: 'rooms'; readonly rooms: readonly string[] }
  /** A user by folded name. */
  | { readonly kind: 'user'; readonly key: string }
  | { readonly kind: 'all' };

export interface Envelope {
  readonly audience: Audience;
  readonly event: ChatEvent;
  /** Session id that must not receive it (the sender of a join or typing notice). */
  readonly except?: string;
  /** Session id of the author of a message, for doors that do not echo a sender's own lines. */
  readonly author?: string;
  /** The node that published it: a node's own view of its sessions is never changed by its echo. */
  readonly origin?: string;
  /** Updates every node's view of the room (a join or leave in a big room) without a notice to its members. */
  readonly quiet?: boolean;
}

/** 'down': the bus cannot publish or receive; sends are refused with `bus_unavailable`. */
export type BusState = 'up' | 'down';

/**
 * One node's hold on the bus. A node receives:
 *  - the envelopes of rooms it watches (`audience.kind === 'room'`), and
 *  - every envelope for a user, for several rooms and for everyone, whatever it watches.
 * An implementation may deliver more than that (LocalBus delivers every room): the core
 * filters by its own members, never assuming it only hears what it watched.
 */
export interface BusSubscription {
  /**
   * The node now has local members in `room`. Idempotent. The room is remembered at once and
   * resubscribed after every reconnect. The promise resolves when envelopes published after it
   * will be received; it rejects with PortUnavailableError while the bus is down (the room stays
   * watched and is subscribed when the bus is back).
   */
  watch(room: string): Promise<void>;
  /** The node has no local member left in `room`. Idempotent; never rejects. */
  unwatch(room: string): Promise<void>;
  /** Stops delivery to this subscription; its rooms are unwatched. */
  close(): Promise<void>;
}

/**
 * Carries events between chat cores (nodes). Contract (test/contracts/bus-contract.ts):
 *  - Order: envelopes from one publisher reach each subscriber in publish order.
 *  - At most once: each envelope is delivered to a subscriber at most once. A networked bus
 *    (Redis pub/sub) may LOSE envelopes: those published while a node is disconnected, or
 *    before its `watch` resolved. Nothing is replayed. The core fills gaps in a room's
 *    messages from the Store by `seq` before handing them to doors; presence notices and
 *    other unsequenced events are best-effort.
 *  - `publish` resolves once the bus has accepted the envelope (not when it is delivered) and
 *    rejects with PortUnavailableError when the bus is down: the caller must not acknowledge
 *    anything whose delivery depended on it.
 *  - Handlers are called with envelopes that passed validation; a handler must not throw
 *    (the core isolates its doors).
 */
export interface Bus {
  publish(envelope: Envelope): Promise<void>;
  subscribe(handler: (envelope: Envelope) => void): BusSubscription;
  readonly state: BusState;
  /** Called on every change of `state`; returns a function that removes the listener. */
  onStateChange(listener: (state: BusState) => void): () => void;
  /** Closes every subscription and the connections; later publishes reject. */
  close(): Promise<void>;
}
