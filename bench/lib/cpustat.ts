import { readFileSync } from 'node:fs';

/** Busy and total jiffies of each CPU, from /proc/stat; empty when /proc is absent. */
export function sampleCpus(): Map<number, { busy: number; total: number }> {
  const out = new Map<number, { busy: number; total: number }>();
  let text: string;
  try {
    text = readFileSync('/proc/stat', 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return out;
    throw error;
  }
  for (const line of text.split('\n')) {
    const match = /^cpu(\d+)\s+(.*)$/.exec(line);
    if (!match) continue;
    const f = (match[2] ?? '').split(/\s+/).map(Number);
    const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = (f[3] ?? 0) + (f[4] ?? 0);
    out.set(Number(match[1]), { busy: total - idle, total });
  }
  return out;
}

/**
 * Percent of one CPU that was busy between two samples with work other than `ownSeconds`
 * (the CPU seconds our own process spent there): other processes, interrupts. A noise gauge.
 */
export function otherLoadPct(
  before: Map<number, { busy: number; total: number }>,
  after: Map<number, { busy: number; total: number }>,
  cpu: number,
  ownSeconds: number,
): number | null {
  const a = before.get(cpu);
  const b = after.get(cpu);
  if (!a || !b || b.total <= a.total) return null;
  const busy = (b.busy - a.busy) / (b.total - a.total);
  const wallSeconds = (b.total - a.total) / 100;
  return Math.max(0, Math.round((busy - ownSeconds / wallSeconds) * 1000) / 10);
}
