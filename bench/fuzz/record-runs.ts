// A vitest setup file, loaded only by `npm run fuzz`: it records what every fast-check property
// of the run tried, one JSON line per property in FUZZ_RECORD_FILE. It does not change a
// property's outcome: failures are still reported by fast-check's own reporter.
import { appendFileSync } from 'node:fs';
import fc, { type RunDetails } from 'fast-check';
import { expect } from 'vitest';
import type { PropertyRecord } from './summary.js';

const recordFile = process.env.FUZZ_RECORD_FILE;
if (recordFile) {
  fc.installGlobalPlugin(() => ({
    // Synchronous on purpose: sync properties need a sync hook.
    onAllRunsComplete: (details: RunDetails<unknown>) => {
      const state = expect.getState();
      const record: PropertyRecord = {
        file: state.testPath ?? 'unknown',
        test: state.currentTestName ?? 'unknown',
        runs: details.numRuns,
        skips: details.numSkips,
        failed: details.failed,
        interrupted: details.interrupted,
        seed: details.seed,
        counterexample: details.failed && details.counterexample !== null ? fc.stringify(details.counterexample) : null,
        error: details.failed && details.errorInstance instanceof Error ? details.errorInstance.message : null,
      };
      appendFileSync(recordFile, `${JSON.stringify(record)}\n`);
    },
  }));
}
