import type { Door } from './door.js';
import type { Observer } from './ports/observer.js';
import type { ChatEvent } from './types.js';

/**
 * Wraps doors so every delivery is reported to an observer: how many connections got the
 * event and, for a room message, how long after its receipt. One wrapper per door, so the
 * core's grouping of members by door (Room, Router) sees one door as before.
 */
export class ObservedDoors {
  readonly #wrapped = new WeakMap<Door<unknown>, Door<unknown>>();

  constructor(
    private readonly observer: Observer,
    private readonly clock: () => number,
  ) {}

  of(door: Door<unknown>): Door<unknown> {
    let observed = this.#wrapped.get(door);
    if (!observed) {
      observed = this.#wrap(door);
      this.#wrapped.set(door, observed);
    }
    return observed;
  }

  #wrap(door: Door<unknown>): Door<unknown> {
    const { observer, clock } = this;
    const membership = door.membership?.bind(door);
    return {
      get name() {
        return door.name;
      },
      get echoOwnMessages() {
        return door.echoOwnMessages;
      },
      deliver(event: ChatEvent, to: ReadonlySet<unknown>, except?: unknown): void {
        door.deliver(event, to, except);
        const count = except !== undefined && to.has(except) ? to.size - 1 : to.size;
        if (count > 0) observer.delivered(door.name, count, event.type === 'message' ? Math.max(0, clock() - event.message.ts) : undefined);
      },
      ...(membership ? { membership } : {}),
    };
  }
}
