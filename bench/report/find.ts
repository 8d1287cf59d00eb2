import type { BenchResult, LadderRun, ScenarioResult } from './result.js';

export function scenario(result: BenchResult, name: string): ScenarioResult | undefined {
  return result.scenarios.find((s) => s.name === name);
}

export function ladder(result: BenchResult, scenarioName: string, subject: string, receivers?: number): LadderRun | undefined {
  return scenario(result, scenarioName)?.ladders?.find((l) => l.subject === subject && (receivers === undefined || l.receivers === receivers));
}

/** Distinct ladder labels of a scenario with their receiver counts, in run order. */
export function populations(s: ScenarioResult): Array<{ label: string; receivers: number }> {
  const seen = new Map<string, number>();
  for (const l of s.ladders ?? []) if (!seen.has(l.label)) seen.set(l.label, l.receivers);
  return [...seen].map(([label, receivers]) => ({ label, receivers }));
}

export function fmt(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '-';
  return value >= 100 ? String(Math.round(value)) : String(Math.round(value * 10 ** digits) / 10 ** digits);
}

export function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a === null || a === undefined || b === null || b === undefined || b === 0) return null;
  return Math.round((a / b) * 100) / 100;
}
