import { POSTGRES, startTestPostgres, type TestPostgres } from './postgres.js';
import { redisAvailable, REDIS_SKIP_REASON, redisRestartable, startRedis, type TestRedis } from './redis.js';
import { startTestServer, type TestServer } from './server.js';
import type { Config } from '../../src/config.js';

/** Why the cluster suites cannot run here, or null when PostgreSQL and Redis can be started. */
export const CLUSTER_SKIP_REASON: string | null =
  POSTGRES.kind === 'none' ? POSTGRES.reason : !redisAvailable ? REDIS_SKIP_REASON : !redisRestartable ? 'the cluster suites stop and start their own Redis; unset PARLEY_TEST_REDIS_URL' : null;

if (CLUSTER_SKIP_REASON !== null) console.warn(`Skipping the cluster suites: ${CLUSTER_SKIP_REASON}`);

/** A throwaway PostgreSQL and Redis for one test file. */
export interface ClusterServices {
  readonly postgres: TestPostgres;
  readonly redis: TestRedis;
  dispose(): Promise<void>;
}

export async function startClusterServices(): Promise<ClusterServices> {
  const postgres = await startTestPostgres();
  let redis: TestRedis;
  try {
    redis = await startRedis();
  } catch (error) {
    await postgres.dispose();
    throw error;
  }
  return {
    postgres,
    redis,
    dispose: async () => {
      await redis.dispose();
      await postgres.dispose();
    },
  };
}

/** Short TTLs so a dead node's users leave within a test's patience. */
export const TEST_TTL_SECONDS = 2;

/** `count` nodes in this process on one database and one Redis, each on its own free ports. */
export async function startNodes(count: number, databaseUrl: string, redisUrl: string, overrides: Partial<Config> = {}): Promise<TestServer[]> {
  const nodes: TestServer[] = [];
  try {
    for (let i = 1; i <= count; i++) {
      nodes.push(
        await startTestServer({ databaseUrl, redisUrl, nodeId: `node-${i}`, nameTtl: TEST_TTL_SECONDS, presenceTtl: TEST_TTL_SECONDS, ...overrides }),
      );
    }
  } catch (error) {
    for (const node of nodes) await node.dispose();
    throw error;
  }
  return nodes;
}
