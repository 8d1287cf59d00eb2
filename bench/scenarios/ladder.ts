import type { RoomPlan, StepResult } from '../generator/protocol.js';
import { otherLoadPct, sampleCpus } from '../lib/cpustat.js';
import { sampleProcess } from '../lib/procstat.js';
import { sleep } from '../lib/ports.js';
import type { LadderRun, SkipRecord, StepRow } from '../report/result.js';
import type { RunningSubject, Subject, SubjectSample } from '../targets/subject.js';
import type { ScenarioContext } from './scenario.js';
import { withSubject } from './with-subject.js';

/** What one fan-out ladder offers, and its pass criteria (issue #4). */
export interface LadderPlan {
  readonly label: string;
  readonly rooms: readonly RoomPlan[];
  /** Offered rates, ascending (each the double of the one before). */
  readonly rates: readonly number[];
  /** The rate at which CPU per million deliveries is compared across servers. */
  readonly commonRate: number;
  readonly stepMs: number;
  readonly drainMs: number;
  readonly payloadBytes: number;
  readonly concurrency: number;
  readonly setupTimeoutMs: number;
  /** The ladder stops starting new steps after this long. */
  readonly budgetMs: number;
}

export const PASS_P99_MS = 50;
export const PASS_RATE_RATIO = 0.97;
export const GENERATOR_BOUND_PCT = 85;

/**
 * Runs the ladder on a fresh server: always up to the common rate, then on while steps pass
 * and the generator keeps up. The highest passing rate counts only steps that were not
 * generator-bound.
 */
export async function runLadder(subject: Subject, context: ScenarioContext, plan: LadderPlan): Promise<LadderRun | SkipRecord> {
  const outcome = await withSubject(subject, context, (server) => climb(subject, server, context, plan));
  return outcome.ok ? outcome.value : outcome.skip;
}

async function climb(subject: Subject, server: RunningSubject, context: ScenarioContext, plan: LadderPlan): Promise<LadderRun> {
  const generator = context.generator();
  const receivers = plan.rooms.reduce((sum, r) => sum + r.receivers, 0);
  const senders = plan.rooms.reduce((sum, r) => sum + r.senders, 0);
  const perMessage = receivers / plan.rooms.length;
  const rows: StepRow[] = [];
  const base = {
    subject: subject.name,
    server: subject.server,
    door: subject.door,
    baseline: subject.baseline,
    ...(subject.nodes !== undefined ? { nodes: subject.nodes } : {}),
    label: plan.label,
  };
  const shape = { receivers, senders, rooms: plan.rooms.length, commonRate: plan.commonRate };
  const idleRssKiB = sampleSubject(server)?.rssKiB ?? null;
  let setupMs: number | null = null;
  let stoppedBy: LadderRun['stoppedBy'] = 'ladder-end';
  let error: string | null = null;
  const started = Date.now();
  try {
    setupMs = (
      await generator.setup({ op: 'setup', endpoint: server.endpoint, rooms: plan.rooms, concurrency: plan.concurrency, timeoutMs: plan.setupTimeoutMs })
    ).ms;
    context.progress.line(`  ${subject.name} ${plan.label}: ${receivers + senders} clients ready in ${setupMs} ms`);
    await sleep(500);
    for (const [index, rate] of plan.rates.entries()) {
      if (Date.now() - started > plan.budgetMs) {
        stoppedBy = 'time';
        break;
      }
      const before = sampleSubject(server);
      const cpusBefore = sampleCpus();
      const step = await generator.step({ op: 'step', rate, durationMs: plan.stepMs, drainMs: plan.drainMs, payloadBytes: plan.payloadBytes });
      const after = sampleSubject(server);
      const cpusAfter = sampleCpus();
      const serverCpu = context.pinning.serverCpu;
      const services = serviceDeltas(before, after);
      // Services share the server's CPU (see the cluster targets): their time is not "other load".
      const ownSeconds = (after?.cpuSeconds ?? 0) - (before?.cpuSeconds ?? 0) + Object.values(services ?? {}).reduce((a, b) => a + b, 0);
      const otherPct = serverCpu === null ? null : otherLoadPct(cpusBefore, cpusAfter, serverCpu, ownSeconds);
      const row = toRow(rate, plan, perMessage, step, before?.cpuSeconds ?? 0, after?.cpuSeconds ?? 0, after?.rssKiB ?? 0, otherPct, services);
      rows.push(row);
      context.progress.line(`  ${subject.name} ${plan.label} step ${index + 1}/${plan.rates.length}: ${describe(row)}`);
      if (!server.alive()) {
        stoppedBy = 'error';
        error = `server exited: ${server.tail().slice(-300)}`;
        break;
      }
      // Below the common rate the ladder goes on whatever happens, so that every server has a
      // CPU figure there; a generator-bound step still measures the server's CPU per delivery.
      if (rate >= plan.commonRate && row.generatorBound) {
        stoppedBy = 'generator';
        break;
      }
      if (rate >= plan.commonRate && !row.pass) {
        stoppedBy = 'server';
        break;
      }
      await sleep(300);
    }
  } catch (failure) {
    stoppedBy = 'error';
    error = (failure as Error).message;
    context.progress.line(`  ${subject.name} ${plan.label}: ${error}`);
  } finally {
    await generator.teardown().catch((e: Error) => context.progress.line(`  generator teardown failed: ${e.message}`));
  }
  const passing = rows.filter((r) => r.pass && !r.generatorBound).map((r) => r.rate);
  return {
    ...base,
    ...shape,
    setupMs,
    idleRssKiB,
    rows,
    highestPassingRate: passing.length > 0 ? Math.max(...passing) : null,
    stoppedBy,
    common: rows.find((r) => r.rate === plan.commonRate) ?? null,
    error,
  };
}

