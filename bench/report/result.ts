/** The shape of bench/results/<date>.json. Field names are stable: docs and tests read them. */
import type { MachineInfo } from '../lib/machine.js';
import type { Pinning } from '../lib/proc.js';
import type { LatencySummary } from '../lib/stats.js';

export interface BenchResult {
  readonly schema: 1;
  /** ISO time the run started. */
  readonly date: string;
  readonly quick: boolean;
  readonly machine: MachineInfo;
  readonly pinning: Pinning;
  /** Extra environment given to Parley (--parley-env); empty for the product's defaults. */
  readonly parleyEnv: Readonly<Record<string, string>>;
  /** The cli.js run as Parley when it was not this tree's build (--parley-cli); else null. */
  readonly parleyCli: string | null;
  /** Git commit of the Parley measured, and whether its src/ had uncommitted changes. */
  readonly parleyRevision: { readonly commit: string | null; readonly srcDirty: boolean | null };
  readonly durationS: number;
  readonly scenarios: ScenarioResult[];
  readonly targets: TargetCheck[];
}

export interface SkipRecord {
  readonly subject: string;
  readonly reason: string;
}

export interface ScenarioResult {
  readonly name: string;
  readonly title: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly skips: SkipRecord[];
  readonly ladders?: LadderRun[];
  readonly idle?: IdleRow[];
  readonly storage?: StorageResult;
  readonly startup?: StartupResult;
  readonly notes: string[];
  /** When set, the ladders are compared with this subject's (the same population) instead of the baselines. */
  readonly reference?: string;
}

/** One offered-rate step of a fan-out ladder. */
export interface StepRow {
  /** Offered messages per second. */
  readonly rate: number;
  readonly durationS: number;
  readonly offered: number;
  readonly sent: number;
  readonly expected: number;
  readonly delivered: number;
  readonly loss: number;
  readonly lossPct: number;
  /** Deliveries (lines or events at receivers) per second. */
  readonly deliveriesPerS: number;
  /** Messages per second that reached every receiver of their room. */
  readonly deliveredMsgRate: number;
  readonly latencyMs: LatencySummary;
  /** CPU seconds of the server's own processes (summed over the nodes of a cluster). */
  readonly serverCpuS: number;
  readonly serverCpuPct: number;
  /** CPU seconds of the services the server uses (redis, postgres), when it uses any. */
  readonly serviceCpuS?: Readonly<Record<string, number>>;
  /** Server CPU seconds per million deliveries; null when nothing was delivered. */
  readonly cpuSPerMillion: number | null;
  readonly serverRssKiB: number;
  readonly generatorCpuPct: number;
  /** The generator passed 85% of its core: the step says nothing about the server's limit. */
  readonly generatorBound: boolean;
  /** Busy time of the server's CPU not spent by the server (other processes): a noise gauge. */
  readonly otherLoadOnServerCpuPct: number | null;
  readonly disconnects: number;
  readonly pass: boolean;
  /** Failed criteria, empty when it passed. */
  readonly failed: string[];
}

export interface LadderRun {
  readonly subject: string;
  readonly server: string;
  readonly door: string;
  readonly baseline: boolean;
  /** Server processes (Parley nodes); absent = 1. */
  readonly nodes?: number;
  /** A label of the population, e.g. "N=100". */
  readonly label: string;
  readonly receivers: number;
  readonly senders: number;
  readonly rooms: number;
  readonly commonRate: number;
  readonly setupMs: number | null;
  readonly idleRssKiB: number | null;
  readonly rows: StepRow[];
  /** Highest offered rate that passed (not generator-bound); null when none did. */
  readonly highestPassingRate: number | null;
  /** Why the ladder stopped: a failed step (the server's limit), the generator, the ladder's end, the time budget, or an error. */
  readonly stoppedBy: 'server' | 'generator' | 'ladder-end' | 'time' | 'error';
  readonly common: StepRow | null;
  readonly error: string | null;
}

export interface IdleRow {
  readonly subject: string;
  readonly server: string;
  readonly door: string;
  readonly baseline: boolean;
  readonly clients: number;
  readonly rssIdleKiB: number;
  readonly rssLoadedKiB: number | null;
  readonly kibPerConnection: number | null;
  readonly connectMs: number | null;
  readonly error: string | null;
}

export interface StorageResult {
  readonly durability: string;
  /** One write phase per group size (appends in flight together = one commit). */
  readonly writes: Array<{
    readonly batch: number;
    readonly seconds: number;
    readonly messages: number;
    readonly perSecond: number;
    readonly historyReadsDuringWrite: number;
    readonly historyDuringWriteMs: LatencySummary;
  }>;
  readonly history: {
    readonly storedMessages: number;
    readonly rooms: number;
    readonly queries: number;
    readonly latestMs: LatencySummary;
    readonly pagedMs: LatencySummary;
  };
  readonly error: string | null;
}

export interface StartupResult {
  readonly dbBytes: number;
  readonly messages: number;
  readonly runsMs: number[];
  readonly medianMs: number | null;
  readonly emptyDbMs: number[];
  readonly error: string | null;
}

export interface TargetCheck {
  readonly target: string;
  /** What was measured, readable ("0.41 x naive-tcp"). */
  readonly measured: string;
  readonly status: 'met' | 'missed' | 'unknown';
}
