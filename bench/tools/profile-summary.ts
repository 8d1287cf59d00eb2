/**
 * Summarizes a V8 .cpuprofile (from `node --cpu-prof`): self time per function and per file,
 * highest first, as shares of the busy (not idle) time. Usage:
 *   node dist/bench/tools/profile-summary.js FILE.cpuprofile [TOP] [--last SECONDS]
 * --last keeps only the final SECONDS of samples: a ladder's steps come after the server's
 * start-up and the clients' set-up (joins), which otherwise weigh in.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export function summarizeProfile(profile: Profile, top = 25, lastS: number | null = null): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  const at: number[] = [];
  profile.timeDeltas.reduce((t, delta, i) => (at[i] = t + delta), 0);
  const end = at.at(-1) ?? 0;
  const from = lastS === null ? -Infinity : end - lastS * 1e6;
  profile.samples.forEach((id, i) => {
    if ((at[i] ?? 0) >= from) self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const idle = [...self].filter(([id]) => byId.get(id)?.callFrame.functionName === '(idle)').reduce((a, [, v]) => a + v, 0);
  for (const [id] of self) if (byId.get(id)?.callFrame.functionName === '(idle)') self.delete(id);
  const total = [...self.values()].reduce((a, b) => a + b, 0) || 1;
  const perFunction = new Map<string, number>();
  const perFile = new Map<string, number>();
  for (const [id, micros] of self) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    const file = frame.url.replace(/^file:\/\//, '').replace(/.*node_modules\//, 'npm:') || '(native)';
    const fn = `${frame.functionName || '(anonymous)'} ${file}:${frame.lineNumber + 1}`;
    perFunction.set(fn, (perFunction.get(fn) ?? 0) + micros);
    perFile.set(file, (perFile.get(file) ?? 0) + micros);
  }
  const table = (map: Map<string, number>): string =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, micros]) => `${((micros / total) * 100).toFixed(1).padStart(5)}%  ${(micros / 1000).toFixed(0).padStart(7)} ms  ${name}`)
      .join('\n');
  return `busy ${(total / 1000).toFixed(0)} ms sampled (idle ${(idle / 1000).toFixed(0)} ms left out)${lastS === null ? "" : `, last ${lastS} s only`}\n\nself time by function:\n${table(perFunction)}\n\nself time by file:\n${table(perFile)}\n`;
}

const { values, positionals } = parseArgs({ options: { last: { type: 'string' } }, allowPositionals: true });
const [file, top] = positionals;
if (file) {
  const lastS = values.last === undefined ? null : Number(values.last);
  process.stdout.write(summarizeProfile(JSON.parse(readFileSync(file, 'utf8')) as Profile, Number(top ?? 25), lastS));
} else process.stderr.write('usage: node dist/bench/tools/profile-summary.js FILE.cpuprofile [TOP] [--last SECONDS]\n');
