import type { BenchClient } from './client.js';
import type { LatencyRecorder } from './latency.js';
import { makePayload, nowUs } from './payload.js';
import type { StepResult } from './protocol.js';

const TICK_MS = 2;
const POLL_MS = 10;

export interface StepPlan {
  readonly rate: number;
  readonly durationMs: number;
  readonly drainMs: number;
  readonly payloadBytes: number;
}

export interface Population {
  readonly senders: readonly BenchClient[];
  /** Receivers and probes. */
  readonly receivers: readonly BenchClient[];
  /** Receivers (and probes) per room: what one message to that room should produce. */
  readonly receiversByRoom: ReadonlyMap<string, number>;
  readonly all: readonly BenchClient[];
}

/**
 * Offers `rate` messages per second for `durationMs`, round-robin over the senders, one write
 * per message; then waits up to `drainMs` for every expected delivery. Bounded in time:
 * sending stops at the duration, draining at the drain limit.
 */
export async function runStep(population: Population, plan: StepPlan, recorder: LatencyRecorder): Promise<StepResult> {
  const { senders, receivers } = population;
  const payload = makePayload(plan.payloadBytes);
  const total = Math.round((plan.rate * plan.durationMs) / 1000);
  const countReceived = (): number => receivers.reduce((sum, c) => sum + c.received(), 0);
  const countClosed = (): number => population.all.reduce((sum, c) => sum + (c.closed() ? 1 : 0), 0);
  const closedBefore = countClosed();
  const receivedBefore = countReceived();
  recorder.reset();
  const cpuBefore = process.cpuUsage();
  const start = Date.now();
  let sent = 0;
  let expected = 0;
  let turn = 0;

  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const elapsed = Date.now() - start;
      const due = Math.min(total, Math.floor((plan.rate * Math.min(elapsed, plan.durationMs)) / 1000));
      const sentUs = nowUs();
      for (; sent < due && senders.length > 0; sent++) {
        const sender = senders[turn++ % senders.length];
        if (!sender) break;
        sender.send(payload(sentUs));
        expected += population.receiversByRoom.get(sender.room) ?? 0;
      }
      if (elapsed >= plan.durationMs || sent >= total) {
        clearInterval(timer);
        resolve();
      }
    }, TICK_MS);
  });
  const sendMs = Date.now() - start;

  const drainDeadline = Date.now() + plan.drainMs;
  while (countReceived() - receivedBefore < expected && Date.now() < drainDeadline) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  const activeMs = Date.now() - start;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    sent,
    expected,
    delivered: countReceived() - receivedBefore,
    sendMs,
    activeMs,
    latency: recorder.summary(),
    generatorCpuPct: Math.round(((cpu.user + cpu.system) / 1000 / Math.max(1, activeMs)) * 1000) / 10,
    disconnects: countClosed() - closedBefore,
  };
}
