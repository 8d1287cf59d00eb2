import { describe, expect, it } from 'vitest';
import { formatRound, formatTotals, runChaos } from '../../bench/chaos/run.js';
import { CLI } from '../helpers/process.js';

// The short CI version of `npm run chaos`: two kill -9 rounds and a SIGTERM round, small load.
describe('chaos audit (kill -9 and SIGTERM under load)', () => {
  it('keeps every acked message exactly once, numbers rooms without gaps, dedupes retries, answers before bye', async () => {
    const report = await runChaos({
      cli: CLI,
      rounds: 2,
      sigterm: true,
      clients: 3,
      messages: 60,
      rooms: 2,
      window: 8,
      stopAtShare: [0.2, 0.8],
      retriesPerClient: 3,
      timeoutMs: 20_000,
      seed: Number(process.env.FUZZ_SEED) || 20_261_123,
    });
    const printed = [...report.rounds.map(formatRound), formatTotals(report)].join('\n');
    expect(report.rounds).toHaveLength(3);
    // Every round really stopped the server mid-load and audited something.
    for (const round of report.rounds) expect(round.audit.acked).toBeGreaterThan(0);
    expect(report.violations, printed).toBe(0);
  }, 120_000);
});
