import type { Bus, Envelope } from './bus.js';

/** The single-process bus: delivers synchronously, in publish order, to every subscriber. */
export class LocalBus implements Bus {
  readonly #handlers = new Set<(envelope: Envelope) => void>();

  publish(envelope: Envelope): void {
    for (const handler of this.#handlers) handler(envelope);
  }

  subscribe(handler: (envelope: Envelope) => void): () => void {
    this.#handlers.add(handler);
    return () => this.#handlers.delete(handler);
  }

  async close(): Promise<void> {
    this.#handlers.clear();
  }
}
