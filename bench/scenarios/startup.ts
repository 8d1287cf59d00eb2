import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { freePort } from '../lib/ports.js';
import { median } from '../lib/stats.js';
import type { ScenarioResult, StartupResult } from '../report/result.js';
import { startParley } from '../targets/parley.js';
import { SubjectSkipped } from '../targets/subject.js';
import { ensureHistoryDb } from './history-db.js';
import type { Scenario, ScenarioContext } from './scenario.js';

/** Time from process start to an accepted TCP connection, with a 1 GB history (and with none). */
export const startup: Scenario = {
  name: 'startup',
  title: 'Start-up',
  async run(context: ScenarioContext): Promise<ScenarioResult> {
    const params = { targetBytes: context.quick ? 4 * 2 ** 20 : 2 ** 30, rooms: 200, textBytes: 150, runs: context.quick ? 1 : 3 };
    const base = { name: 'startup', title: 'Start-up', params, skips: [], notes: [] as string[] };
    if (context.servers.length > 0 && !context.servers.includes('parley')) return { ...base, notes: ['skipped: --server excludes parley'] };
    const db = await ensureHistoryDb(context.cacheDir, { rooms: params.rooms, targetBytes: params.targetBytes, textBytes: params.textBytes }, (l) => context.progress.line(l));
    context.progress.line(`startup: history of ${db.messages} messages, ${Math.round(db.bytes / 2 ** 20)} MiB`);
    const result: { runsMs: number[]; emptyDbMs: number[]; error: string | null } = { runsMs: [], emptyDbMs: [], error: null };
    try {
      for (let i = 0; i < params.runs; i++) {
        result.emptyDbMs.push(await timeStart(context, null, `empty-${i}`));
        result.runsMs.push(await timeStart(context, db.path, `full-${i}`));
        context.progress.line(`  run ${i + 1}: ${result.runsMs.at(-1)} ms with the history, ${result.emptyDbMs.at(-1)} ms without`);
      }
    } catch (error) {
      if (!(error instanceof SubjectSkipped)) throw error;
      result.error = error.message;
      context.progress.line(`  skip: ${error.message}`);
    }
    const startupResult: StartupResult = { dbBytes: db.bytes, messages: db.messages, medianMs: median(result.runsMs), ...result };
    return {
      ...base,
      startup: startupResult,
      notes: [
        'Measured from just before spawn to the first accepted TCP connection (polled every 5 ms), server pinned to CPU 0.',
        'Warm page cache: the database was just copied into the data folder; caches are not dropped (that would disturb other work on the machine).',
      ],
    };
  },
};

async function timeStart(context: ScenarioContext, dbPath: string | null, label: string): Promise<number> {
  const workDir = join(context.workRoot, `startup-${label}`);
  const dataDir = join(workDir, 'data');
  mkdirSync(dataDir, { recursive: true });
  if (dbPath) copyFileSync(dbPath, join(dataDir, 'parley.db'));
  const ports = { httpPort: await freePort(), tcpPort: await freePort() };
  const t0 = performance.now();
  const server = await startParley({ pinning: context.pinning, workDir, parleyEnv: context.parleyEnv, profileDir: null, parleyCli: context.parleyCli }, ports, {}, 30_000, false);
  const ms = Math.round(performance.now() - t0);
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
  return ms;
}