function toRow(
  rate: number,
  plan: LadderPlan,
  perMessage: number,
  step: StepResult,
  cpuBefore: number,
  cpuAfter: number,
  rssKiB: number,
  otherLoadOnServerCpuPct: number | null,
  serviceCpuS: Readonly<Record<string, number>> | null,
): StepRow {
  const seconds = plan.stepMs / 1000;
  const offered = Math.round(rate * seconds);
  const loss = Math.max(0, step.expected - step.delivered);
  const serverCpuS = Math.max(0, cpuAfter - cpuBefore);
  const deliveredMsgRate = step.delivered / perMessage / seconds;
  const generatorBound = step.generatorCpuPct > GENERATOR_BOUND_PCT;
  const failed: string[] = [];
  const p99 = step.latency.p99;
  if (p99 === null) failed.push('no latency samples');
  else if (p99 > PASS_P99_MS) failed.push(`p99 ${p99} ms > ${PASS_P99_MS}`);
  if (loss > 0) failed.push(`lost ${loss}`);
  if (deliveredMsgRate < PASS_RATE_RATIO * rate) failed.push(`delivered ${round1(deliveredMsgRate)}/s < 97% of ${rate}`);
  if (step.sent < PASS_RATE_RATIO * offered) failed.push(`generator sent ${step.sent} of ${offered}`);
  if (step.disconnects > 0) failed.push(`${step.disconnects} disconnected`);
  return {
    rate,
    durationS: step.sendMs / 1000,
    offered,
    sent: step.sent,
    expected: step.expected,
    delivered: step.delivered,
    loss,
    lossPct: step.expected > 0 ? round1((loss / step.expected) * 100) : 0,
    deliveriesPerS: Math.round(step.delivered / seconds),
    deliveredMsgRate: round1(deliveredMsgRate),
    latencyMs: step.latency,
    serverCpuS: Math.round(serverCpuS * 100) / 100,
    serverCpuPct: round1((serverCpuS / (step.activeMs / 1000)) * 100),
    ...(serviceCpuS !== null ? { serviceCpuS } : {}),
    cpuSPerMillion: step.delivered > 0 ? Math.round((serverCpuS / step.delivered) * 1e6 * 100) / 100 : null,
    serverRssKiB: rssKiB,
    generatorCpuPct: step.generatorCpuPct,
    generatorBound,
    otherLoadOnServerCpuPct,
    disconnects: step.disconnects,
    pass: failed.length === 0,
    failed,
  };
}

/** The subject's own reading, or the process `pid` alone. */
function sampleSubject(server: RunningSubject): SubjectSample | null {
  if (server.sample) return server.sample();
  const own = sampleProcess(server.pid);
  return own === null ? null : { cpuSeconds: own.cpuSeconds, rssKiB: own.rssKiB, services: {} };
}

/** CPU seconds each service spent between two readings; null when the subject uses none. */
function serviceDeltas(before: SubjectSample | null, after: SubjectSample | null): Record<string, number> | null {
  const names = Object.keys(after?.services ?? {});
  if (names.length === 0) return null;
  return Object.fromEntries(names.map((name) => [name, Math.round(Math.max(0, (after?.services[name] ?? 0) - (before?.services[name] ?? 0)) * 100) / 100]));
}

function describe(row: StepRow): string {
  const l = row.latencyMs;
  const verdict = row.pass ? 'pass' : `FAIL (${row.failed.join('; ')})`;
  return (
    `rate ${row.rate}/s delivered ${row.deliveriesPerS}/s p50 ${l.p50} p99 ${l.p99} max ${l.max} ms, ` +
    `server ${row.serverCpuPct}% cpu ${row.cpuSPerMillion ?? '-'} s/M${row.serviceCpuS ? ` (+ ${Object.entries(row.serviceCpuS).map(([k, v]) => `${k} ${v} s`).join(', ')})` : ''}, gen ${row.generatorCpuPct}%` +
    `${row.generatorBound ? ' GENERATOR-BOUND' : ''}, other load on server CPU ${row.otherLoadOnServerCpuPct ?? '-'}% -> ${verdict}`
  );
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
