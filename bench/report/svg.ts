import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { populations } from './find.js';
import { stem } from './json.js';
import type { BenchResult, LadderRun } from './result.js';

const COLORS: Readonly<Record<string, string>> = {
  'parley-tcp': '#1f77b4',
  'parley-socketio': '#17becf',
  'naive-tcp': '#d62728',
  'naive-socketio': '#ff7f0e',
  inspircd: '#2ca02c',
  'parley-sqlite': '#1f77b4',
  'parley-pg-redis': '#9467bd',
  'parley-3-nodes': '#8c564b',
};
const PANEL_W = 420;
const PANEL_H = 240;
const PAD = { left: 64, right: 16, top: 34, bottom: 40 };

interface Panel {
  readonly title: string;
  readonly yLabel: string;
  readonly ladders: readonly LadderRun[];
  readonly value: (row: LadderRun['rows'][number]) => number | null;
  /** Horizontal reference line (e.g. the 50 ms p99 limit). */
  readonly limit?: number;
}

/**
 * An SVG chart: for every fan-out population, deliveries per second and p99 latency against
 * the offered rate, one line per server (log scales). Failed steps are hollow markers,
 * generator-bound steps squares.
 */
export function renderChart(result: BenchResult): string {
  const rows: Array<[Panel, Panel]> = [];
  for (const s of result.scenarios) {
    for (const pop of populations(s)) {
      const ladders = (s.ladders ?? []).filter((l) => l.label === pop.label && l.rows.length > 0);
      if (ladders.length === 0) continue;
      const title = `${s.title}, ${pop.label}`;
      rows.push([
        { title: `${title}: deliveries per second`, yLabel: 'deliveries/s', ladders, value: (r) => r.deliveriesPerS },
        { title: `${title}: p99 latency`, yLabel: 'p99 ms', ladders, value: (r) => r.latencyMs.p99, limit: 50 },
      ]);
    }
  }
  const legendH = 28;
  const width = PANEL_W * 2 + 260;
  const height = legendH + Math.max(1, rows.length) * PANEL_H;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    legend(new Set(rows.flatMap(([left]) => left.ladders.map((l) => l.subject)))),
  ];
  if (rows.length === 0) parts.push(`<text x="20" y="${legendH + 30}">No fan-out scenario ran.</text>`);
  rows.forEach(([left, right], i) => {
    parts.push(panel(left, 0, legendH + i * PANEL_H), panel(right, PANEL_W, legendH + i * PANEL_H));
  });
  parts.push('</svg>');
  return parts.join('\n');
}

export function writeChart(dir: string, result: BenchResult): string {
  const path = join(dir, `${stem(result)}.svg`);
  writeFileSync(path, renderChart(result));
  return path;
}

/** One entry per server that appears in the chart (all of them when none ran). */
function legend(present: ReadonlySet<string>): string {
  const entries = Object.entries(COLORS).filter(([name]) => present.size === 0 || present.has(name));
  return (
    entries.map(([name, color], i) => `<rect x="${12 + i * 130}" y="9" width="12" height="12" fill="${color}"/><text x="${28 + i * 130}" y="19">${name}</text>`).join('') +
    `<text x="${12 + entries.length * 130}" y="19" fill="#555">filled: passed; hollow: failed; square: generator-bound</text>`
  );
}

function panel(p: Panel, x0: number, y0: number): string {
  const rates = p.ladders.flatMap((l) => l.rows.map((r) => r.rate));
  const values = p.ladders.flatMap((l) => l.rows.map(p.value)).filter((v): v is number => v !== null && v > 0);
  if (p.limit !== undefined) values.push(p.limit);
  const xMin = Math.log2(Math.min(...rates));
  const xMax = Math.max(xMin + 1, Math.log2(Math.max(...rates)));
  const yMin = Math.floor(Math.log10(Math.max(1e-3, Math.min(...values))));
  const yMax = Math.max(yMin + 1, Math.ceil(Math.log10(Math.max(...values))));
  const w = PANEL_W - PAD.left - PAD.right;
  const h = PANEL_H - PAD.top - PAD.bottom;
  const sx = (rate: number): number => x0 + PAD.left + ((Math.log2(rate) - xMin) / (xMax - xMin)) * w;
  const sy = (v: number): number => y0 + PAD.top + h - ((Math.log10(Math.max(v, 10 ** yMin)) - yMin) / (yMax - yMin)) * h;
  const out = [
    `<text x="${x0 + PAD.left}" y="${y0 + 20}" font-weight="bold">${escape(p.title)}</text>`,
    `<rect x="${x0 + PAD.left}" y="${y0 + PAD.top}" width="${w}" height="${h}" fill="none" stroke="#999"/>`,
    `<text x="${x0 + PAD.left + w / 2}" y="${y0 + PANEL_H - 6}" text-anchor="middle">offered msg/s</text>`,
    `<text x="${x0 + 14}" y="${y0 + PAD.top + h / 2}" text-anchor="middle" transform="rotate(-90 ${x0 + 14} ${y0 + PAD.top + h / 2})">${p.yLabel}</text>`,
  ];
  for (const rate of [...new Set(rates)].sort((a, b) => a - b)) {
    out.push(`<text x="${sx(rate)}" y="${y0 + PAD.top + h + 14}" text-anchor="middle" font-size="9">${compact(rate)}</text>`);
  }
  for (let e = yMin; e <= yMax; e++) {
    const y = sy(10 ** e);
    out.push(`<line x1="${x0 + PAD.left}" x2="${x0 + PAD.left + w}" y1="${y}" y2="${y}" stroke="#eee"/>`);
    out.push(`<text x="${x0 + PAD.left - 4}" y="${y + 3}" text-anchor="end" font-size="9">${compact(10 ** e)}</text>`);
  }
  if (p.limit !== undefined) {
    const y = sy(p.limit);
    out.push(`<line x1="${x0 + PAD.left}" x2="${x0 + PAD.left + w}" y1="${y}" y2="${y}" stroke="#888" stroke-dasharray="4 3"/>`);
  }
  for (const l of p.ladders) {
    const color = COLORS[l.subject] ?? '#555';
    const points = l.rows.map((r) => ({ r, v: p.value(r) })).filter((q): q is { r: typeof q.r; v: number } => q.v !== null && q.v > 0);
    if (points.length > 1) {
      out.push(`<polyline fill="none" stroke="${color}" stroke-width="1.5" points="${points.map((q) => `${sx(q.r.rate).toFixed(1)},${sy(q.v).toFixed(1)}`).join(' ')}"/>`);
    }
    for (const q of points) {
      const fill = q.r.pass ? color : 'white';
      const [x, y] = [sx(q.r.rate), sy(q.v)];
      if (q.r.generatorBound) out.push(`<rect x="${(x - 3.5).toFixed(1)}" y="${(y - 3.5).toFixed(1)}" width="7" height="7" fill="${fill}" stroke="${color}"/>`);
      else out.push(`<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="3" fill="${fill}" stroke="${color}"/>`);
    }
  }
  return out.join('\n');
}

function compact(v: number): string {
  if (v >= 1e6) return `${v / 1e6}M`;
  if (v >= 1e3) return `${v / 1e3}k`;
  return String(v);
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
}
