import { readFileSync } from 'node:fs';

/** Clock ticks per second of utime/stime in /proc/PID/stat (USER_HZ; 100 on every Linux we target). */
const USER_HZ = 100;

export interface ProcSample {
  /** User + system CPU seconds since the process started. */
  readonly cpuSeconds: number;
  /** Resident set size, KiB. */
  readonly rssKiB: number;
}

/** Reads CPU time and RSS of a process from /proc; null when /proc is absent or the process is gone. */
export function sampleProcess(pid: number): ProcSample | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 2 (comm) may contain spaces: split after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After comm, fields start at 3 (state): utime is field 14, stime field 15.
    const utime = Number(fields[14 - 3]);
    const stime = Number(fields[15 - 3]);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rss = /VmRSS:\s+(\d+)\s+kB/.exec(status);
    return { cpuSeconds: (utime + stime) / USER_HZ, rssKiB: rss ? Number(rss[1]) : 0 };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
