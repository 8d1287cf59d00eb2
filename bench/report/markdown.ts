import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fmt, ladder, populations, ratio } from './find.js';
import { stem } from './json.js';
import { referenceSummary, serviceCpuPerMillion } from './reference.js';
import type { BenchResult, LadderRun, ScenarioResult } from './result.js';

/** The Markdown report: targets, then one section per scenario; the SVG chart is linked. */
export function renderMarkdown(result: BenchResult): string {
  const m = result.machine;
  const out: string[] = [
    `# Parley benchmark, ${result.date.slice(0, 10)}${result.quick ? ' (quick run: figures not meaningful)' : ''}`,
    '',
    `Machine: ${m.cpuModel}, ${m.cpus} CPUs, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}, load average ${m.loadAverageAtStart} at the start. ${result.pinning.note}. Run took ${result.durationS} s.${Object.keys(result.parleyEnv).length > 0 ? ` Parley environment: \`${JSON.stringify(result.parleyEnv)}\`.` : ''}${result.parleyCli ? ` Parley: \`${result.parleyCli}\`.` : ''} Parley commit ${result.parleyRevision.commit ?? 'unknown'}${result.parleyRevision.srcDirty ? ' with uncommitted changes in src/' : ''}.`,
    '',
    `![deliveries per second and p99 latency per server](${stem(result)}.svg)`,
    '',
    '## Targets',
    '',
    'Ratios compare Parley with baselines measured in this run. "Other load on server CPU" is how busy CPU 0 was with processes other than the server during a step (from /proc/stat): above ~20% the figures of that step are disturbed.',
    '',
    '| target | measured | status |',
    '| --- | --- | --- |',
    ...result.targets.map((t) => `| ${t.target} | ${t.measured} | ${t.status} |`),
    '',
  ];
  for (const s of result.scenarios) out.push(...section(result, s));
  return `${out.join('\n')}\n`;
}

export function writeMarkdown(dir: string, result: BenchResult): string {
  const path = join(dir, `${stem(result)}.md`);
  writeFileSync(path, renderMarkdown(result));
  return path;
}

function section(result: BenchResult, s: ScenarioResult): string[] {
  const out = [`## ${s.title} (\`${s.name}\`)`, '', `Parameters: ${Object.entries(s.params).map(([k, v]) => `${k} ${JSON.stringify(v)}`).join(', ')}.`, ''];
  if (s.ladders && s.ladders.length > 0) {
    out.push(...(s.reference !== undefined ? referenceSummary(s) : ladderSummary(result, s)), ...ladderSteps(s.ladders));
  }
  if (s.idle && s.idle.length > 0) {
    out.push('| server | door | clients | RSS idle (MiB) | RSS loaded (MiB) | KiB per connection | connect time (ms) | note |', '| --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const r of s.idle) {
      out.push(`| ${r.subject} | ${r.door} | ${r.clients} | ${fmt(r.rssIdleKiB / 1024, 1)} | ${fmt(r.rssLoadedKiB === null ? null : r.rssLoadedKiB / 1024, 1)} | ${fmt(r.kibPerConnection)} | ${fmt(r.connectMs)} | ${r.error ?? ''} |`);
    }
    out.push('');
  }
  if (s.storage) {
    const st = s.storage;
    out.push(
      '| figure | value |',
      '| --- | --- |',
      ...st.writes.flatMap((w) => [
        `| durable appends per second (durability ${st.durability}, groups of ${w.batch}) | ${fmt(w.perSecond)} |`,
        `| history reads during those writes, p50 / p99 / max (ms) | ${fmt(w.historyDuringWriteMs.p50, 3)} / ${fmt(w.historyDuringWriteMs.p99, 3)} / ${fmt(w.historyDuringWriteMs.max, 3)} (${w.historyReadsDuringWrite} reads) |`,
      ]),
      `| last 50 of a room with ${st.history.storedMessages} stored, p50 / p99 / max (ms) | ${fmt(st.history.latestMs.p50, 3)} / ${fmt(st.history.latestMs.p99, 3)} / ${fmt(st.history.latestMs.max, 3)} |`,
      `| 50 before a random seq, p50 / p99 / max (ms) | ${fmt(st.history.pagedMs.p50, 3)} / ${fmt(st.history.pagedMs.p99, 3)} / ${fmt(st.history.pagedMs.max, 3)} |`,
      ...(st.error ? [`| error | ${st.error} |`] : []),
      '',
    );
  }
  if (s.startup) {
    const st = s.startup;
    out.push(
      '| history | messages | runs (ms) | median (ms) |',
      '| --- | --- | --- | --- |',
      `| ${fmt(st.dbBytes / 2 ** 20, 0)} MiB | ${st.messages} | ${st.runsMs.join(', ')} | ${fmt(st.medianMs)} |`,
      `| empty | 0 | ${st.emptyDbMs.join(', ')} | ${fmt(median(st.emptyDbMs))} |`,
      ...(st.error ? ['', `Error: ${st.error}`] : []),
      '',
    );
  }
  for (const skip of s.skips) out.push(`- skipped ${skip.subject}: ${skip.reason}`);
  for (const note of s.notes) out.push(`- ${note}`);
  out.push('');
  return out;
}

