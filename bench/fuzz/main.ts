import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { findTargets, formatSummary, parseRecords, selectTargets, summarize, targetFile } from './summary.js';

const USAGE = `Usage: npm run fuzz -- [--runs N] [--seed S] [TARGET...]
  Runs the property-based fuzz targets test/fuzz/<TARGET>.test.ts (all when none is named)
  with FUZZ_RUNS=N inputs per property, and prints the inputs tried and the failures.
  --runs N   inputs per property (default 10000)
  --seed S   fast-check seed, for replaying a failure (FUZZ_SEED)
  --list     list the targets and exit
Exit status: 0 when every property held, 1 on a failure, 2 on a usage error.`;

// This file runs as dist/bench/fuzz/main.js; the sources it runs are in the repository.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const FUZZ_DIR = join(ROOT, 'test', 'fuzz');
const RECORDER = join(ROOT, 'bench', 'fuzz', 'record-runs.ts');
const VITEST = join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');

function usage(message: string): never {
  process.stderr.write(`fuzz: ${message}\n${USAGE}\n`);
  process.exit(2);
}

const { values, positionals } = parseArgs({
  options: {
    runs: { type: 'string', default: '10000' },
    seed: { type: 'string' },
    list: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
  allowPositionals: true,
  strict: true,
});
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) usage('--runs wants a whole number of at least 1');
const seed = values.seed === undefined ? null : Number(values.seed);
if (seed !== null && !Number.isInteger(seed)) usage('--seed wants a whole number');

const all = findTargets(FUZZ_DIR);
if (values.list) {
  process.stdout.write(all.length === 0 ? 'no fuzz targets in test/fuzz/\n' : `${all.join('\n')}\n`);
  process.exit(0);
}
const { run, unknown } = selectTargets(all, positionals);
if (unknown.length > 0) usage(`no such target: ${unknown.join(', ')} (targets: ${all.join(', ') || 'none'})`);
if (run.length === 0) {
  process.stdout.write(`${formatSummary([], runs, seed)}\nno fuzz targets in test/fuzz/\n`);
  process.exit(0);
}
if (!existsSync(VITEST)) usage(`vitest is not installed (${VITEST})`);

const scratch = mkdtempSync(join(tmpdir(), 'parley-fuzz-'));
const recordFile = join(scratch, 'records.jsonl');
// The suite's own config plus the recorder (vitest has no --setupFiles flag).
const configFile = join(scratch, 'vitest.fuzz.config.mjs');
writeFileSync(
  configFile,
  `import base from ${JSON.stringify(join(ROOT, 'vitest.config.ts'))};\n` +
    `export default { ...base, root: ${JSON.stringify(ROOT)}, test: { ...base.test, setupFiles: [${JSON.stringify(RECORDER)}] } };\n`,
);
try {
  const code = await new Promise<number>((resolve) => {
    const child = spawn(
      process.execPath,
      // A long campaign must not hit the suite's per-test timeout; the run count bounds it.
      [VITEST, 'run', '--config', configFile, '--testTimeout', String(24 * 3600 * 1000), ...run.map((t) => targetFile(FUZZ_DIR, t))],
      {
        cwd: ROOT,
        stdio: 'inherit',
        env: { ...process.env, FUZZ_RUNS: String(runs), ...(seed === null ? {} : { FUZZ_SEED: String(seed) }), FUZZ_RECORD_FILE: recordFile },
      },
    );
    child.once('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0)));
  });
  const records = existsSync(recordFile) ? parseRecords(readFileSync(recordFile, 'utf8')) : [];
  const summaries = summarize(run, records);
  process.stdout.write(`\n${formatSummary(summaries, runs, seed)}\n`);
  const failed = summaries.some((s) => s.failures.length > 0);
  process.exitCode = code !== 0 || failed ? 1 : 0;
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
