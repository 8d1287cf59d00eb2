/**
 * The cluster scenarios (issue 8, section 5): the fan-out and many-rooms ladders, each on
 * (a) one node with SQLite, (b) one node with PostgreSQL + Redis, (c) three nodes with
 * PostgreSQL + Redis, in the same run; (b) and (c) are reported as ratios against (a).
 */
import type { LadderRun, ScenarioResult, SkipRecord } from '../report/result.js';
import { CLUSTER_SHAPES } from '../targets/cluster.js';
import { pickSubjects } from '../targets/registry.js';
import { FANOUT_FULL, FANOUT_QUICK, fanoutPlan } from './fanout.js';
import { runLadder, type LadderPlan } from './ladder.js';
import { manyRoomsPlan } from './many-rooms.js';
import type { Scenario, ScenarioContext } from './scenario.js';

export const CLUSTER_REFERENCE = 'parley-sqlite';
const SUBJECT_NAMES = CLUSTER_SHAPES.map((s) => s.name);

const PLACEMENT_NOTE =
  'Every server-side process (each Parley node, redis-server, the postmaster and its backends) runs on the server CPU, the generator on the other: ' +
  'a cluster gets the same single core as the single node, so its figures say what the extra processes and hops cost, not what more machines would buy. ' +
  'CPU s per M deliveries counts Parley processes only (summed over nodes); Redis and PostgreSQL are reported apart and in "all processes".';

function clusterScenario(name: string, title: string, plans: (quick: boolean) => readonly LadderPlan[]): Scenario {
  return {
    name,
    title,
    async run(context: ScenarioContext): Promise<ScenarioResult> {
      const ladders: LadderRun[] = [];
      const skips: SkipRecord[] = [];
      const all = plans(context.quick);
      for (const plan of all) {
        for (const subject of pickSubjects(SUBJECT_NAMES, context.servers)) {
          context.progress.line(`${name}: ${subject.name} ${plan.label}, rates ${plan.rates.join(', ')} msg/s`);
          const outcome = await runLadder(subject, context, plan);
          if ('rows' in outcome) ladders.push(outcome);
          else if (!skips.some((s) => s.subject === outcome.subject)) skips.push(outcome);
        }
      }
      const first = all[0];
      return {
        name,
        title,
        params: {
          populations: all.map((p) => ({ label: p.label, receivers: p.rooms.reduce((s, r) => s + r.receivers, 0), rooms: p.rooms.length, commonRate: p.commonRate })),
          sendersPerRoom: first?.rooms[0]?.senders,
          payloadBytes: first?.payloadBytes,
          stepMs: first?.stepMs,
          nodes: Object.fromEntries(CLUSTER_SHAPES.map((s) => [s.name, s.nodes])),
          postgres: 'fsync on (as SQLite with DURABILITY=full)',
        },
        skips,
        ladders,
        notes: [PLACEMENT_NOTE],
        reference: CLUSTER_REFERENCE,
      };
    },
  };
}

export const clusterFanout = clusterScenario('cluster-fanout', 'Cluster fan-out (TCP)', (quick) =>
  (quick ? FANOUT_QUICK : FANOUT_FULL).map((population) => fanoutPlan(population, quick)),
);

export const clusterManyRooms = clusterScenario('cluster-many-rooms', 'Cluster, many rooms (TCP)', (quick) => [manyRoomsPlan(quick)]);
