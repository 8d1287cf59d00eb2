import { sampleProcess } from '../lib/procstat.js';
import { sleep } from '../lib/ports.js';
import type { IdleRow, ScenarioResult, SkipRecord } from '../report/result.js';
import { pickSubjects } from '../targets/registry.js';
import type { Scenario, ScenarioContext } from './scenario.js';
import { withSubject } from './with-subject.js';

const SUBJECTS = ['parley-tcp', 'parley-socketio', 'naive-tcp', 'naive-socketio', 'inspircd'];
const SETTLE_MS = 2000;

/** Server RSS with 0 and with N connected, named clients (in rooms of 100), per door. */
export const idle: Scenario = {
  name: 'idle',
  title: 'Idle connections',
  async run(context: ScenarioContext): Promise<ScenarioResult> {
    const count = context.quick ? 200 : 10_000;
    const roomSize = context.quick ? 20 : 100;
    const rows: IdleRow[] = [];
    const skips: SkipRecord[] = [];
    for (const subject of pickSubjects(SUBJECTS, context.servers)) {
      context.progress.line(`idle: ${subject.name}, ${count} clients`);
      const outcome = await withSubject(subject, context, async (server) => {
        await sleep(SETTLE_MS / 2);
        const rssIdleKiB = sampleProcess(server.pid)?.rssKiB ?? 0;
        const base = { subject: subject.name, server: subject.server, door: subject.door, baseline: subject.baseline, clients: count, rssIdleKiB };
        const generator = context.generator();
        try {
          const setup = await generator.setup({
            op: 'idle',
            endpoint: server.endpoint,
            count,
            roomSize,
            concurrency: 100,
            timeoutMs: context.quick ? 20_000 : 120_000,
          });
          await sleep(SETTLE_MS);
          const rssLoadedKiB = sampleProcess(server.pid)?.rssKiB ?? 0;
          const kib = Math.round(((rssLoadedKiB - rssIdleKiB) / count) * 100) / 100;
          context.progress.line(`  ${subject.name}: RSS ${rssIdleKiB} -> ${rssLoadedKiB} KiB, ${kib} KiB per connection (connected in ${setup.ms} ms)`);
          return { ...base, rssLoadedKiB, kibPerConnection: kib, connectMs: setup.ms, error: null };
        } catch (error) {
          context.progress.line(`  ${subject.name}: ${(error as Error).message}`);
          return { ...base, rssLoadedKiB: null, kibPerConnection: null, connectMs: null, error: (error as Error).message };
        } finally {
          await generator.teardown();
        }
      });
      if (outcome.ok) rows.push(outcome.value);
      else skips.push(outcome.skip);
    }
    return {
      name: 'idle',
      title: 'Idle connections',
      params: { clients: count, roomSize, settleMs: SETTLE_MS },
      skips,
      idle: rows,
      notes: [
        'KiB per connection = (RSS with the clients - RSS with none) / clients; RSS from /proc/PID/status after a settle.',
        `Clients are named and spread over rooms of ${roomSize} so that join notices stay O(room) per join.`,
      ],
    };
  },
};
