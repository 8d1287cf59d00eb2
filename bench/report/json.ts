import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchResult } from './result.js';

/** The result's file stem: the run's date, YYYY-MM-DD (a later run the same day replaces it). */
export function stem(result: BenchResult): string {
  return result.date.slice(0, 10);
}

export function writeJson(dir: string, result: BenchResult): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${stem(result)}.json`);
  writeFileSync(path, `${JSON.stringify(result, null, 2)}\n`);
  return path;
}
