/**
 * How many inputs each property-based fuzz target tries. CI runs a bounded number (seconds per
 * target); `npm run fuzz -- --runs N` sets FUZZ_RUNS for long campaigns.
 */
export function fuzzRuns(ciDefault = 300): number {
  const fromEnv = Number(process.env.FUZZ_RUNS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : ciDefault;
}

/** fast-check parameters shared by every fuzz target: bounded runs, a seed printed on failure. */
export function fuzzParams(ciDefault = 300): { numRuns: number; seed?: number; verbose: number } {
  const seed = Number(process.env.FUZZ_SEED);
  return { numRuns: fuzzRuns(ciDefault), ...(Number.isInteger(seed) ? { seed } : {}), verbose: 1 };
}
