import { randomUUID } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LocalBus } from '../../src/bus/local.js';
import { ConfigSchema } from '../../src/config.js';
import { Chat } from '../../src/core/chat.js';
import type { ChatEvent, ChatMessage, HistoryQuery } from '../../src/core/types.js';
import { attachSocketGateway, type SocketGateway } from '../../src/gateways/socketio/index.js';
import type { SocketLink } from '../../src/gateways/socketio/link.js';
import { MemoryStore } from '../../src/store/memory.js';
import { SioClient, sleep } from '../e2e/support/sio-client.js';

/**
 * The Socket.IO room mirrors (src/gateways/socketio/room-mirror.ts) against the core, which
 * is the source of truth: every delivery must reach exactly the core's recipients, and after
 * every change each mirror must hold exactly the room's Socket.IO members. (Each path that
 * changes membership, one at a time: socketio-mirror-paths.test.ts.) The gateway is attached to a bare HTTP server so the test can look at
 * socket.io's adapter and wrap the door and the adapter to compare each delivery.
 */

/** History reads wait while `gate` is set: holds a join's reply while the core already counts the member. */
class GatedStore extends MemoryStore {
  gate: Promise<void> | null = null;
  override async history(roomName: string, query: HistoryQuery): Promise<ChatMessage[]> {
    if (this.gate) await this.gate;
    return super.history(roomName, query);
  }
}

const store = new GatedStore();
let http: HttpServer;
let chat: Chat;
let gateway: SocketGateway;
let port: number;
const open: SioClient[] = [];

/** Per delivery: the socket ids the core's recipient set names, and the ids the adapter reached. */
const audit = { deliveries: 0, mismatches: [] as string[], roomBroadcasts: 0, idBroadcasts: 0 };
let expected: Set<string> | null = null;

beforeAll(async () => {
  // A small presence limit, so that joins beyond it publish no event: the mirror must not depend on them.
  const config = ConfigSchema.parse({ port: 0, tcpPort: 0, host: '127.0.0.1', logLevel: 'silent', console: false, presenceNoticeLimit: 14, historyOnJoin: 5, floodControl: false });
  chat = await Chat.create({ store, bus: new LocalBus(), clock: Date.now, newId: randomUUID, presenceNoticeLimit: 14, historyOnJoin: 5 });
  http = createServer();
  gateway = attachSocketGateway({ httpServer: http, chat, config, logger: pino({ level: 'silent' }) });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  port = (http.address() as AddressInfo).port;

  const door = gateway.door;
  const deliver = door.deliver.bind(door);
  door.deliver = (event: ChatEvent, to: ReadonlySet<SocketLink>, except?: SocketLink) => {
    expected = new Set([...to].filter((link) => link !== except && !link.closing).map((link) => link.socket.id));
    audit.deliveries++;
    try {
      deliver(event, to, except);
    } finally {
      expected = null;
    }
  };
  const adapter = gateway.io.sockets.adapter;
  const broadcast = adapter.broadcast.bind(adapter);
  adapter.broadcast = (packet, opts) => {
    if (expected !== null && opts.rooms.size > 0) {
      const reached = new Set<string>();
      adapter.apply(opts, (socket) => reached.add(socket.id));
      const missing = [...expected].filter((id) => !reached.has(id));
      const extra = [...reached].filter((id) => !expected?.has(id));
      if (missing.length > 0 || extra.length > 0) audit.mismatches.push(`${JSON.stringify(packet.data).slice(0, 80)}: missing ${missing.length}, extra ${extra.length}`);
      if ([...opts.rooms].some((room) => room.startsWith('#'))) audit.roomBroadcasts++;
      else audit.idBroadcasts++;
    }
    broadcast(packet, opts);
  };
});
afterEach(async () => {
  for (const c of open.splice(0)) c.close();
  for (let i = 0; i < 100 && chat.sessionCount > 0; i++) await sleep(20);
});
afterAll(async () => {
  await gateway.close();
  chat.close();
  await new Promise((resolve) => http.close(resolve));
});

const track = (c: SioClient): SioClient => (open.push(c), c);
/** The chat name of each client, to read mirrors by name. */
const names = new Map<SioClient, string>();
const named = (c: SioClient, name: string): SioClient => (names.set(c, name), c);

/** For every room: the names in its mirror, and the names the core lists, Socket.IO clients only. */
function compareMirrors(clients: SioClient[]): void {
  const nameOf = new Map<string, string>();
  for (const c of clients) {
    const name = names.get(c);
    if (c.socket.id !== undefined && name !== undefined) nameOf.set(c.socket.id, name);
  }
  const rooms = gateway.io.sockets.adapter.rooms;
  for (const summary of chat.listRooms()) {
    const core = (chat.members(summary.name) ?? []).map((u) => u.name).filter((n) => [...nameOf.values()].includes(n)).sort();
    const mirror = [...(rooms.get(`#${summary.name}`) ?? [])].map((id) => nameOf.get(id) ?? `?${id}`).sort();
    expect(mirror, `mirror of #${summary.name}`).toEqual(core);
  }
  for (const room of rooms.keys()) {
    if (room.startsWith('#')) expect(chat.roomExists(room.slice(1)), `stale mirror ${room}`).toBe(true);
  }
}

async function settle(): Promise<void> {
  await sleep(50);
}

