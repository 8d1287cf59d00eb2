import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../src/core/types.js';
import { CLUSTER_SKIP_REASON, startClusterServices, startNodes, type ClusterServices } from '../helpers/cluster.js';
import { eventually } from '../helpers/wait.js';
import type { TestServer } from '../helpers/server.js';
import { LineClient } from '../helpers/tcp-client.js';
import { SioClient } from '../e2e/support/sio-client.js';

type Json = Record<string, unknown>;

/** A JSON-lines client past its hello. */
async function jsonClient(port: number, name: string, room?: string): Promise<LineClient> {
  const client = await LineClient.open(port);
  client.json({ type: 'hello', id: 'hello', name, room });
  const welcome = await client.waitForJson((m) => m.re === 'hello');
  if (welcome.type !== 'welcome') throw new Error(`hello refused: ${JSON.stringify(welcome)}`);
  return client;
}

function jsonMessages(client: LineClient, room: string): ChatMessage[] {
  return client.lines.flatMap((line) => {
    if (!line.startsWith('{')) return [];
    const value = JSON.parse(line) as Json;
    const message = value.message as ChatMessage | undefined;
    return value.type === 'message' && message?.room === room ? [message] : [];
  });
}

describe.skipIf(CLUSTER_SKIP_REASON !== null)('three nodes on one PostgreSQL and one Redis', () => {
  let services: ClusterServices;
  let nodes: TestServer[] = [];
  const clients: Array<{ close(): void }> = [];

  beforeAll(async () => {
    services = await startClusterServices();
  }, 60_000);
  afterAll(async () => {
    await services?.dispose();
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    for (const node of nodes) await node.dispose();
    nodes = [];
  });

  const start = async (): Promise<TestServer[]> => {
    nodes = await startNodes(3, await services.postgres.freshDatabaseUrl(), services.redis.url);
    return nodes;
  };
  const keep = <C extends { close(): void }>(client: C): C => {
    clients.push(client);
    return client;
  };

  it('relays a message from any door on any node to every member on every node', async () => {
    const [a, b, c] = await start();
    const alice = keep(await LineClient.named((a as TestServer).tcpPort, 'alice'));
    const bob = keep(await jsonClient((b as TestServer).tcpPort, 'bob'));
    const carol = keep(await SioClient.rich((c as TestServer).httpPort, 'carol'));

    alice.send('hello from nc');
    const atBob = await bob.waitForJson<{ message: ChatMessage }>((m) => m.type === 'message');
    expect(atBob.message).toMatchObject({ author: 'alice', text: 'hello from nc', room: 'general' });
    await carol.waitFor('message', (p) => (p as Json).text === 'hello from nc');

    const sent = await carol.request('say', { room: 'general', text: 'hello from the browser' });
    expect(sent.ok).toBe(true);
    await alice.waitFor('carol: hello from the browser');
    const again = await bob.waitForJson<{ message: ChatMessage }>((m) => m.type === 'message' && (m.message as Json).author === 'carol');
    expect(again.message.seq).toBe(atBob.message.seq + 1);
  });

  it('gives two senders on two nodes one order, the store\'s, at every member', async () => {
    const [a, b, c] = await start();
    const PER_SENDER = 1000;
    const s1 = keep(await jsonClient((a as TestServer).tcpPort, 'sender1'));
    const s2 = keep(await jsonClient((b as TestServer).tcpPort, 'sender2'));
    const receivers = [
      keep(await jsonClient((a as TestServer).tcpPort, 'r1')),
      keep(await jsonClient((b as TestServer).tcpPort, 'r2')),
      keep(await jsonClient((c as TestServer).tcpPort, 'r3')),
    ];
    for (let i = 0; i < PER_SENDER; i++) {
      s1.json({ type: 'say', id: `a${i}`, room: 'general', text: `a ${i}` });
      s2.json({ type: 'say', id: `b${i}`, room: 'general', text: `b ${i}` });
    }
    const total = 2 * PER_SENDER;
    for (const r of receivers) await eventually(async () => jsonMessages(r, 'general').length >= total, 30_000, `${total} messages at a receiver`);

    const stored: ChatMessage[] = [];
    for (let after = 0; stored.length < total; ) {
      const page = await (await fetch(`http://127.0.0.1:${(c as TestServer).httpPort}/api/rooms/general/messages?after=${after}&limit=500`)).json() as { messages: ChatMessage[] };
      if (page.messages.length === 0) break;
      stored.push(...page.messages);
      after = page.messages[page.messages.length - 1]?.seq ?? after;
    }
    expect(stored.map((m) => m.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    for (const r of receivers) expect(jsonMessages(r, 'general').map((m) => m.id)).toEqual(stored.map((m) => m.id));
    // Each sender saw the other's messages in the same order too (its own come back as acks).
    const others = jsonMessages(s1, 'general');
    expect(others.map((m) => m.id)).toEqual(stored.filter((m) => m.author === 'sender2').map((m) => m.id));
  }, 60_000);

  it('lets exactly one of two nodes give out a name asked for at the same instant', async () => {
    const [a, b] = await start();
    for (let round = 0; round < 10; round++) {
      const name = `race${round}`;
      const [one, two] = await Promise.all([LineClient.open((a as TestServer).tcpPort), LineClient.open((b as TestServer).tcpPort)]);
      keep(one as LineClient);
      keep(two as LineClient);
      (one as LineClient).json({ type: 'hello', id: 'h', name });
      (two as LineClient).json({ type: 'hello', id: 'h', name });
      const answers = await Promise.all([one, two].map((c) => (c as LineClient).waitForJson((m) => m.re === 'h')));
      expect(answers.map((m) => m.type).sort()).toEqual(['error', 'welcome']);
      expect(answers.find((m) => m.type === 'error')).toMatchObject({ code: 'name_taken' });
    }
  });

  it('lists members of every node in /who, roomUsers and the API, and carries private messages across nodes', async () => {
    const [a, b, c] = await start();
    const alice = keep(await LineClient.named((a as TestServer).tcpPort, 'alice'));
    const bob = keep(await jsonClient((b as TestServer).tcpPort, 'bob'));
    const carol = keep(await SioClient.classic((c as TestServer).httpPort, 'carol', 'general'));

    const roomUsers = await carol.waitFor<{ users: Array<{ username: string }> }>("roomUsers", (p) => p.users.length === 3, 10_000);
    expect(roomUsers.users.map((u) => u.username).sort()).toEqual(['alice', 'bob', 'carol']);

    bob.json({ type: 'who', id: 'w', room: 'general' });
    const who = await bob.waitForJson<{ users: Array<{ name: string }> }>((m) => m.re === 'w');
    expect(who.users.map((u) => u.name).sort()).toEqual(['alice', 'bob', 'carol']);

    alice.send('/who');
    await alice.waitFor((l) => /alice/.test(l) && /bob/.test(l) && /carol/.test(l));

    const api = (await (await fetch(`http://127.0.0.1:${(a as TestServer).httpPort}/api/rooms/general/users`)).json()) as { users: Array<{ name: string }> };
    expect(api.users.map((u) => u.name).sort()).toEqual(['alice', 'bob', 'carol']);
    const listed = (await (await fetch(`http://127.0.0.1:${(b as TestServer).httpPort}/api/rooms`)).json()) as { rooms: Array<{ name: string; members: number }> };
    expect(listed.rooms.find((r) => r.name === 'general')?.members).toBe(3);

    alice.send('/msg bob psst, across nodes');
    const pm = await bob.waitForJson((m) => m.type === 'private');
    expect(pm).toMatchObject({ from: 'alice', text: 'psst, across nodes' });
    bob.json({ type: 'msg', id: 'pm', to: 'carol', text: 'and to the browser' });
    expect(await bob.waitForJson((m) => m.re === 'pm')).toMatchObject({ type: 'private_sent', to: 'carol' });
    await carol.waitFor('private', (p) => (p as Json).text === 'and to the browser');
    bob.json({ type: 'msg', id: 'nobody', to: 'nobody', text: 'hello?' });
    expect(await bob.waitForJson((m) => m.re === 'nobody')).toMatchObject({ type: 'error', code: 'no_such_user' });
  });

  it('tells every node when a user leaves, and frees the name everywhere', async () => {
    const [a, b] = await start();
    const alice = keep(await LineClient.named((a as TestServer).tcpPort, 'alice'));
    const bob = keep(await jsonClient((b as TestServer).tcpPort, 'bob'));
    alice.send('/quit');
    expect(await bob.waitForJson((m) => m.type === 'leave')).toMatchObject({ user: { name: 'alice' } });
    keep(await jsonClient((b as TestServer).tcpPort, 'alice'));
  });
});
