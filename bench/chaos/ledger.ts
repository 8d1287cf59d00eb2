/** One message a chaos client means to get stored exactly once. `id` is its idempotency key. */
export interface Planned {
  readonly id: string;
  readonly author: string;
  readonly room: string;
  readonly text: string;
}

/** What an ack said about a message. */
export interface AckedAs {
  readonly room: string;
  readonly seq: number;
  readonly messageId: string;
}

/** The text a planned message carries: its id, so the audit can find it in history. */
export const textOf = (id: string): string => `chaos ${id}`;
export const idOfText = (text: string): string | null => (text.startsWith('chaos ') ? text.slice('chaos '.length) : null);

/**
 * Everything the clients planned and were told, across every round and restart. The first
 * ack of an id is the truth; a later ack for the same id (a retry) must repeat it exactly.
 */
export class Ledger {
  readonly planned = new Map<string, Planned>();
  readonly acked = new Map<string, AckedAs>();
  /** Retries whose ack differs from the first ack of the same id. */
  readonly retryMismatches: string[] = [];
  retriesAnswered = 0;

  plan(message: Planned): void {
    this.planned.set(message.id, message);
  }

  ack(id: string, as: AckedAs): void {
    const first = this.acked.get(id);
    if (!first) {
      this.acked.set(id, as);
      return;
    }
    this.retriesAnswered++;
    if (first.room !== as.room || first.seq !== as.seq || first.messageId !== as.messageId) {
      this.retryMismatches.push(`${id}: first acked as ${first.room}#${first.seq} (${first.messageId}), retry acked as ${as.room}#${as.seq} (${as.messageId})`);
    }
  }

  unackedOf(author: string): Planned[] {
    return [...this.planned.values()].filter((m) => m.author === author && !this.acked.has(m.id));
  }

  ackedOf(author: string): Planned[] {
    return [...this.planned.values()].filter((m) => m.author === author && this.acked.has(m.id));
  }
}
