/**
 * Parley as one node or as a cluster, for the cluster scenarios (issue 8, section 5):
 *   parley-sqlite    one node, SQLite, in-process bus (the default; the reference)
 *   parley-pg-redis  one node on PostgreSQL and Redis
 *   parley-3-nodes   three nodes on one PostgreSQL and one Redis; the generator spreads
 *                    receivers and senders evenly over the nodes' TCP doors
 * Every process (Parley nodes, redis-server, the postmaster and its backends) is started fresh
 * for each ladder, pinned to the server's CPU, so that the whole cluster has the same one core
 * the single node has and the generator keeps the other; it is stopped by its own pid.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../lib/ports.js';
import { sampleProcess } from '../lib/procstat.js';
import { findPostgresBin, POSTGRES_INSTALL_HINT, startBenchPostgres, type BenchPostgres } from '../lib/services/postgres.js';
import { findRedisServer, REDIS_INSTALL_HINT, startBenchRedis, type BenchRedis } from '../lib/services/redis.js';
import { startParley } from './parley.js';
import { SubjectSkipped, type RunningSubject, type StartContext, type Subject, type SubjectSample } from './subject.js';

type Node = Omit<RunningSubject, 'endpoint'>;

interface ClusterShape {
  readonly name: string;
  readonly nodes: number;
  /** PostgreSQL + Redis; false = SQLite and the in-process bus. */
  readonly services: boolean;
}

export const CLUSTER_SHAPES: readonly ClusterShape[] = [
  { name: 'parley-sqlite', nodes: 1, services: false },
  { name: 'parley-pg-redis', nodes: 1, services: true },
  { name: 'parley-3-nodes', nodes: 3, services: true },
];

export function clusterSubject(shape: ClusterShape): Subject {
  return {
    name: shape.name,
    server: 'parley',
    door: 'tcp',
    baseline: false,
    nodes: shape.nodes,
    unavailable(context) {
      if (!existsSync(context.parleyCli)) return `Parley is not built (${context.parleyCli} missing)`;
      if (!shape.services) return null;
      if (findPostgresBin() === null) return `PostgreSQL is not installed (${POSTGRES_INSTALL_HINT})`;
      if (findRedisServer() === null) return `redis-server is not installed (${REDIS_INSTALL_HINT})`;
      return null;
    },
    start: (context) => startCluster(shape, context),
  };
}

async function startCluster(shape: ClusterShape, context: StartContext): Promise<RunningSubject> {
  const cpu = context.pinning.serverCpu;
  let postgres: BenchPostgres | null = null;
  let redis: BenchRedis | null = null;
  const nodes: Node[] = [];
  const stopAll = async (): Promise<void> => {
    await Promise.all(nodes.map((n) => n.stop()));
    await redis?.dispose();
    await postgres?.dispose();
  };
  try {
    if (shape.services) {
      // fsync on: PostgreSQL commits as durably as SQLite with DURABILITY=full (the default).
      postgres = await startBenchPostgres({ cpu, fsync: true });
      redis = await startBenchRedis({ cpu });
    }
    const env: NodeJS.ProcessEnv = postgres && redis ? { DATABASE_URL: postgres.url, REDIS_URL: redis.url } : { DATABASE_URL: undefined, REDIS_URL: undefined };
    const tcpPorts: number[] = [];
    const startNode = async (index: number): Promise<void> => {
      const ports = { httpPort: await freePort(), tcpPort: await freePort() };
      tcpPorts[index] = ports.tcpPort;
      const workDir = join(context.workDir, `node-${index + 1}`);
      mkdirSync(workDir, { recursive: true });
      const profileDir = context.profileDir === null ? null : join(context.profileDir, shape.name);
      if (profileDir !== null) mkdirSync(profileDir, { recursive: true });
      nodes.push(await startParley({ ...context, workDir, profileDir }, ports, { ...env, NODE_ID: `bench-${index + 1}` }));
    };
    // The first node creates (migrates) the schema; the others start once it is there.
    await startNode(0);
    await Promise.all(Array.from({ length: shape.nodes - 1 }, (_, k) => startNode(k + 1)));
    const services = { postgres, redis };
    return {
      pid: nodes[0]?.pid ?? 0,
      endpoint: { dialect: 'parley-text', port: tcpPorts[0] ?? 0, ports: tcpPorts, defaultRoom: 'general' },
      tail: () => [...nodes.map((n, k) => `[node ${k + 1}] ${n.tail().slice(-300)}`), ...(redis ? [`[redis] ${redis.tail().slice(-200)}`] : [])].join('\n'),
      alive: () => nodes.every((n) => n.alive()),
      stop: stopAll,
      sample: () => sampleCluster(nodes, services),
    };
  } catch (error) {
    await stopAll();
    if (error instanceof SubjectSkipped) throw error;
    throw new SubjectSkipped(`${shape.name} did not start: ${(error as Error).message}`);
  }
}

function sampleCluster(nodes: readonly Node[], services: { postgres: BenchPostgres | null; redis: BenchRedis | null }): SubjectSample | null {
  let cpuSeconds = 0;
  let rssKiB = 0;
  for (const node of nodes) {
    const own = sampleProcess(node.pid);
    if (own === null) return null;
    cpuSeconds += own.cpuSeconds;
    rssKiB += own.rssKiB;
  }
  const extra: Record<string, number> = {};
  if (services.redis) extra.redis = services.redis.cpuSeconds() ?? 0;
  if (services.postgres) extra.postgres = services.postgres.cpuSeconds() ?? 0;
  return { cpuSeconds, rssKiB, services: extra };
}
