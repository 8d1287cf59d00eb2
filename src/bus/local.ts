import type { Bus, BusState, BusSubscription, Envelope } from '../core/ports/bus.js';

type Handler = (envelope: Envelope) => void;

/**
 * The single-process bus: delivers synchronously, in publish order, to every subscriber.
 * watch/unwatch are no-ops: every subscriber hears every room (the contract allows more than
 * watched; the core filters by its own members). It cannot be down: `state` is always 'up',
 * and after close a publish reaches nobody and resolves.
 */
export class LocalBus implements Bus {
  readonly state: BusState = 'up';
  readonly #handlers = new Set<Handler>();

  publish(envelope: Envelope): Promise<void> {
    for (const handler of this.#handlers) handler(envelope);
    return Promise.resolve();
  }

  subscribe(handler: Handler): BusSubscription {
    // A wrapper per call, so one handler subscribed twice is two subscriptions.
    const deliver: Handler = (envelope) => handler(envelope);
    this.#handlers.add(deliver);
    return {
      watch: () => Promise.resolve(),
      unwatch: () => Promise.resolve(),
      close: async () => {
        this.#handlers.delete(deliver);
      },
    };
  }

  /** The state never changes. */
  onStateChange(): () => void {
    return () => {};
  }

  async close(): Promise<void> {
    this.#handlers.clear();
  }
}
