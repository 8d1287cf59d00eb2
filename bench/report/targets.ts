import { fmt, ladder, ratio, scenario } from './find.js';
import type { BenchResult, TargetCheck } from './result.js';

/** The targets of issue #4, checked against baselines measured in the same run. */
export function checkTargets(result: BenchResult): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const add = (target: string, measured: string, ok: boolean | null): void => {
    checks.push({ target, measured, status: ok === null ? 'unknown' : ok ? 'met' : 'missed' });
  };
  const cpu = (scenarioName: string, subject: string, receivers: number): number | null =>
    ladder(result, scenarioName, subject, receivers)?.common?.cpuSPerMillion ?? null;
  const bound = (scenarioName: string, subjects: readonly string[], receivers: number): string =>
    subjects.some((s) => ladder(result, scenarioName, s, receivers)?.common?.generatorBound) ? ', generator-bound step' : '';

  const fanoutSizes = [...new Set((scenario(result, 'tcp-fanout')?.ladders ?? []).map((l) => l.receivers))];
  for (const n of fanoutSizes) {
    const parley = cpu('tcp-fanout', 'parley-tcp', n);
    const naive = cpu('tcp-fanout', 'naive-tcp', n);
    const irc = cpu('tcp-fanout', 'inspircd', n);
    const r = ratio(parley, naive);
    add(`TCP fan-out N=${n}: CPU per million deliveries <= 0.5 x naive-tcp`, `${fmt(parley)} vs ${fmt(naive)} s/M (${fmt(r)} x${bound('tcp-fanout', ['parley-tcp', 'naive-tcp'], n)})`, r === null ? null : r <= 0.5);
    const ri = ratio(parley, irc);
    add(`TCP fan-out N=${n}: CPU per million deliveries <= InspIRCd`, `${fmt(parley)} vs ${fmt(irc)} s/M (${fmt(ri)} x${bound('tcp-fanout', ['parley-tcp', 'inspircd'], n)})`, ri === null ? null : ri <= 1);
  }
  const big = Math.max(0, ...fanoutSizes);
  if (big > 0) {
    const p = ladder(result, 'tcp-fanout', 'parley-tcp', big);
    const i = ladder(result, 'tcp-fanout', 'inspircd', big);
    const known = p !== undefined && i !== undefined;
    add(
      `TCP fan-out N=${big}: highest passing rate above InspIRCd's`,
      `${fmt(p?.highestPassingRate)} (stopped by ${p?.stoppedBy ?? '-'}) vs ${fmt(i?.highestPassingRate)} msg/s (stopped by ${i?.stoppedBy ?? '-'})`,
      // A limit is known only where a ladder stopped at a failed step; a generator-bound stop
      // says only "at least this much".
      !known
        ? null
        : (p.highestPassingRate ?? 0) > (i.highestPassingRate ?? 0)
          ? i.stoppedBy === 'server'
            ? true
            : null
          : p.stoppedBy === 'server'
            ? false
            : null,
    );
  }

  const sioSizes = [...new Set((scenario(result, 'socketio-fanout')?.ladders ?? []).map((l) => l.receivers))];
  for (const n of sioSizes) {
    const parley = cpu('socketio-fanout', 'parley-socketio', n);
    const naive = cpu('socketio-fanout', 'naive-socketio', n);
    const r = ratio(parley, naive);
    add(`Socket.IO fan-out N=${n}: CPU per million deliveries <= naive-socketio`, `${fmt(parley)} vs ${fmt(naive)} s/M (${fmt(r)} x${bound('socketio-fanout', ['parley-socketio', 'naive-socketio'], n)})`, r === null ? null : r <= 1);
  }
  const sioBig = Math.max(0, ...sioSizes);
  if (sioBig > 0) {
    const row = ladder(result, 'socketio-fanout', 'parley-socketio', sioBig)?.rows.find((r) => r.rate === 25);
    const p99 = row?.latencyMs.p99 ?? null;
    add(`Socket.IO fan-out N=${sioBig} at 25 msg/s: p99 < 50 ms`, `${fmt(p99)} ms`, p99 === null ? null : p99 < 50);
  }

  const idle = scenario(result, 'idle')?.idle ?? [];
  for (const [subject, limit] of [['parley-tcp', 3], ['parley-socketio', 16]] as const) {
    const kib = idle.find((r) => r.subject === subject)?.kibPerConnection ?? null;
    add(`Idle memory per connection, ${subject}: <= ${limit} KiB`, `${fmt(kib)} KiB`, kib === null ? null : kib <= limit);
  }

  const store = scenario(result, 'storage')?.storage;
  const perSecond = store && store.error === null && store.writes.length > 0 ? Math.max(...store.writes.map((w) => w.perSecond)) : null;
  add('Storage: >= 50,000 durable messages per second', `${fmt(perSecond)} msg/s (best group size)`, perSecond === null ? null : perSecond >= 50_000);
  const hp99 = store && store.error === null ? store.history.latestMs.p99 : null;
  add(`Storage: history p99 < 2 ms at ${fmt(store?.history.storedMessages)} messages`, `${fmt(hp99, 3)} ms`, hp99 === null ? null : hp99 < 2);

  const start = scenario(result, 'startup')?.startup;
  const ms = start?.medianMs ?? null;
  add(`Start-up under 1 s with ${fmt(start ? start.dbBytes / 2 ** 20 : null)} MiB of history`, `${fmt(ms)} ms (median)`, ms === null ? null : ms < 1000);
  return checks;
}
