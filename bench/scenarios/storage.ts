import { copyFileSync, mkdirSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnPinned } from '../lib/proc.js';
import type { ScenarioResult, StorageResult } from '../report/result.js';
import { ensureHistoryDb } from './history-db.js';
import type { Scenario, ScenarioContext } from './scenario.js';
import type { StorageWorkerArgs, StorageWorkerResult } from './storage-worker.js';

const WORKER = fileURLToPath(new URL('./storage-worker.js', import.meta.url));

/** Durable appends per second while history is read, and history p99 with 1,000,000 messages stored. */
export const storage: Scenario = {
  name: 'storage',
  title: 'Storage',
  async run(context: ScenarioContext): Promise<ScenarioResult> {
    const params = {
      messages: context.quick ? 10_000 : 1_000_000,
      rooms: 200,
      textBytes: 100,
      durability: 'full' as const,
      batches: [64, 1024],
      writeSeconds: context.quick ? 1 : 4,
      queries: context.quick ? 200 : 5000,
    };
    const base = { name: 'storage', title: 'Storage', params, skips: [], notes: [] as string[] };
    if (context.servers.length > 0 && !context.servers.includes('parley')) return { ...base, notes: ['skipped: --server excludes parley'] };
    const db = await ensureHistoryDb(context.cacheDir, { rooms: params.rooms, messages: params.messages, textBytes: params.textBytes }, (l) => context.progress.line(l));
    const dir = join(context.workRoot, 'storage');
    mkdirSync(dir, { recursive: true });
    const path = join(dir, 'parley.db');
    copyFileSync(db.path, path);
    context.progress.line(`storage: ${db.messages} messages in ${db.rooms} rooms (${Math.round(db.bytes / 2 ** 20)} MiB); durability ${params.durability}`);
    const args: StorageWorkerArgs = {
      path,
      durability: params.durability,
      queries: params.queries,
      writeSeconds: params.writeSeconds,
      batches: params.batches,
      readEveryMs: 2,
    };
    const worker = spawnPinned('storage-worker', process.execPath, [WORKER, JSON.stringify(args)], { cpu: context.pinning.serverCpu });
    let out = '';
    worker.child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    const timer = setTimeout(() => void worker.stop(), 120_000 + params.writeSeconds * params.batches.length * 1000);
    const [code] = (await once(worker.child, 'exit')) as [number | null];
    clearTimeout(timer);
    let storageResult: StorageResult;
    if (code !== 0) {
      storageResult = emptyResult(params.durability, `worker exited ${code}: ${worker.tail().slice(-300)}`);
    } else {
      const r = JSON.parse(out.trim().split('\n').pop() ?? '{}') as StorageWorkerResult;
      storageResult = {
        durability: params.durability,
        writes: r.writes.map((w) => ({
          batch: w.batch,
          seconds: Math.round(w.seconds * 100) / 100,
          messages: w.written,
          perSecond: Math.round(w.written / w.seconds),
          historyReadsDuringWrite: w.readsDuringWrite,
          historyDuringWriteMs: w.readDuringWriteMs,
        })),
        history: { storedMessages: db.messages, rooms: r.rooms, queries: params.queries, latestMs: r.latestMs, pagedMs: r.pagedMs },
        error: null,
      };
      const writes = storageResult.writes.map((w) => `${w.perSecond} durable msg/s in groups of ${w.batch}`).join(', ');
      context.progress.line(`  ${writes}; history last 50: p50 ${r.latestMs.p50} p99 ${r.latestMs.p99} ms; paged p99 ${r.pagedMs.p99} ms`);
    }
    return {
      ...base,
      storage: storageResult,
      notes: [
        `Appends are issued in groups (${params.batches.join(' and ')}) and each group awaited: one commit, one fsync with durability full. The store batches per event-loop turn, so the group is how many messages a busy server receives per turn. A history read of the last 50 runs every 2 ms meanwhile.`,
        'The store runs in its own process on the server CPU; the database file is a copy of a cached, generated one.',
      ],
    };
  },
};

function emptyResult(durability: string, error: string): StorageResult {
  const none = { samples: 0, p50: null, p99: null, max: null };
  return {
    durability,
    writes: [],
    history: { storedMessages: 0, rooms: 0, queries: 0, latestMs: none, pagedMs: none },
    error,
  };
}
