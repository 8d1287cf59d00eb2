import type { GeneratorHandle } from '../generator/handle.js';
import type { Pinning } from '../lib/proc.js';
import type { Progress } from '../lib/progress.js';
import type { ScenarioResult } from '../report/result.js';

export interface ScenarioContext {
  readonly quick: boolean;
  readonly pinning: Pinning;
  readonly progress: Progress;
  /** --server filter; empty = every server. */
  readonly servers: readonly string[];
  readonly parleyEnv: Readonly<Record<string, string>>;
  readonly profileDir: string | null;
  readonly parleyCli: string;
  /** Scratch folder of this run (git-ignored). */
  readonly workRoot: string;
  /** Cache of generated databases (git-ignored, kept between runs). */
  readonly cacheDir: string;
  /** Starts the generator lazily: the storage and start-up scenarios do not need one. */
  generator(): GeneratorHandle;
}

export interface Scenario {
  readonly name: string;
  readonly title: string;
  run(context: ScenarioContext): Promise<ScenarioResult>;
}
