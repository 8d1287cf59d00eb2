import type { Door } from '../../src/core/door.js';
import type { ChatEvent } from '../../src/core/types.js';

/** A door that records what each link was handed, for tests of the core. */
export class RecordingDoor implements Door<string> {
  readonly name = 'recording';
  readonly received = new Map<string, ChatEvent[]>();
  deliveries = 0;

  constructor(readonly echoOwnMessages = false) {}

  deliver(event: ChatEvent, to: ReadonlySet<string>, except?: string): void {
    this.deliveries++;
    for (const link of to) {
      if (link === except) continue;
      const list = this.received.get(link) ?? [];
      list.push(event);
      this.received.set(link, list);
    }
  }

  of(link: string): ChatEvent[] {
    return this.received.get(link) ?? [];
  }

  texts(link: string): string[] {
    return this.of(link).flatMap((e) => (e.type === 'message' ? [e.message.text] : []));
  }
}
