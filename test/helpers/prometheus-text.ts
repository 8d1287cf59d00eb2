/** One sample of a Prometheus text exposition. */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const SAMPLE = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (\\S+)(?: -?\\d+)?$`);
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(?:,|$)/y;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

/**
 * Parses Prometheus text format 0.0.4 strictly enough for tests: every line must be a HELP or
 * TYPE comment of the right shape, or a sample with well-formed labels and a number; a sample's
 * family must have been typed first. Throws on the first line that is not.
 */
export function parsePrometheusText(text: string): Sample[] {
  const samples: Sample[] = [];
  const typed = new Map<string, string>();
  text.split('\n').forEach((line, index) => {
    const where = `line ${index + 1}: ${line}`;
    if (line === '') return;
    if (line.startsWith('#')) {
      const comment = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
      if (!comment) throw new Error(`bad comment, ${where}`);
      if (comment[1] === 'TYPE') {
        if (!TYPES.has(comment[3] ?? '')) throw new Error(`bad type, ${where}`);
        typed.set(comment[2] ?? '', comment[3] ?? '');
      }
      return;
    }
    const match = SAMPLE.exec(line);
    if (!match) throw new Error(`bad sample, ${where}`);
    const name = match[1] ?? '';
    const family = [...typed.keys()].find((f) => name === f || name === `${f}_bucket` || name === `${f}_sum` || name === `${f}_count`);
    if (family === undefined) throw new Error(`sample of an untyped family, ${where}`);
    const labels: Record<string, string> = {};
    const body = match[2] ?? '';
    LABEL.lastIndex = 0;
    while (LABEL.lastIndex < body.length) {
      const label = LABEL.exec(body);
      if (!label) throw new Error(`bad labels, ${where}`);
      labels[label[1] ?? ''] = (label[2] ?? '').replace(/\\(.)/g, (_m, c: string) => (c === 'n' ? '\n' : c));
    }
    const raw = match[3] ?? '';
    // As Prometheus reads them (Go's ParseFloat): NaN and Inf in any case (prom-client writes
    // "Nan" for an event-loop lag with no samples yet).
    const special = raw.toLowerCase();
    const value = special === '+inf' || special === 'inf' ? Infinity : special === '-inf' ? -Infinity : Number(raw);
    if (Number.isNaN(value) && special !== 'nan') throw new Error(`bad value, ${where}`);
    samples.push({ name, labels, value });
  });
  return samples;
}

/** The value of the one sample named `name` whose labels include `labels`; 0 when there is none. */
export function valueOf(samples: readonly Sample[], name: string, labels: Readonly<Record<string, string>> = {}): number {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return found[0]?.value ?? 0;
}
