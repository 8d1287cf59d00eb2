import { idOfText, type Ledger } from './ledger.js';

export interface StoredMessage {
  readonly id: string;
  readonly room: string;
  readonly seq: number;
  readonly text: string;
}

export interface AuditFigures {
  /** Messages in the audited rooms' history. */
  readonly stored: number;
  readonly acked: number;
  /** Acked messages absent from history: each one a violation. */
  readonly lost: number;
  /** Planned ids stored more than once: each extra copy a violation. */
  readonly duplicates: number;
  /** Seq numbers missing or repeated in a room: violations. */
  readonly seqFaults: number;
  /** Planned messages stored though never acked (a kill -9 between commit and ack). */
  readonly storedUnacked: number;
}

export interface AuditResult {
  readonly figures: AuditFigures;
  readonly violations: string[];
}

// Enough examples to diagnose, not a flood.
const MAX_EXAMPLES = 10;

/**
 * Checks stored history against what clients were told: every acked message present exactly
 * once with the seq of its ack, every room numbered 1..n without gaps or repeats, no planned
 * message stored twice, and retries acked exactly like the first ack.
 */
export function auditHistory(ledger: Ledger, history: ReadonlyMap<string, readonly StoredMessage[]>): AuditResult {
  const violations: string[] = [];
  const note = (kind: string, list: string[]): void => {
    if (list.length === 0) return;
    violations.push(`${kind}: ${list.length} (e.g. ${list.slice(0, MAX_EXAMPLES).join('; ')})`);
  };

  const seqFaults: string[] = [];
  const copies = new Map<string, StoredMessage[]>();
  let stored = 0;
  for (const [room, messages] of history) {
    messages.forEach((message, index) => {
      stored++;
      if (message.seq !== index + 1) seqFaults.push(`#${room} position ${index + 1} has seq ${message.seq}`);
      const id = idOfText(message.text);
      if (id !== null) copies.set(id, [...(copies.get(id) ?? []), message]);
    });
  }

  const lost: string[] = [];
  const wrongSeq: string[] = [];
  for (const [id, ack] of ledger.acked) {
    const found = copies.get(id) ?? [];
    if (found.length === 0) lost.push(id);
    else if (!found.some((m) => m.room === ack.room && m.seq === ack.seq && m.id === ack.messageId)) {
      wrongSeq.push(`${id} acked as #${ack.room} ${ack.seq}, stored as ${found.map((m) => `#${m.room} ${m.seq}`).join(', ')}`);
    }
  }
  const duplicates = [...copies].filter(([, found]) => found.length > 1).map(([id, found]) => `${id} x${found.length}`);
  const storedUnacked = [...copies.keys()].filter((id) => ledger.planned.has(id) && !ledger.acked.has(id)).length;

  note('acked but not stored', lost);
  note('stored under another seq than acked', wrongSeq);
  note('stored more than once', duplicates);
  note('seq gaps or repeats', seqFaults);
  note('retry acked differently', ledger.retryMismatches);
  return {
    figures: {
      stored,
      acked: ledger.acked.size,
      lost: lost.length,
      duplicates: [...copies.values()].reduce((sum, found) => sum + Math.max(0, found.length - 1), 0),
      seqFaults: seqFaults.length,
      storedUnacked,
    },
    violations,
  };
}
