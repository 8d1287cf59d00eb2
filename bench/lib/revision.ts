import { spawnSync } from 'node:child_process';
import { dirname } from 'node:path';

/** The git commit of the tree a file belongs to (read-only git calls), and whether src/ differs from it. */
export function revisionOf(file: string): { commit: string | null; srcDirty: boolean | null } {
  const cwd = dirname(file);
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd, encoding: 'utf8' });
  if (head.error || head.status !== 0) return { commit: null, srcDirty: null };
  const top = spawnSync('git', ['rev-parse', '--show-toplevel'], { cwd, encoding: 'utf8' }).stdout.trim();
  const status = spawnSync('git', ['status', '--porcelain', '--', 'src'], { cwd: top || cwd, encoding: 'utf8' });
  return { commit: head.stdout.trim(), srcDirty: status.status === 0 ? status.stdout.trim() !== '' : null };
}
