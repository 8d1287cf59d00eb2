import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The repository root: this file runs as dist/bench/lib/paths.js. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const DIST = join(REPO_ROOT, 'dist');
export const RESULTS_DIR = join(REPO_ROOT, 'bench', 'results');
/** Git-ignored: scratch data, cached databases, logs and quick-run results. */
export const TMP_DIR = join(RESULTS_DIR, 'tmp');
