import type { Endpoint } from '../generator/protocol.js';
import type { Pinning } from '../lib/proc.js';

/** Which server program runs. */
export type ServerName = 'parley' | 'naive-tcp' | 'naive-socketio' | 'inspircd';

/** A server program reached through one of its doors: what a scenario measures. */
export interface Subject {
  /** e.g. parley-tcp, naive-socketio. */
  readonly name: string;
  readonly server: ServerName;
  readonly door: 'tcp' | 'socketio' | 'irc';
  readonly baseline: boolean;
  /** Server processes it runs (Parley nodes); absent = 1. */
  readonly nodes?: number;
  /** Null when it can run here, otherwise why not (printed, recorded as a skip). */
  unavailable(context: Pick<StartContext, 'parleyCli'>): string | null;
  /** Starts a fresh server; throws SubjectSkipped when its door does not answer. */
  start(context: StartContext): Promise<RunningSubject>;
}

export interface StartContext {
  readonly pinning: Pinning;
  /** A fresh folder for this server's data and log. */
  readonly workDir: string;
  /** Extra environment for Parley (--parley-env). */
  readonly parleyEnv: Readonly<Record<string, string>>;
  /** Folder for Parley's --cpu-prof output, or null. */
  readonly profileDir: string | null;
  /** Parley's cli.js (default: this tree's dist/src/cli.js). */
  readonly parleyCli: string;
}

export interface RunningSubject {
  /** The server's pid (of a cluster: its first node). */
  readonly pid: number;
  readonly endpoint: Endpoint;
  /** Tail of the server's output, for failure reports. */
  tail(): string;
  alive(): boolean;
  stop(): Promise<void>;
  /** CPU and memory of everything the subject runs; absent: the process `pid` alone. */
  sample?(): SubjectSample | null;
}

/** One reading of a subject's processes (cumulative CPU; RSS now). */
export interface SubjectSample {
  /** CPU seconds summed over the server's own processes (every Parley node of a cluster). */
  readonly cpuSeconds: number;
  /** Resident set size summed over the same processes, KiB. */
  readonly rssKiB: number;
  /** CPU seconds of the services it uses, by name (redis, postgres), counted apart. */
  readonly services: Readonly<Record<string, number>>;
}

/** The subject's door did not answer: the scenario is skipped for it with this reason. */
export class SubjectSkipped extends Error {}
