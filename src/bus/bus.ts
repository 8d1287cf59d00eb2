import type { ChatEvent } from '../core/types.js';

/** Who should receive an event, by what every node can resolve locally. */
export type Audience =
  | { readonly kind: 'room'; readonly room: string }
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
}

/**
 * Carries events between chat cores. Contract (test/bus-contract.ts): every subscriber,
 * on every node, receives every published envelope exactly once, in publish order per
 * publisher.
 */
export interface Bus {
  publish(envelope: Envelope): void;
  subscribe(handler: (envelope: Envelope) => void): () => void;
  close(): Promise<void>;
}
