import type { LadderRun, ScenarioResult, SkipRecord } from '../report/result.js';
import { pickSubjects } from '../targets/registry.js';
import { runLadder, type LadderPlan } from './ladder.js';
import type { Scenario, ScenarioContext } from './scenario.js';

/** N receivers in one room, 5 senders, ~100-byte messages, the offered rate doubled step by step. */
export interface Population {
  readonly receivers: number;
  readonly commonRate: number;
  readonly firstRate: number;
}

export const FANOUT_FULL: readonly Population[] = [
  { receivers: 100, commonRate: 1000, firstRate: 125 },
  { receivers: 1000, commonRate: 200, firstRate: 25 },
];
export const FANOUT_QUICK: readonly Population[] = [{ receivers: 20, commonRate: 100, firstRate: 50 }];

export function fanoutPlan(population: Population, quick: boolean): LadderPlan {
  const steps = quick ? 2 : 9;
  return {
    label: `N=${population.receivers}`,
    rooms: [{ room: 'general', receivers: population.receivers, probes: quick ? 2 : 5, senders: quick ? 2 : 5 }],
    rates: Array.from({ length: steps }, (_, k) => population.firstRate * 2 ** k),
    commonRate: population.commonRate,
    stepMs: quick ? 1000 : 3000,
    drainMs: quick ? 1000 : 2000,
    payloadBytes: 100,
    concurrency: 50,
    setupTimeoutMs: quick ? 20_000 : 90_000,
    budgetMs: quick ? 10_000 : 50_000,
  };
}

/** A fan-out scenario over some subjects; every subject runs every population on a fresh server. */
export function fanoutScenario(name: string, title: string, subjectNames: readonly string[]): Scenario {
  return {
    name,
    title,
    async run(context: ScenarioContext): Promise<ScenarioResult> {
      const populations = context.quick ? FANOUT_QUICK : FANOUT_FULL;
      const ladders: LadderRun[] = [];
      const skips: SkipRecord[] = [];
      for (const population of populations) {
        for (const subject of pickSubjects(subjectNames, context.servers)) {
          const plan = fanoutPlan(population, context.quick);
          context.progress.line(`${name}: ${subject.name} ${plan.label}, rates ${plan.rates.join(', ')} msg/s`);
          const outcome = await runLadder(subject, context, plan);
          if ('rows' in outcome) ladders.push(outcome);
          else if (!skips.some((s) => s.subject === outcome.subject)) skips.push(outcome);
        }
      }
      const plan = fanoutPlan(populations[0] ?? FANOUT_FULL[0]!, context.quick);
      return {
        name,
        title,
        params: {
          populations: populations.map((p) => ({ receivers: p.receivers, commonRate: p.commonRate })),
          senders: plan.rooms[0]?.senders,
          probes: plan.rooms[0]?.probes,
          payloadBytes: plan.payloadBytes,
          stepMs: plan.stepMs,
          drainMs: plan.drainMs,
          steps: plan.rates.length,
        },
        skips,
        ladders,
        notes: [],
      };
    },
  };
}

export const tcpFanout = fanoutScenario('tcp-fanout', 'TCP fan-out', ['parley-tcp', 'naive-tcp', 'inspircd']);
export const socketioFanout = fanoutScenario('socketio-fanout', 'Socket.IO fan-out', ['parley-socketio', 'naive-socketio']);