describe('room mirrors', () => {
  it('follow the core through register, join, leave, classic moves, renames, resumes and disconnects', async () => {
    const ann = named(track(await SioClient.rich(port, 'ann')), 'ann');
    const ben = named(track(await SioClient.rich(port, 'ben')), 'ben');
    const cat = named(track(await SioClient.classic(port, 'cat', 'attic')), 'cat');
    const all = [ann, ben, cat];
    await settle();
    compareMirrors(all);

    await ann.request('join', { room: 'alpha' });
    await ben.request('join', { room: '#Alpha' });
    await ann.request('leave', { room: 'general' });
    compareMirrors(all);
    expect(await ben.request('leave', { room: 'nowhere' })).toMatchObject({ ok: false });
    compareMirrors(all);

    cat.socket.emit('joinRoom', { username: 'cat', room: 'alpha' });
    await cat.waitFor<{ text: string; room: string }>('message', (m) => m.text.startsWith('Welcome') && m.room === 'alpha');
    compareMirrors(all);
    cat.socket.emit('joinRoom', { username: 'kat', room: 'alpha' });
    await ann.waitFor<{ text: string }>('message', (m) => m.text === 'cat is now known as kat');
    named(cat, 'kat');
    compareMirrors(all);

    // A resume closes the stale session: out of its mirrors before the core says it left.
    const hello = (await ann.request('hello', { name: 'ann' })) as { ok: boolean };
    expect(hello.ok).toBe(false);
    const dan = named(track(await SioClient.connect(port)), 'dan');
    const first = (await dan.request('hello', { name: 'dan' })) as { resume: string };
    await dan.request('join', { room: 'alpha' });
    const dan2 = named(track(await SioClient.connect(port)), 'dan');
    expect(await dan2.request('hello', { name: 'dan', resume: first.resume })).toMatchObject({ ok: true });
    await settle();
    compareMirrors([ann, ben, cat, dan2]);

    ben.close();
    await ann.waitFor<{ text: string }>('message', (m) => m.text === 'ben has left the chat');
    compareMirrors([ann, cat, dan2]);
    expect(audit.mismatches).toEqual([]);
  });

  it('reach neither a leaving member nor miss a joining one while both are under way', async () => {
    const [ann, lea, jo] = await Promise.all(['ann', 'lea', 'jo'].map((n) => SioClient.rich(port, n).then(track)));
    for (const c of [ann, lea]) await c.request('join', { room: 'gate' });
    await ann.request('say', { room: 'gate', text: 'before' });
    let open = (): void => {};
    store.gate = new Promise((resolve) => (open = resolve));
    // jo is a member for the core at once; its join reply (and mirror) waits for the history.
    const joined = jo.request('join', { room: 'gate' });
    for (let i = 0; i < 100 && !chat.members('gate')?.some((u) => u.name === 'jo'); i++) await sleep(5);
    expect(await lea.request('leave', { room: 'gate' })).toMatchObject({ ok: true });
    await ann.request('say', { room: 'gate', text: 'during' });
    store.gate = null;
    open();
    expect(await joined).toMatchObject({ ok: true });
    await jo.waitFor<{ text: string }>('message', (m) => m.text === 'during');
    await jo.waitFor<{ text: string }>('message', (m) => m.text === 'lea has left the chat');
    await sleep(50);
    expect(lea.all<{ text: string }>('message').map((m) => m.text)).not.toContain('during');
    expect(lea.all<{ text: string }>('message').map((m) => m.text)).not.toContain('lea has left the chat');
    expect(audit.mismatches).toEqual([]);
  });

  it('deliver every room event to exactly the core recipients while members join and leave', async () => {
    const before = { ...audit, mismatches: audit.mismatches.length };
    const N = 24;
    const sender = track(await SioClient.rich(port, 'sender'));
    await sender.request('join', { room: 'race' });
    const clients = await Promise.all(Array.from({ length: N }, (_, i) => SioClient.rich(port, `r${i}`).then(track)));
    let sending = true;
    const sent: Promise<unknown>[] = [];
    const talk = (async () => {
      for (let i = 0; sending && i < 2000; i++) {
        sent.push(sender.request('say', { room: 'race', text: `m${i}` }));
        if (i % 4 === 0) await sleep(1);
      }
    })();
    // Each client joins and leaves a few times; some drop their connection while in the room.
    await Promise.all(
      clients.map(async (c, i) => {
        for (let round = 0; round < 8; round++) {
          await c.request('join', { room: 'race' });
          await sleep((i * 7 + round * 3) % 11);
          if (round === 7 && i % 5 === 0) {
            c.close();
            return;
          }
          await c.request('leave', { room: 'race' });
          await sleep((i * 3 + round) % 5);
        }
        await c.request('join', { room: 'race' });
      }),
    );
    sending = false;
    await talk;
    await Promise.all(sent);
    await settle();
    const alive = clients.filter((c) => c.socket.connected);
    named(sender, 'sender');
    clients.forEach((c, i) => named(c, `r${i}`));
    compareMirrors([sender, ...alive]);
    console.log(
      `mirror race: ${audit.deliveries - before.deliveries} deliveries, ${audit.roomBroadcasts - before.roomBroadcasts} to a mirror, ` +
        `${audit.idBroadcasts - before.idBroadcasts} to id lists`,
    );
    expect(audit.mismatches).toEqual([]);
    // Every room event went to the mirror, also while join replies were pending: it follows
    // the core's member set as the core changes it, so no id list is ever needed.
    expect(audit.roomBroadcasts - before.roomBroadcasts).toBeGreaterThan(100);
    expect(audit.idBroadcasts - before.idBroadcasts).toBe(0);
  }, 30_000);
});
