import { parseArgs } from 'node:util';

/** Options of `node dist/bench/run.js`. */
export interface BenchArgs {
  /** Scenario names to run; empty = all. */
  readonly scenarios: readonly string[];
  /** Server names to run against; empty = all. */
  readonly servers: readonly string[];
  /** Seconds-long run with small N: checks the harness, measures nothing worth keeping. */
  readonly quick: boolean;
  /** Folder for <date>.json, .md and .svg; default bench/results (quick: bench/results/tmp). */
  readonly out: string | null;
  readonly help: boolean;
  /** Extra environment for every Parley server (e.g. DURABILITY=normal), for experiments. */
  readonly parleyEnv: Readonly<Record<string, string>>;
  /** When set, Parley servers run with --cpu-prof and write their profiles into this folder. */
  readonly profileDir: string | null;
  /** Parley's cli.js to run instead of this tree's dist/src/cli.js (to compare builds). */
  readonly parleyCli: string | null;
}

export const USAGE = `Usage: node dist/bench/run.js [--scenario NAME]... [--server NAME]... [--quick] [--out DIR]
  --scenario NAME   run only this scenario (repeatable or comma-separated)
  --server NAME     run only against this server (repeatable or comma-separated):
                    parley, naive-tcp, naive-socketio, inspircd; or a subject:
                    parley-tcp, parley-sqlite, parley-pg-redis, parley-3-nodes, ...
  --quick           a few seconds per scenario, small N (a harness check, not a measurement)
  --parley-env K=V  extra environment for Parley servers, e.g. DURABILITY=normal (repeatable)
  --profile DIR     run Parley with --cpu-prof, profiles into DIR
                    (summarize: node dist/bench/tools/profile-summary.js FILE)
  --parley-cli FILE run this cli.js as Parley (e.g. an older build, to measure a change)
  --out DIR         where to write <date>.json, <date>.md and <date>.svg
                    (default bench/results, or bench/results/tmp with --quick)`;

export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      scenario: { type: 'string', multiple: true, short: 's' },
      server: { type: 'string', multiple: true },
      quick: { type: 'boolean', default: false },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
      'parley-env': { type: 'string', multiple: true },
      profile: { type: 'string' },
      'parley-cli': { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  const split = (list: string[] | undefined): string[] =>
    (list ?? []).flatMap((s) => s.split(',')).map((s) => s.trim()).filter((s) => s !== '');
  return {
    scenarios: split(values.scenario),
    servers: split(values.server),
    quick: values.quick ?? false,
    out: values.out ?? null,
    help: values.help ?? false,
    profileDir: values.profile ?? null,
    parleyCli: values['parley-cli'] ?? null,
    parleyEnv: Object.fromEntries(
      split(values['parley-env']).map((pair) => {
        const at = pair.indexOf('=');
        if (at < 1) throw new Error(`--parley-env wants KEY=VALUE, got ${pair}`);
        return [pair.slice(0, at), pair.slice(at + 1)];
      }),
    ),
  };
}
