import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The benchmark harness still works: a quick TCP fan-out run (a few seconds, small N, against
 * Parley and the naive baseline) writes a well-formed result. No performance figure is
 * asserted: CI machines are noisy and the quick run measures nothing worth keeping.
 * Needs the build (`npm test` builds first).
 */
const RUN = join(process.cwd(), 'dist', 'bench', 'run.js');
const out = mkdtempSync(join(tmpdir(), 'parley-bench-'));

afterAll(() => rmSync(out, { recursive: true, force: true }));

function runQuick(): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const args = [RUN, '--quick', '--scenario', 'tcp-fanout', '--server', 'parley,naive-tcp', '--out', out];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGINT'), 90_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe('bench harness, quick mode', () => {
  it('runs the TCP fan-out briefly and writes JSON, Markdown and SVG', { timeout: 120_000 }, async () => {
    expect(existsSync(RUN), 'dist/bench/run.js (run npm run build)').toBe(true);
    const { code, stderr } = await runQuick();
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/\[bench \d\d:\d\d\]/);

    const files = readdirSync(out);
    const json = files.find((f) => /^\d{4}-\d{2}-\d{2}\.json$/.test(f));
    expect(json, files.join(', ')).toBeDefined();
    expect(files).toContain(json!.replace('.json', '.md'));
    expect(files).toContain(json!.replace('.json', '.svg'));

    const result = JSON.parse(readFileSync(join(out, json!), 'utf8'));
    expect(result).toMatchObject({ schema: 1, quick: true, pinning: { enabled: expect.any(Boolean) } });
    const scenario = result.scenarios.find((s: { name: string }) => s.name === 'tcp-fanout');
    expect(scenario).toBeDefined();
    const ran = scenario.ladders.map((l: { subject: string }) => l.subject);
    // Both subjects must run: a Parley that cannot start (a refused setting) is a failure here,
    // not a skip.
    expect(scenario.skips).toEqual([]);
    expect([...ran].sort()).toEqual(['naive-tcp', 'parley-tcp']);
    for (const ladder of scenario.ladders) {
      expect(ladder.error).toBeNull();
      expect(ladder.rows.length).toBeGreaterThan(0);
      for (const row of ladder.rows) {
        expect(row).toMatchObject({
          rate: expect.any(Number),
          offered: expect.any(Number),
          sent: expect.any(Number),
          delivered: expect.any(Number),
          loss: expect.any(Number),
          serverCpuS: expect.any(Number),
          serverRssKiB: expect.any(Number),
          generatorCpuPct: expect.any(Number),
          generatorBound: expect.any(Boolean),
          pass: expect.any(Boolean),
          latencyMs: { samples: expect.any(Number) },
        });
        expect(row.delivered).toBeGreaterThan(0);
        expect(row.latencyMs.samples).toBeGreaterThan(0);
      }
    }
    expect(Array.isArray(result.targets)).toBe(true);
    expect(readFileSync(join(out, json!.replace('.json', '.svg')), 'utf8')).toMatch(/^<svg /);
    expect(readFileSync(join(out, json!.replace('.json', '.md')), 'utf8')).toMatch(/^# Parley benchmark/);
  });
});
