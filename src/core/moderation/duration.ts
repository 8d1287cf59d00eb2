const UNITS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
/** A year: longer durations are refused (use a ban without a duration). */
export const MAX_DURATION_MS = 366 * 86_400_000;

/**
 * `30s`, `10m`, `2h`, `7d`, `1w` (a bare number is minutes) as milliseconds, or null when the
 * word is not a duration (a ban's optional duration is told apart from its reason this way).
 */
export function parseDuration(word: string): number | null {
  const match = /^(\d{1,6})([smhdw]?)$/i.exec(word);
  if (!match) return null;
  const ms = Number(match[1]) * (UNITS[(match[2] ?? '').toLowerCase() || 'm'] ?? 0);
  return ms > 0 && ms <= MAX_DURATION_MS ? ms : null;
}

/** Milliseconds as the largest whole unit or two: `2h 5m`, `45s`. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  const parts: string[] = [];
  let left = seconds;
  for (const [unit, size] of [['d', 86_400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
    if (left >= size && parts.length < 2) {
      parts.push(`${Math.floor(left / size)}${unit}`);
      left %= size;
    }
  }
  return parts.join(' ');
}
