/**
 * `npm run bench`: runs the scenarios against Parley and the baselines, each server started
 * fresh in its own (pinned) process and driven by a separate generator process, then writes
 * <date>.json, <date>.md and <date>.svg. See docs/performance.md.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { GeneratorHandle } from './generator/handle.js';
import { parseBenchArgs, USAGE } from './lib/args.js';
import { describeMachine } from './lib/machine.js';
import { RESULTS_DIR, TMP_DIR } from './lib/paths.js';
import { detectPinning, killAllSync, stopAll } from './lib/proc.js';
import { Progress } from './lib/progress.js';
import { revisionOf } from './lib/revision.js';
import { writeJson } from './report/json.js';
import { writeMarkdown } from './report/markdown.js';
import type { BenchResult, ScenarioResult } from './report/result.js';
import { writeChart } from './report/svg.js';
import { checkTargets } from './report/targets.js';
import { SCENARIOS } from './scenarios/index.js';
import { DEFAULT_PARLEY_CLI } from './targets/parley.js';
import type { ScenarioContext } from './scenarios/scenario.js';

async function main(): Promise<number> {
  const args = parseBenchArgs(process.argv.slice(2));
  if (args.help) {
    process.stdout.write(`${USAGE}\nScenarios: ${SCENARIOS.map((s) => s.name).join(', ')}\n`);
    return 0;
  }
  const unknown = args.scenarios.filter((name) => !SCENARIOS.some((s) => s.name === name));
  if (unknown.length > 0) {
    process.stderr.write(`Unknown scenario ${unknown.join(', ')}. Known: ${SCENARIOS.map((s) => s.name).join(', ')}\n`);
    return 2;
  }
  const selected = SCENARIOS.filter((s) => args.scenarios.length === 0 || args.scenarios.includes(s.name));
  const progress = new Progress();
  const machine = describeMachine();
  const pinning = detectPinning(machine.cpus);
  const started = new Date();
  const workRoot = join(TMP_DIR, `run-${started.toISOString().replace(/[:.]/g, '-')}`);
  mkdirSync(workRoot, { recursive: true });
  progress.line(`${args.quick ? 'quick run' : 'full run'}: ${selected.map((s) => s.name).join(', ')}; ${pinning.note}`);
  if (Object.keys(args.parleyEnv).length > 0) progress.line(`Parley environment: ${JSON.stringify(args.parleyEnv)}`);
  if (args.parleyCli) progress.line(`Parley: ${args.parleyCli}`);

  let generator: GeneratorHandle | null = null;
  const context: ScenarioContext = {
    quick: args.quick,
    pinning,
    progress,
    servers: args.servers,
    parleyEnv: args.parleyEnv,
    profileDir: args.profileDir,
    parleyCli: args.parleyCli ?? DEFAULT_PARLEY_CLI,
    workRoot,
    cacheDir: TMP_DIR,
    generator: () => (generator ??= GeneratorHandle.start(pinning.generatorCpu)),
  };
  const scenarios: ScenarioResult[] = [];
  try {
    for (const scenario of selected) {
      progress.line(`== ${scenario.name}: ${scenario.title}`);
      scenarios.push(await scenario.run(context));
    }
  } finally {
    await (generator as GeneratorHandle | null)?.stop();
    await stopAll();
  }

  const result: BenchResult = {
    schema: 1,
    date: started.toISOString(),
    quick: args.quick,
    machine,
    pinning,
    parleyEnv: args.parleyEnv,
    parleyCli: args.parleyCli,
    parleyRevision: revisionOf(args.parleyCli ?? DEFAULT_PARLEY_CLI),
    durationS: Math.round(progress.elapsedMs() / 1000),
    scenarios,
    targets: [],
  };
  const final: BenchResult = { ...result, targets: checkTargets(result) };
  const out = args.out ?? (args.quick ? TMP_DIR : RESULTS_DIR);
  const files = [writeJson(out, final), writeMarkdown(out, final), writeChart(out, final)];
  rmSync(workRoot, { recursive: true, force: true });
  progress.line(`wrote ${files.join(', ')}`);
  return 0;
}

process.on('SIGINT', () => {
  killAllSync();
  process.exit(130);
});
process.on('exit', killAllSync);

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    killAllSync();
    process.exitCode = 1;
  },
);
