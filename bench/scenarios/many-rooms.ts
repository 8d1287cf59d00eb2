import type { RoomPlan } from '../generator/protocol.js';
import type { LadderRun, ScenarioResult, SkipRecord } from '../report/result.js';
import { pickSubjects } from '../targets/registry.js';
import { runLadder, type LadderPlan } from './ladder.js';
import type { Scenario, ScenarioContext } from './scenario.js';

/** 2,000 clients in 200 rooms of 10 (8 receivers, 2 senders each); every room chatty. */
export function manyRoomsPlan(quick: boolean): LadderPlan {
  const roomCount = quick ? 10 : 200;
  const probeRooms = quick ? 2 : 20;
  const rooms: RoomPlan[] = Array.from({ length: roomCount }, (_, k) => ({
    room: `room${k}`,
    receivers: quick ? 3 : 8,
    probes: k < probeRooms ? 1 : 0,
    senders: quick ? 1 : 2,
  }));
  const first = quick ? 50 : 250;
  return {
    label: `${roomCount} rooms`,
    rooms,
    rates: Array.from({ length: quick ? 2 : 8 }, (_, k) => first * 2 ** k),
    commonRate: quick ? 100 : 2000,
    stepMs: quick ? 1000 : 3000,
    drainMs: quick ? 1000 : 2000,
    payloadBytes: 100,
    concurrency: 50,
    setupTimeoutMs: quick ? 20_000 : 120_000,
    budgetMs: quick ? 10_000 : 45_000,
  };
}

const SUBJECTS = ['parley-tcp', 'parley-socketio', 'naive-socketio', 'inspircd'];

export const manyRooms: Scenario = {
  name: 'many-rooms',
  title: 'Many rooms',
  async run(context: ScenarioContext): Promise<ScenarioResult> {
    const ladderPlan = manyRoomsPlan(context.quick);
    const ladders: LadderRun[] = [];
    const skips: SkipRecord[] = [];
    if (context.servers.length === 0 || context.servers.includes('naive-tcp')) {
      const reason = 'naive-tcp has no rooms (one global array of sockets)';
      context.progress.line(`many-rooms: skip naive-tcp: ${reason}`);
      skips.push({ subject: 'naive-tcp', reason });
    }
    for (const subject of pickSubjects(SUBJECTS, context.servers)) {
      context.progress.line(`many-rooms: ${subject.name}, rates ${ladderPlan.rates.join(', ')} msg/s (all rooms together)`);
      const outcome = await runLadder(subject, context, ladderPlan);
      if ('rows' in outcome) ladders.push(outcome);
      else skips.push(outcome);
    }
    const room = ladderPlan.rooms[0];
    return {
      name: 'many-rooms',
      title: 'Many rooms',
      params: {
        rooms: ladderPlan.rooms.length,
        receiversPerRoom: room?.receivers,
        sendersPerRoom: room?.senders,
        probes: ladderPlan.rooms.reduce((s, r) => s + r.probes, 0),
        commonRate: ladderPlan.commonRate,
        stepMs: ladderPlan.stepMs,
      },
      skips,
      ladders,
      notes: ['Rates are totals over all rooms; deliveries are counted at the receivers of each room.'],
    };
  },
};
