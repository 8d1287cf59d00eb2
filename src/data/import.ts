import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { ChatMessage } from '../core/types.js';
import type { HistoryMaintenance, RoomImage } from '../core/ports/store.js';
import { ExportFormatError, parseLine } from './ndjson.js';

export interface ImportOptions {
  /** Messages stored per transaction (default 500). */
  readonly batchSize?: number;
}

export interface ImportCounts {
  readonly rooms: number;
  readonly stored: number;
  /** Already in the store with the same number and id (an import run again). */
  readonly skipped: number;
}

/**
 * Reads export lines (see ndjson.ts) from `input` and stores them, keeping every message's
 * room, seq, id, author, text, time and account: imported into an empty store, the history is
 * the source's exactly. Messages go in batches, one transaction each; rooms' lines (topic,
 * last number) are applied after all messages, so a room's last number rises only once its
 * messages are in. A message that clashes with one already stored, or whose number the room
 * has already used, stops the import (ImportConflictError); the batches before it stay stored,
 * and running the same import again skips them. A malformed line stops it too
 * (ExportFormatError, with the line number), before its batch is stored.
 * Memory: one batch, plus one small record per room.
 */
export async function importHistory(store: HistoryMaintenance, input: Readable, options: ImportOptions = {}): Promise<ImportCounts> {
  const batchSize = options.batchSize ?? 500;
  const rooms = new Map<string, RoomImage>();
  let batch: ChatMessage[] = [];
  let stored = 0;
  let skipped = 0;
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const done = await store.importMessages(batch);
    stored += done.stored;
    skipped += done.skipped;
    batch = [];
  };
  let lineNumber = 0;
  for await (const text of createInterface({ input, crlfDelay: Infinity })) {
    lineNumber++;
    const line = parseLine(text, lineNumber);
    if (line === null) continue;
    if (line.type === 'header') {
      if (lineNumber !== 1) throw new ExportFormatError(lineNumber, 'a header line in the middle: two exports run together?');
      continue;
    }
    if (line.type === 'room') {
      rooms.set(line.room.name, line.room);
      continue;
    }
    batch.push(line.message);
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  for (const room of rooms.values()) await store.importRoom(room);
  return { rooms: rooms.size, stored, skipped };
}
