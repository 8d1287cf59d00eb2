import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { SkipRecord } from '../report/result.js';
import { SubjectSkipped, type RunningSubject, type Subject } from '../targets/subject.js';
import type { ScenarioContext } from './scenario.js';

let runSeq = 0;

/**
 * Starts a fresh server for `subject`, runs `body` against it, and always stops the server
 * (by its own pid) and removes its data. A subject that cannot run here, or whose door does
 * not answer, becomes a SkipRecord with the printed reason.
 */
export async function withSubject<T>(
  subject: Subject,
  context: ScenarioContext,
  body: (server: RunningSubject) => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; skip: SkipRecord }> {
  const skip = (reason: string): { ok: false; skip: SkipRecord } => {
    context.progress.line(`  skip ${subject.name}: ${reason}`);
    return { ok: false, skip: { subject: subject.name, reason } };
  };
  const missing = subject.unavailable(context);
  if (missing !== null) return skip(missing);
  const workDir = join(context.workRoot, `${String(++runSeq).padStart(2, '0')}-${subject.name}`);
  mkdirSync(workDir, { recursive: true });
  let server: RunningSubject;
  try {
    server = await subject.start({ pinning: context.pinning, workDir, parleyEnv: context.parleyEnv, profileDir: context.profileDir, parleyCli: context.parleyCli });
  } catch (error) {
    if (error instanceof SubjectSkipped) return skip(error.message);
    throw error;
  }
  try {
    return { ok: true, value: await body(server) };
  } finally {
    await server.stop();
    rmSync(join(workDir, 'data'), { recursive: true, force: true });
  }
}