function median(values: readonly number[]): number | null {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? null : (sorted[Math.floor((sorted.length - 1) / 2)] ?? null);
}

/** One line per server and population: the limit and the cost at the common rate, with ratios. */
function ladderSummary(result: BenchResult, s: ScenarioResult): string[] {
  const out = [
    '| server | population | highest passing rate (msg/s) | stopped by | common rate | CPU s per M deliveries | x naive | x InspIRCd | p99 at common (ms) | RSS (MiB) | max other load on server CPU % |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const pop of populations(s)) {
    for (const l of (s.ladders ?? []).filter((x) => x.label === pop.label)) {
      const naiveName = s.name === 'socketio-fanout' || l.door === 'socketio' ? 'naive-socketio' : 'naive-tcp';
      const naive = ladder(result, s.name, naiveName, l.receivers)?.common?.cpuSPerMillion;
      const irc = ladder(result, s.name, 'inspircd', l.receivers)?.common?.cpuSPerMillion;
      const c = l.common;
      const rss = l.rows.at(-1)?.serverRssKiB;
      out.push(
        `| ${l.subject} | ${l.label} | ${fmt(l.highestPassingRate)} | ${l.stoppedBy}${l.error ? `: ${l.error.slice(0, 80)}` : ''} | ${l.commonRate} | ${fmt(c?.cpuSPerMillion)}${c?.generatorBound ? ' (generator-bound)' : ''} | ${fmt(ratio(c?.cpuSPerMillion, naive))} | ${fmt(ratio(c?.cpuSPerMillion, irc))} | ${fmt(c?.latencyMs.p99)} | ${fmt(rss === undefined ? null : rss / 1024, 1)} | ${fmt(maxOther(l), 0)} |`,
      );
    }
  }
  out.push('');
  return out;
}

/** The worst noise gauge of a ladder: how busy its CPU was with other processes. */
function maxOther(l: LadderRun): number | null {
  const values = l.rows.map((r) => r.otherLoadOnServerCpuPct).filter((v): v is number => v !== null);
  return values.length > 0 ? Math.max(...values) : null;
}

/** Services' CPU per million deliveries beside the server's, when the server uses any. */
function services(row: LadderRun['rows'][number]): string {
  const list = Object.entries(serviceCpuPerMillion(row));
  return list.length === 0 ? '' : ` (+ ${list.map(([name, v]) => `${name} ${fmt(v)}`).join(', ')})`;
}

function ladderSteps(ladders: readonly LadderRun[]): string[] {
  const out = [
    '<details><summary>Every step</summary>',
    '',
    '| server | population | offered (msg/s) | sent | delivered/s | loss | p50 / p99 / max (ms) | server CPU % | CPU s/M | RSS (MiB) | generator CPU % | other load on server CPU % | result |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const l of ladders) {
    for (const r of l.rows) {
      const lat = r.latencyMs;
      const verdict = r.pass ? 'pass' : `fail: ${r.failed.join('; ')}`;
      out.push(
        `| ${l.subject} | ${l.label} | ${r.rate} | ${r.sent} | ${r.deliveriesPerS} | ${r.loss} | ${fmt(lat.p50)} / ${fmt(lat.p99)} / ${fmt(lat.max)} | ${fmt(r.serverCpuPct, 1)} | ${fmt(r.cpuSPerMillion)}${services(r)} | ${fmt(r.serverRssKiB / 1024, 1)} | ${fmt(r.generatorCpuPct, 1)}${r.generatorBound ? ' (generator-bound)' : ''} | ${fmt(r.otherLoadOnServerCpuPct, 1)} | ${verdict} |`,
      );
    }
  }
  out.push('', '</details>', '');
  return out;
}
