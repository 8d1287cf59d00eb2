import type { Writable } from 'node:stream';
import type { HistoryMaintenance, Store } from '../core/ports/store.js';
import { headerLine, messageLine, roomLine } from './ndjson.js';

export interface ExportOptions {
  /** Only this room (in the form the store keeps it). */
  readonly room?: string;
  /** Only messages at or after this time (ms since the epoch); rooms are written whole. */
  readonly sinceTs?: number;
  /** Messages read per query (default 500): memory stays bounded whatever the history. */
  readonly pageSize?: number;
  readonly now?: Date;
}

export interface ExportCounts {
  readonly rooms: number;
  readonly messages: number;
}

/**
 * Writes the history as export lines (see ndjson.ts) to `out`: a header, then room by room
 * (by name) the room's line and its messages in ascending seq. Reads one page at a time and
 * waits for `out` to drain when it is full, so a large history never sits in memory.
 */
export async function exportHistory(store: Store & HistoryMaintenance, out: Writable, options: ExportOptions = {}): Promise<ExportCounts> {
  const pageSize = options.pageSize ?? 500;
  const rooms = (await store.loadRooms())
    .filter((r) => options.room === undefined || r.name === options.room)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  await write(out, headerLine(options.now ?? new Date()));
  let messages = 0;
  for (const room of rooms) {
    await write(out, roomLine(room));
    let after = 0;
    for (;;) {
      const page = await store.exportPage(room.name, after, pageSize, options.sinceTs);
      for (const message of page) await write(out, messageLine(message));
      messages += page.length;
      const last = page[page.length - 1];
      if (last === undefined || page.length < pageSize) break;
      after = last.seq;
    }
  }
  return { rooms: rooms.length, messages };
}

function write(out: Writable, line: string): Promise<void> | void {
  if (out.write(`${line}\n`)) return;
  return new Promise((resolve, reject) => {
    const onDrain = (): void => {
      out.off('error', onError);
      resolve();
    };
    const onError = (error: Error): void => {
      out.off('drain', onDrain);
      reject(error);
    };
    out.once('drain', onDrain);
    out.once('error', onError);
  });
}
