/**
 * Child process of the storage scenario (pinned like a server): opens a copy of a history
 * database with Parley's SqliteStore, measures history reads, then durable appends (one phase
 * per group size) while history is read. Prints one JSON line (StorageWorkerResult) on stdout.
 */
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import { summarize, type LatencySummary } from '../lib/stats.js';

export interface StorageWorkerArgs {
  readonly path: string;
  readonly durability: 'full' | 'normal';
  readonly queries: number;
  /** Seconds of each write phase. */
  readonly writeSeconds: number;
  /** One write phase per entry: appends issued together and awaited before the next group (one commit each). */
  readonly batches: readonly number[];
  /** Interval of history reads during the write phase. */
  readonly readEveryMs: number;
}

export interface WritePhase {
  readonly batch: number;
  readonly written: number;
  readonly seconds: number;
  readonly readsDuringWrite: number;
  readonly readDuringWriteMs: LatencySummary;
}

export interface StorageWorkerResult {
  readonly rooms: number;
  readonly latestMs: LatencySummary;
  readonly pagedMs: LatencySummary;
  readonly writes: readonly WritePhase[];
}

async function main(args: StorageWorkerArgs): Promise<StorageWorkerResult> {
  const store = SqliteStore.open(args.path, { durability: args.durability });
  const rooms = await store.loadRooms();
  if (rooms.length === 0) throw new Error(`no rooms in ${args.path}`);
  const lastSeq = new Map(rooms.map((r) => [r.name, r.lastSeq]));
  let x = 42;
  const pick = (n: number): number => {
    x = (Math.imul(x, 1103515245) + 12345) & 0x7fffffff;
    return x % n;
  };
  const randomRoom = (): string => rooms[pick(rooms.length)]?.name ?? 'room0';
  const time = async (run: () => Promise<unknown>): Promise<number> => {
    const t = performance.now();
    await run();
    return performance.now() - t;
  };

  const latest: number[] = [];
  const paged: number[] = [];
  for (let i = 0; i < args.queries; i++) {
    const room = randomRoom();
    latest.push(await time(() => store.history(room, { limit: 50 })));
    const before = 1 + pick(Math.max(1, lastSeq.get(room) ?? 1));
    paged.push(await time(() => store.history(room, { before, limit: 50 })));
  }

  const writes: WritePhase[] = [];
  for (const batch of args.batches) {
    const duringWrite: number[] = [];
    const reader = setInterval(() => {
      const room = randomRoom();
      void time(() => store.history(room, { limit: 50 })).then((ms) => duringWrite.push(ms));
    }, args.readEveryMs);
    const start = performance.now();
    const deadline = start + args.writeSeconds * 1000;
    let written = 0;
    for (let group = 0; performance.now() < deadline && group < 10_000_000; group++) {
      const pending: Promise<unknown>[] = [];
      for (let i = 0; i < batch; i++) {
        const room = randomRoom();
        const seq = (lastSeq.get(room) ?? 0) + 1;
        lastSeq.set(room, seq);
        pending.push(store.append({ id: randomUUID(), room, kind: 'chat', author: 'bench', text: `durable message ${seq} of ${room}, about a hundred bytes of chat text to store`, ts: Date.now() }));
      }
      await Promise.all(pending);
      written += batch;
    }
    const seconds = (performance.now() - start) / 1000;
    clearInterval(reader);
    writes.push({ batch, written, seconds, readsDuringWrite: duringWrite.length, readDuringWriteMs: summarize(duringWrite) });
  }
  await store.close();
  return { rooms: rooms.length, latestMs: summarize(latest), pagedMs: summarize(paged), writes };
}

main(JSON.parse(process.argv[2] ?? '{}') as StorageWorkerArgs).then(
  (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
  (error: unknown) => {
    process.stderr.write(`storage worker: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
