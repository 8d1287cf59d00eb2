import type { ChatMessage } from '../../core/types.js';
import { DEDUPE_WINDOW_MS, isRetryOf, type Appended, type MessageDraft } from '../store.js';

/** A remembered send found in the database: the message a client id names. */
export interface StoredSend {
  readonly authorKey: string;
  readonly clientId: string;
  /** When the send was remembered (the message's ts); the dedupe window counts from here. */
  readonly sentTs: number;
  readonly message: ChatMessage;
}

export interface RoomDemand {
  readonly name: string;
  /** How many new messages of the batch go to the room: the numbers to take. */
  readonly count: number;
  /** ts of the room's last new message in the batch. */
  readonly lastTs: number;
  /** Text of the room's last topic message in the batch, or null when there is none. */
  readonly topic: string | null;
}

type Outcome =
  | { readonly kind: 'new'; readonly index: number }
  | { readonly kind: 'retry-of-stored'; readonly message: ChatMessage }
  | { readonly kind: 'retry-in-batch'; readonly index: number };

/**
 * What one batch will write, decided before any number is taken: which drafts are retries
 * (of a stored send or of an earlier draft of the same batch), which are new, and how many
 * numbers each room needs. Pure, so the dedupe rules are tested without a server.
 */
export interface BatchPlan {
  /** The drafts to store, in call order. */
  readonly fresh: readonly MessageDraft[];
  /** Rooms sorted by name: row locks are taken in this order so batches cannot deadlock. */
  readonly rooms: readonly RoomDemand[];
  /** One per draft of the batch, in call order. */
  readonly outcomes: readonly Outcome[];
}

export function dedupeKey(authorKey: string, clientId: string): string {
  return `${authorKey}\n${clientId}`;
}

type Current = { readonly ts: number; readonly like: ChatMessage } & ({ readonly stored: ChatMessage } | { readonly index: number });

export function planBatch(drafts: readonly MessageDraft[], stored: readonly StoredSend[]): BatchPlan {
  const current = new Map<string, Current>();
  for (const send of stored) current.set(dedupeKey(send.authorKey, send.clientId), { ts: send.sentTs, like: send.message, stored: send.message });
  const fresh: MessageDraft[] = [];
  const outcomes: Outcome[] = [];
  const rooms = new Map<string, { count: number; lastTs: number; topic: string | null }>();
  for (const draft of drafts) {
    const key = draft.dedupe ? dedupeKey(draft.dedupe.authorKey, draft.dedupe.clientId) : null;
    const earlier = key === null ? undefined : current.get(key);
    if (earlier && draft.ts - earlier.ts < DEDUPE_WINDOW_MS && isRetryOf(earlier.like, draft)) {
      outcomes.push('stored' in earlier ? { kind: 'retry-of-stored', message: earlier.stored } : { kind: 'retry-in-batch', index: earlier.index });
      continue;
    }
    const index = fresh.push(draft) - 1;
    outcomes.push({ kind: 'new', index });
    // The key now names this message (same rule as the other stores).
    if (key !== null) current.set(key, { ts: draft.ts, like: { ...withoutDedupe(draft), seq: 0 }, index });
    const room = rooms.get(draft.room) ?? { count: 0, lastTs: draft.ts, topic: null };
    room.count++;
    room.lastTs = draft.ts;
    if (draft.kind === 'topic') room.topic = draft.text;
    rooms.set(draft.room, room);
  }
  const sorted = [...rooms].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, r]) => ({ name, ...r }));
  return { fresh, rooms: sorted, outcomes };
}

/**
 * Numbers the fresh drafts from each room's new last seq (as returned by the room update):
 * a room's block of `count` numbers ends at its new last seq, and the drafts take them in
 * call order.
 */
export function numberBatch(plan: BatchPlan, newLastSeq: ReadonlyMap<string, number>): { messages: ChatMessage[]; results: Appended[] } {
  const next = new Map<string, number>();
  for (const room of plan.rooms) {
    const last = newLastSeq.get(room.name);
    if (last === undefined) throw new Error(`no sequence number was taken for room "${room.name}"`);
    next.set(room.name, last - room.count + 1);
  }
  const messages = plan.fresh.map((draft): ChatMessage => {
    const seq = next.get(draft.room) ?? 0;
    next.set(draft.room, seq + 1);
    return { ...withoutDedupe(draft), seq };
  });
  const results = plan.outcomes.map((outcome): Appended => {
    if (outcome.kind === 'retry-of-stored') return { message: outcome.message, duplicate: true };
    const message = messages[outcome.index] as ChatMessage;
    return { message, duplicate: outcome.kind === 'retry-in-batch' };
  });
  return { messages, results };
}

function withoutDedupe(draft: MessageDraft): Omit<MessageDraft, 'dedupe'> {
  const { dedupe: _dedupe, ...fields } = draft;
  return fields;
}
