import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findTargets, formatSummary, parseRecords, selectTargets, summarize, type PropertyRecord } from '../../bench/fuzz/summary.js';

const dir = mkdtempSync(join(tmpdir(), 'parley-fuzz-targets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const record = (file: string, fields: Partial<PropertyRecord> = {}): PropertyRecord => ({
  file: `/repo/test/fuzz/${file}.test.ts`,
  test: `${file} > holds`,
  runs: 100,
  skips: 0,
  failed: false,
  interrupted: false,
  seed: 42,
  counterexample: null,
  error: null,
  ...fields,
});

describe('fuzz runner summary', () => {
  it('finds no targets in a missing or empty folder, and the .test.ts files otherwise', () => {
    expect(findTargets(join(dir, 'absent'))).toEqual([]);
    expect(findTargets(dir)).toEqual([]);
    writeFileSync(join(dir, 'slash.test.ts'), '');
    writeFileSync(join(dir, 'jsonl.test.ts'), '');
    writeFileSync(join(dir, 'notes.md'), '');
    expect(findTargets(dir)).toEqual(['jsonl', 'slash']);
  });

  it('selects all targets, or the named ones, and names the unknown', () => {
    expect(selectTargets(['a', 'b'], [])).toEqual({ run: ['a', 'b'], unknown: [] });
    expect(selectTargets(['a', 'b'], ['b', 'c'])).toEqual({ run: ['b'], unknown: ['c'] });
  });

  it('adds up inputs per target and prints failures with seed and counterexample', () => {
    const lines = [
      JSON.stringify(record('slash')),
      JSON.stringify(record('slash', { runs: 7, failed: true, seed: 9, counterexample: '["/join a b"]', error: 'boom\nmore' })),
      '{"cut short',
    ].join('\n');
    const summaries = summarize(['slash', 'jsonl'], parseRecords(lines));
    expect(summaries).toMatchObject([
      { target: 'slash', properties: 2, inputs: 107 },
      { target: 'jsonl', properties: 0, inputs: 0, failures: [] },
    ]);
    const text = formatSummary(summaries, 100, 9);
    expect(text).toContain('slash: 2 properties, 107 inputs tried, 1 failed');
    expect(text).toContain('FAILED slash > holds (seed 9)');
    expect(text).toContain('counterexample: ["/join a b"]');
    expect(text).toContain('error: boom');
    expect(text).toMatch(/total: 107 inputs tried, 1 failure\(s\)$/);
  });

  it('reports an empty run as zero inputs', () => {
    expect(formatSummary([], 50, null)).toBe('fuzz: 0 target(s), 50 runs per property\ntotal: 0 inputs tried, 0 failure(s)');
  });
});
