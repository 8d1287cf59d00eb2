import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../lib/ports.js';
import { Ledger } from './ledger.js';
import { seededRandom } from './random.js';
import { killRound, sigtermRound, type RoundReport, type RoundSettings } from './rounds.js';

export interface ChaosOptions {
  /** The built dist/src/cli.js to run. */
  readonly cli: string;
  /** kill -9 rounds; one SIGTERM round follows unless `sigterm` is false. */
  readonly rounds: number;
  readonly sigterm: boolean;
  readonly clients: number;
  readonly messages: number;
  readonly rooms: number;
  readonly window: number;
  readonly stopAtShare: readonly [number, number];
  readonly retriesPerClient: number;
  readonly timeoutMs: number;
  readonly seed: number;
  /** Called with each finished round (for printing as the run goes). */
  readonly onRound?: (report: RoundReport) => void;
}

export interface ChaosReport {
  readonly seed: number;
  readonly rounds: RoundReport[];
  readonly violations: number;
}

/**
 * The kill -9 audit: rounds against one data folder (history accumulates, as in production),
 * each on a fresh server process of the built CLI. Every wait inside is bounded by timeoutMs.
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-chaos-'));
  const random = seededRandom(options.seed);
  const ledger = new Ledger();
  const reports: RoundReport[] = [];
  try {
    const settings: RoundSettings = {
      server: { cli: options.cli, dataDir, httpPort: await freePort(), tcpPort: await freePort(), startTimeoutMs: options.timeoutMs },
      clients: options.clients,
      messages: options.messages,
      rooms: Array.from({ length: options.rooms }, (_, i) => `chaos-${i + 1}`),
      window: options.window,
      stopAtShare: options.stopAtShare,
      retriesPerClient: options.retriesPerClient,
      timeoutMs: options.timeoutMs,
      random,
    };
    const total = options.rounds + (options.sigterm ? 1 : 0);
    for (let round = 1; round <= total; round++) {
      const report = round <= options.rounds ? await killRound(settings, ledger, round) : await sigtermRound(settings, ledger, round);
      reports.push(report);
      options.onRound?.(report);
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  return { seed: options.seed, rounds: reports, violations: reports.reduce((sum, r) => sum + r.violations.length, 0) };
}

/** One line of figures per round. */
export function formatRound(r: RoundReport): string {
  const verdict = r.violations.length === 0 ? 'ok' : `${r.violations.length} VIOLATION(S)`;
  const lines = [
    `round ${r.round} (${r.kind} at ${r.stopAtAcks} acks): planned ${r.planned}, acked before stop ${r.ackedBeforeStop}, ` +
      `unanswered at stop ${r.unansweredAtStop} (stored ${r.storedUnanswered}), error answers ${r.errorAnswers}, sent after restart ${r.resent}; ` +
      `history ${r.audit.stored}, acked ${r.audit.acked}, lost ${r.audit.lost}, duplicates ${r.audit.duplicates}, seq faults ${r.audit.seqFaults} ` +
      `[${(r.ms / 1000).toFixed(1)} s] ${verdict}`,
  ];
  for (const v of r.violations) lines.push(`  - ${v}`);
  return lines.join('\n');
}

export function formatTotals(report: ChaosReport): string {
  const sum = (pick: (r: RoundReport) => number): number => report.rounds.reduce((s, r) => s + pick(r), 0);
  const last = report.rounds.at(-1);
  return (
    `total: ${report.rounds.length} rounds, seed ${report.seed}: planned ${sum((r) => r.planned)}, ` +
    `unanswered at stops ${sum((r) => r.unansweredAtStop)} (stored ${sum((r) => r.storedUnanswered)}), sent after restarts ${sum((r) => r.resent)}, ` +
    `acked ${last?.audit.acked ?? 0}, in history ${last?.audit.stored ?? 0}; violations ${report.violations}`
  );
}
