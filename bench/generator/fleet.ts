import type { BenchClient, ClientSpec } from './client.js';
import { openClient } from './dialects/index.js';
import type { Dialect } from './protocol.js';

/**
 * Opens clients with at most `concurrency` handshakes in flight; the whole fleet is bounded
 * by `deadlineMs`. Fails with the first error, after closing whatever had opened.
 */
export async function openFleet(
  dialect: Dialect,
  specs: readonly ClientSpec[],
  concurrency: number,
  deadlineMs: number,
): Promise<BenchClient[]> {
  const clients: BenchClient[] = [];
  const deadline = Date.now() + deadlineMs;
  let next = 0;
  let failure: Error | null = null;
  const worker = async (): Promise<void> => {
    while (failure === null && next < specs.length) {
      if (Date.now() > deadline) {
        failure = new Error(`opened ${clients.length} of ${specs.length} clients before the ${deadlineMs} ms deadline`);
        return;
      }
      const spec = specs[next++];
      if (!spec) return;
      try {
        clients.push(await openClient(dialect, spec));
      } catch (error) {
        failure ??= new Error(`client ${spec.name} (${clients.length} of ${specs.length} open): ${(error as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, specs.length)) }, worker));
  if (failure) {
    for (const client of clients) client.close();
    throw failure;
  }
  return clients;
}
