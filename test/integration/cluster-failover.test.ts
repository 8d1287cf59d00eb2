import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../src/core/types.js';
import { CLUSTER_SKIP_REASON, startClusterServices, TEST_TTL_SECONDS, type ClusterServices } from '../helpers/cluster.js';
import { startServerProcess, type ServerProcess } from '../helpers/process.js';
import { eventually } from '../helpers/wait.js';
import { LineClient } from '../helpers/tcp-client.js';

type Json = Record<string, unknown>;

/** A JSON-lines sender that remembers what was acknowledged, refused, or left unanswered. */
class Sender {
  readonly acked = new Map<string, ChatMessage>();
  readonly refused = new Map<string, string>();
  client: LineClient;
  #next = 0;
  #seen = 0;

  constructor(client: LineClient, readonly prefix: string) {
    this.client = client;
  }

  static async hello(port: number, name: string): Promise<LineClient> {
    const client = await LineClient.open(port);
    client.json({ type: 'hello', id: 'hello', name });
    const welcome = await client.waitForJson((m) => m.re === 'hello');
    if (welcome.type !== 'welcome') {
      client.close();
      throw new Error(`hello refused: ${JSON.stringify(welcome)}`);
    }
    return client;
  }

  say(count: number): string[] {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const id = `${this.prefix}-${this.#next++}`;
      ids.push(id);
      this.client.json({ type: 'say', id, room: 'general', text: `message ${id}` });
    }
    return ids;
  }

  /** Reads the answers received so far on the current connection. */
  collect(): void {
    const lines = this.client.lines;
    for (; this.#seen < lines.length; this.#seen++) {
      const line = lines[this.#seen] ?? '';
      if (!line.startsWith('{')) continue;
      const value = JSON.parse(line) as Json;
      if (typeof value.re !== 'string' || !value.re.startsWith(this.prefix)) continue;
      if (value.type === 'ack') this.acked.set(value.re, value.message as ChatMessage);
      else if (value.type === 'error') this.refused.set(value.re, String(value.code));
    }
  }

  reconnectedTo(client: LineClient): void {
    this.collect();
    this.client = client;
    this.#seen = 0;
  }

  /** Every id sent and neither acknowledged nor refused. */
  unanswered(): string[] {
    this.collect();
    return Array.from({ length: this.#next }, (_, i) => `${this.prefix}-${i}`).filter((id) => !this.acked.has(id) && !this.refused.has(id));
  }

  resend(ids: readonly string[]): void {
    for (const id of ids) this.client.json({ type: 'say', id, room: 'general', text: `message ${id}` });
  }
}

async function allStored(port: number): Promise<ChatMessage[]> {
  const stored: ChatMessage[] = [];
  for (let after = 0, page = 0; page < 100; page++) {
    const response = await fetch(`http://127.0.0.1:${port}/api/rooms/general/messages?after=${after}&limit=500`);
    const body = (await response.json()) as { messages: ChatMessage[] };
    if (body.messages.length === 0) break;
    stored.push(...body.messages);
    after = body.messages[body.messages.length - 1]?.seq ?? after;
  }
  return stored;
}

describe.skipIf(CLUSTER_SKIP_REASON !== null)('a cluster losing a node, Redis or PostgreSQL', () => {
  let services: ClusterServices;
  let nodes: ServerProcess[] = [];
  const dirs: string[] = [];
  const clients: LineClient[] = [];

  beforeAll(async () => {
    services = await startClusterServices();
  }, 60_000);
  afterAll(async () => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    await services?.dispose();
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    for (const node of nodes) {
      if (node.child.exitCode === null && node.child.signalCode === null) node.child.kill('SIGTERM');
      await node.exited;
    }
    nodes = [];
  });

  async function startCluster(): Promise<ServerProcess[]> {
    const databaseUrl = await services.postgres.freshDatabaseUrl();
    for (let i = 1; i <= 3; i++) {
      const dir = mkdtempSync(join(tmpdir(), 'parley-node-'));
      dirs.push(dir);
      nodes.push(
        await startServerProcess({
          DATABASE_URL: databaseUrl,
          REDIS_URL: services.redis.url,
          NODE_ID: `n${i}`,
          NAME_TTL: String(TEST_TTL_SECONDS),
          PRESENCE_TTL: String(TEST_TTL_SECONDS),
          DATA_DIR: dir,
          CONSOLE: 'false',
        }),
      );
    }
    return nodes;
  }
  const keep = (client: LineClient): LineClient => {
    clients.push(client);
    return client;
  };

  it('loses nothing acked when a node is killed; its users leave, free their names and resume elsewhere', async () => {
    const [n1, n2, n3] = await startCluster();
    const port = (n: ServerProcess | undefined) => (n as ServerProcess).tcpPort;
    const watcher = keep(await Sender.hello(port(n3), 'watcher'));
    const victim = new Sender(keep(await Sender.hello(port(n1), 'erin')), 'erin');
    const bystander = new Sender(keep(await Sender.hello(port(n2), 'gus')), 'gus');
    const dave = keep(await LineClient.named(port(n1), 'dave'));
    void dave;

    victim.say(200);
    bystander.say(200);
    await eventually(async () => (victim.collect(), victim.acked.size >= 50), 10_000, '50 acks before the kill');
    (n1 as ServerProcess).child.kill('SIGKILL');
    await (n1 as ServerProcess).exited;
    const lostAt = Date.now();

    // The survivors announce the dead node's users as gone, within the presence TTL (+ a sweep).
    await watcher.waitForJson((m) => m.type === 'leave' && (m.user as Json).name === 'erin', 15_000);
    await watcher.waitForJson((m) => m.type === 'leave' && (m.user as Json).name === 'dave', 15_000);
    const announcedAfter = Date.now() - lostAt;
    expect(announcedAfter).toBeLessThan((TEST_TTL_SECONDS * 2 + 5) * 1000);

    // erin reconnects to another node under her name once it is free, and resends what was not answered.
    let again: LineClient | null = null;
    const deadline = Date.now() + 15_000;
    while (again === null && Date.now() < deadline) {
      again = await Sender.hello(port(n2), 'erin').catch(async () => {
        await new Promise((r) => setTimeout(r, 200));
        return null;
      });
    }
    expect(again, 'erin could take her name back on another node').not.toBeNull();
    victim.reconnectedTo(keep(again as LineClient));
    const unanswered = victim.unanswered();
    victim.resend(unanswered);
    await eventually(async () => victim.unanswered().length === 0, 15_000, 'every resent message answered');
    await eventually(async () => (bystander.collect(), bystander.unanswered().length === 0), 15_000, "the bystander's messages answered");

    const stored = await allStored((n3 as ServerProcess).httpPort);
    expect(stored.map((m) => m.seq)).toEqual(Array.from({ length: stored.length }, (_, i) => i + 1));
    const texts = stored.map((m) => m.text);
    expect(new Set(texts).size).toBe(texts.length); // no duplicate, retries included
    for (const sender of [victim, bystander]) {
      for (const [id, message] of sender.acked) expect(stored.find((m) => m.id === message.id)?.text).toBe(`message ${id}`);
    }
    expect(stored.length).toBe(400 - victim.refused.size - bystander.refused.size);

    // The watcher saw every stored message once, in order (filled from the store where the bus lost any).
    await eventually(async () => watcher.lines.filter((l) => l.includes('"type":"message"')).length >= stored.length, 20_000, 'the watcher caught up');
    const seen = watcher.lines.flatMap((l) => (l.includes('"type":"message"') ? [(JSON.parse(l) as { message: ChatMessage }).message.seq] : []));
    expect(seen).toEqual(stored.map((m) => m.seq));
  }, 90_000);

  it('refuses sends while Redis is down, reports not ready, and carries on when it is back', async () => {
    const [n1, n2] = await startCluster();
    const alice = new Sender(keep(await Sender.hello((n1 as ServerProcess).tcpPort, 'alice')), 'alice');
    const bob = keep(await Sender.hello((n2 as ServerProcess).tcpPort, 'bob'));
    alice.say(20);
    await eventually(async () => (alice.collect(), alice.acked.size === 20), 10_000, 'acks before the outage');

    await services.redis.stop();
    await eventually(async () => (await fetch(`http://127.0.0.1:${(n1 as ServerProcess).httpPort}/api/health/ready`)).status === 503, 10_000, 'not ready without Redis');
    const during = alice.say(5);
    await eventually(async () => (alice.collect(), during.every((id) => alice.refused.get(id) === 'bus_unavailable')), 10_000, 'sends refused with bus_unavailable');

    await services.redis.start();
    await eventually(async () => (await fetch(`http://127.0.0.1:${(n1 as ServerProcess).httpPort}/api/health/ready`)).status === 200, 20_000, 'ready again');
    await eventually(async () => (await fetch(`http://127.0.0.1:${(n2 as ServerProcess).httpPort}/api/health/ready`)).status === 200, 20_000, 'ready again');
    // Names and presence were lost with Redis's data: both users' sessions carry on.
    const after = alice.say(5);
    await eventually(async () => (alice.collect(), after.every((id) => alice.acked.has(id))), 15_000, 'sends work again');
    const last = alice.acked.get(after[after.length - 1] as string) as ChatMessage;
    await bob.waitForJson((m) => m.type === 'message' && (m.message as ChatMessage).id === last.id, 10_000);

    const stored = await allStored((n2 as ServerProcess).httpPort);
    for (const message of alice.acked.values()) expect(stored.some((m) => m.id === message.id)).toBe(true);
    for (const id of during) expect(stored.some((m) => m.text === `message ${id}`)).toBe(false);
  }, 90_000);

  it('refuses sends while PostgreSQL is down, acks nothing unstored, and works when it is back', async () => {
    const [n1] = await startCluster();
    const alice = new Sender(keep(await Sender.hello((n1 as ServerProcess).tcpPort, 'alice')), 'alice');
    alice.say(10);
    await eventually(async () => (alice.collect(), alice.acked.size === 10), 10_000, 'acks before the outage');

    await services.postgres.stop();
    const during = alice.say(5);
    await eventually(async () => (alice.collect(), during.every((id) => alice.refused.get(id) === 'store_unavailable')), 20_000, 'sends refused with store_unavailable');
    await services.postgres.start();
    const after = alice.say(5);
    await eventually(async () => (alice.collect(), after.every((id) => alice.acked.has(id))), 20_000, 'sends work again');
    const stored = await allStored((n1 as ServerProcess).httpPort);
    expect(stored.map((m) => m.seq)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
  }, 90_000);
});
