import { fmt, populations, ratio } from './find.js';
import type { LadderRun, ScenarioResult, StepRow } from './result.js';

/** CPU seconds per million deliveries of the services in a step, by service. */
export function serviceCpuPerMillion(row: StepRow): Record<string, number> {
  if (!row.serviceCpuS || row.delivered === 0) return {};
  return Object.fromEntries(Object.entries(row.serviceCpuS).map(([name, s]) => [name, Math.round((s / row.delivered) * 1e6 * 100) / 100]));
}

/** Server plus services, CPU seconds per million deliveries. */
export function totalCpuPerMillion(row: StepRow): number | null {
  if (row.delivered === 0) return null;
  const services = Object.values(row.serviceCpuS ?? {}).reduce((a, b) => a + b, 0);
  return Math.round(((row.serverCpuS + services) / row.delivered) * 1e6 * 100) / 100;
}

/** CPU milliseconds per message sent (server plus services): deliveries per message times the above. */
export function totalCpuMsPerMessage(row: StepRow): number | null {
  if (row.sent === 0) return null;
  const services = Object.values(row.serviceCpuS ?? {}).reduce((a, b) => a + b, 0);
  return Math.round(((row.serverCpuS + services) / row.sent) * 1000 * 1000) / 1000;
}

/**
 * For scenarios with a reference subject (the cluster scenarios): per population, each
 * subject's cost and limit as a ratio against the reference's in the same run.
 */
export function referenceSummary(s: ScenarioResult): string[] {
  const reference = s.reference;
  if (reference === undefined) return [];
  const out = [
    `Ratios ("x ref") are against \`${reference}\` in the same population of this run.`,
    '',
    '| server | nodes | population | highest passing rate (msg/s) | x ref | stopped by | common rate | Parley CPU s/M deliveries | x ref | Redis s/M | PostgreSQL s/M | all processes s/M | x ref | all processes, CPU ms per message | p99 at common (ms) | x ref | Parley RSS (MiB) | max other load on server CPU % |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const pop of populations(s)) {
    const ladders = (s.ladders ?? []).filter((l) => l.label === pop.label);
    const ref = ladders.find((l) => l.subject === reference);
    const refCommon = ref?.common ?? null;
    for (const l of ladders) {
      const c = l.common;
      const services = c ? serviceCpuPerMillion(c) : {};
      const total = c ? totalCpuPerMillion(c) : null;
      const rss = l.rows.at(-1)?.serverRssKiB;
      out.push(
        [
          l.subject,
          String(l.nodes ?? 1),
          l.label,
          fmt(l.highestPassingRate),
          fmt(ratio(l.highestPassingRate, ref?.highestPassingRate)),
          `${l.stoppedBy}${l.error ? `: ${l.error.slice(0, 80)}` : ''}`,
          String(l.commonRate),
          `${fmt(c?.cpuSPerMillion)}${c?.generatorBound ? ' (generator-bound)' : ''}${c && !c.pass ? ' (failed)' : ''}`,
          fmt(ratio(c?.cpuSPerMillion, refCommon?.cpuSPerMillion)),
          fmt(services.redis),
          fmt(services.postgres),
          fmt(total),
          fmt(ratio(total, refCommon ? totalCpuPerMillion(refCommon) : null)),
          fmt(c ? totalCpuMsPerMessage(c) : null, 3),
          fmt(c?.latencyMs.p99),
          fmt(ratio(c?.latencyMs.p99, refCommon?.latencyMs.p99)),
          fmt(rss === undefined ? null : rss / 1024, 1),
          fmt(maxOther(l), 0),
        ].join(' | ').replace(/^/, '| ') + ' |',
      );
    }
  }
  out.push('');
  return out;
}

function maxOther(l: LadderRun): number | null {
  const values = l.rows.map((r) => r.otherLoadOnServerCpuPct).filter((v): v is number => v !== null);
  return values.length > 0 ? Math.max(...values) : null;
}
