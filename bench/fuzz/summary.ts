import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';

/** What one fast-check property tried in a fuzz run (written by record-runs.ts). */
export interface PropertyRecord {
  readonly file: string;
  readonly test: string;
  /** Inputs tried (successful runs before a failure, or all of them). */
  readonly runs: number;
  readonly skips: number;
  readonly failed: boolean;
  readonly interrupted: boolean;
  readonly seed: number;
  readonly counterexample: string | null;
  readonly error: string | null;
}

const SUFFIX = '.test.ts';

/** The fuzz targets: test/fuzz/<target>.test.ts, by name. An absent folder has none. */
export function findTargets(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((file) => file.endsWith(SUFFIX))
    .map((file) => file.slice(0, -SUFFIX.length))
    .sort();
}

/** The targets asked for, or all; unknown names are returned apart so the caller can refuse them. */
export function selectTargets(all: readonly string[], asked: readonly string[]): { run: string[]; unknown: string[] } {
  if (asked.length === 0) return { run: [...all], unknown: [] };
  return { run: all.filter((t) => asked.includes(t)), unknown: asked.filter((t) => !all.includes(t)) };
}

export const targetFile = (dir: string, target: string): string => join(dir, `${target}${SUFFIX}`);

/** Parses the JSON lines of a record file; a line cut short by a crashed worker is skipped. */
export function parseRecords(text: string): PropertyRecord[] {
  const out: PropertyRecord[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      out.push(JSON.parse(line) as PropertyRecord);
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
    }
  }
  return out;
}

export interface TargetSummary {
  readonly target: string;
  readonly properties: number;
  readonly inputs: number;
  readonly failures: PropertyRecord[];
}

export function summarize(targets: readonly string[], records: readonly PropertyRecord[]): TargetSummary[] {
  return targets.map((target) => {
    const mine = records.filter((r) => basename(r.file) === `${target}${SUFFIX}`);
    return {
      target,
      properties: mine.length,
      inputs: mine.reduce((sum, r) => sum + r.runs, 0),
      failures: mine.filter((r) => r.failed),
    };
  });
}

/** The printed report: one line per target, each failure with its seed and counterexample, totals. */
export function formatSummary(summaries: readonly TargetSummary[], runsPerProperty: number, seed: number | null): string {
  const lines = [`fuzz: ${summaries.length} target(s), ${runsPerProperty} runs per property${seed === null ? '' : `, seed ${seed}`}`];
  for (const s of summaries) {
    lines.push(`  ${s.target}: ${s.properties} properties, ${s.inputs} inputs tried, ${s.failures.length} failed`);
    for (const f of s.failures) {
      lines.push(`    FAILED ${f.test} (seed ${f.seed}${f.interrupted ? ', interrupted' : ''})`);
      if (f.counterexample !== null) lines.push(`      counterexample: ${f.counterexample.slice(0, 500)}`);
      if (f.error !== null) lines.push(`      error: ${f.error.split('\n')[0]?.slice(0, 300) ?? ''}`);
    }
  }
  const inputs = summaries.reduce((sum, s) => sum + s.inputs, 0);
  const failures = summaries.reduce((sum, s) => sum + s.failures.length, 0);
  lines.push(`total: ${inputs} inputs tried, ${failures} failure(s)`);
  return lines.join('\n');
}
