import { readdirSync, readFileSync } from 'node:fs';

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

/**
 * CPU seconds of a process and everything it forked: its own time, the time of its children it
 * has reaped (cutime/cstime), and the time of its children still running (and theirs). For a
 * multi-process server such as PostgreSQL (postmaster, one backend per connection, background
 * workers). Continuous across a child's exit: its time moves from the live sum to cutime.
 * Null when the process is gone.
 */
export function sampleProcessTree(pid: number): number | null {
  const children = childrenByParent();
  const seen = new Set<number>();
  const visit = (p: number): number | null => {
    if (seen.has(p)) return 0;
    seen.add(p);
    const own = readTimes(p);
    if (own === null) return null;
    let sum = own;
    for (const child of children.get(p) ?? []) sum += visit(child) ?? 0;
    return sum;
  };
  return visit(pid);
}

/** utime + stime + cutime + cstime of a process, in seconds; null when it is gone. */
function readTimes(pid: number): number | null {
  const fields = statFields(pid);
  if (fields === null) return null;
  // Fields 14-17 (1-based, counting comm as 2): utime, stime, cutime, cstime.
  return [14, 15, 16, 17].reduce((sum, n) => sum + Number(fields[n - 3]), 0) / USER_HZ;
}

/** Fields of /proc/PID/stat after comm (index 0 = field 3, state); null when the process is gone. */
function statFields(pid: number): string[] | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ESRCH') return null;
    throw error;
  }
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** Parent pid -> child pids, from every /proc/PID/stat readable now. */
function childrenByParent(): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(Number(entry));
    if (fields === null) continue;
    const parent = Number(fields[4 - 3]);
    const list = out.get(parent);
    if (list) list.push(Number(entry));
    else out.set(parent, [Number(entry)]);
  }
  return out;
}
