import { randomUUID } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalBus } from '../../src/bus/local.js';
import { ConfigSchema } from '../../src/config.js';
import { Chat } from '../../src/core/chat.js';
import type { ChatEvent, ChatMessage, HistoryQuery } from '../../src/core/types.js';
import { attachSocketGateway, type SocketGateway } from '../../src/gateways/socketio/index.js';
import type { SocketLink } from '../../src/gateways/socketio/link.js';
import { MemoryStore } from '../../src/store/memory.js';
import { SioClient, sleep } from '../e2e/support/sio-client.js';

/**
 * Room mirrors follow the core's own membership calls (Door.membership), whatever path changed
 * it: classic `joinRoom`, rich `join`/`leave`, `/join` and `/leave` typed in a classic
 * `chatMessage`, a disconnect, the kick of a slow reader. After each step: the mirror of every
 * room holds exactly the room's Socket.IO members (also while a join's reply is still pending,
 * when the core already counts the member), every room event goes out as one broadcast to a
 * mirror, and a message reaches each member of its room exactly once and nobody else.
 */

/** History reads wait while `gate` is set: holds a join's reply while the core already counts the member. */
class GatedStore extends MemoryStore {
  gate: Promise<void> | null = null;
  override async history(roomName: string, query: HistoryQuery): Promise<ChatMessage[]> {
    if (this.gate) await this.gate;
    return super.history(roomName, query);
  }
}

const ROOM_EVENTS = new Set<ChatEvent['type']>(['message', 'join', 'leave', 'typing']);
const store = new GatedStore();
let http: HttpServer;
let chat: Chat;
let gateway: SocketGateway;
let port: number;
/** Room events the door broadcast, by how: to a mirror, or to a list of socket ids. */
const sent = { toMirror: 0, toIds: 0 };
let roomEvent = false;
/** Every client of the test by chat name, to read mirrors by name. */
const clients = new Map<string, SioClient>();

beforeAll(async () => {
  const limits = { maxOutbufBytes: 256 * 1024, maxMessageLength: 100_000 };
  // Flood control off: the test sends faster than any per-socket budget allows.
  const config = ConfigSchema.parse({ port: 0, tcpPort: 0, host: '127.0.0.1', logLevel: 'silent', console: false, historyOnJoin: 5, floodControl: false, ...limits });
  chat = await Chat.create({ store, bus: new LocalBus(), clock: Date.now, newId: randomUUID, historyOnJoin: 5, maxMessageLength: limits.maxMessageLength });
  http = createServer();
  gateway = attachSocketGateway({ httpServer: http, chat, config, logger: pino({ level: process.env.MIRROR_LOG ?? 'silent' }) });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  port = (http.address() as AddressInfo).port;

  const door = gateway.door;
  const deliver = door.deliver.bind(door);
  door.deliver = (event: ChatEvent, to: ReadonlySet<SocketLink>, except?: SocketLink) => {
    roomEvent = ROOM_EVENTS.has(event.type);
    try {
      deliver(event, to, except);
    } finally {
      roomEvent = false;
    }
  };
  const adapter = gateway.io.sockets.adapter;
  const broadcast = adapter.broadcast.bind(adapter);
  adapter.broadcast = (packet, opts) => {
    if (roomEvent) {
      if ([...opts.rooms].every((room) => room.startsWith('#'))) sent.toMirror++;
      else sent.toIds++;
    }
    broadcast(packet, opts);
  };
});
afterAll(async () => {
  for (const c of clients.values()) c.close();
  await gateway.close();
  chat.close();
  // A failed run may leave the paused reader's connection open; it must not hold the close.
  http.closeAllConnections();
  await new Promise((resolve) => http.close(resolve));
});

const keep = (name: string, c: SioClient): SioClient => (clients.set(name, c), c);

/** The names in the mirror of `room`. */
function mirror(room: string): string[] {
  const nameOf = new Map([...clients].filter(([, c]) => c.socket.id !== undefined).map(([name, c]) => [c.socket.id as string, name]));
  return [...(gateway.io.sockets.adapter.rooms.get(`#${room}`) ?? [])].map((id) => nameOf.get(id) ?? `?${id}`).sort();
}

/** The mirror of `room` holds exactly `names`, and so does the core (every member here is a Socket.IO client). */
function expectMembers(room: string, names: string[]): void {
  const expected = [...names].sort();
  expect(mirror(room), `mirror of #${room}`).toEqual(expected);
  expect((chat.members(room) ?? []).map((u) => u.name).sort(), `core's #${room}`).toEqual(expected);
}

let probes = 0;
/** `from` says a new line in `room`: each of `members` gets it exactly once, nobody else gets it. */
async function expectReachesOnce(from: SioClient, room: string, members: string[]): Promise<void> {
  const text = `probe ${++probes}`;
  expect(await from.request('say', { room, text })).toMatchObject({ ok: true });
  for (const name of members) await clients.get(name)?.waitFor<{ text: string }>('message', (m) => m.text === text);
  // A second copy, or a copy to a non-member, would come right behind the expected ones.
  await sleep(50);
  for (const [name, c] of clients) {
    const copies = c.all<{ text: string }>('message').filter((m) => m.text === text).length;
    expect(copies, `copies of "${text}" at ${name}`).toBe(members.includes(name) ? 1 : 0);
  }
}

describe('room mirrors follow every path that changes membership', () => {
  it('classic joinRoom, rich join and leave, /join and /leave typed, a disconnect, a slow reader kicked', async () => {
    const watch = keep('watch', await SioClient.rich(port, 'watch'));
    for (const room of ['alpha', 'beta', 'gamma', 'flood']) expect(await watch.request('join', { room })).toMatchObject({ ok: true });
    await watch.request('leave', { room: 'general' });

    // Classic joinRoom: first into alpha, then a move to beta (joins beta, leaves alpha).
    const cat = keep('cat', await SioClient.classic(port, 'cat', 'alpha'));
    expectMembers('alpha', ['cat', 'watch']);
    await expectReachesOnce(watch, 'alpha', ['cat', 'watch']);
    cat.socket.emit('joinRoom', { username: 'cat', room: 'beta' });
    await cat.waitFor<{ text: string; room: string }>('message', (m) => m.text.startsWith('Welcome') && m.room === 'beta');
    expectMembers('alpha', ['watch']);
    expectMembers('beta', ['cat', 'watch']);
    await expectReachesOnce(watch, 'alpha', ['watch']);
    await expectReachesOnce(watch, 'beta', ['cat', 'watch']);

    // Rich join and leave.
    const ann = keep('ann', await SioClient.rich(port, 'ann'));
    expect(await ann.request('join', { room: 'alpha' })).toMatchObject({ ok: true });
    expectMembers('alpha', ['ann', 'watch']);
    await expectReachesOnce(watch, 'alpha', ['ann', 'watch']);
    expect(await ann.request('leave', { room: 'alpha' })).toMatchObject({ ok: true });
    expectMembers('alpha', ['watch']);
    await expectReachesOnce(watch, 'alpha', ['watch']);

    // A join whose reply is held: the core counts the member at once, and so does the mirror.
    // (The room needs a message, so that the join reads history, where the store holds it.)
    await expectReachesOnce(watch, 'gamma', ['watch']);
    let open = (): void => {};
    store.gate = new Promise((resolve) => (open = resolve));
    const joined = ann.request('join', { room: 'gamma' });
    for (let i = 0; i < 100 && !chat.members('gamma')?.some((u) => u.name === 'ann'); i++) await sleep(5);
    expectMembers('gamma', ['ann', 'watch']);
    const text = 'while the join is pending';
    expect(await watch.request('say', { room: 'gamma', text })).toMatchObject({ ok: true });
    store.gate = null;
    open();
    expect(await joined).toMatchObject({ ok: true });
    await ann.waitFor<{ text: string }>('message', (m) => m.text === text);

    // /join and /leave typed into a classic client.
    cat.socket.emit('chatMessage', '/join gamma');
    await cat.waitFor<{ text: string; room: string }>('message', (m) => m.text.startsWith('Welcome') && m.room === 'gamma');
    expectMembers('beta', ['watch']);
    expectMembers('gamma', ['ann', 'cat', 'watch']);
    await expectReachesOnce(watch, 'gamma', ['ann', 'cat', 'watch']);
    cat.socket.emit('chatMessage', '/leave');
    await watch.waitFor<{ text: string; room: string }>('message', (m) => m.text === 'cat has left the chat' && m.room === 'gamma');
    expectMembers('gamma', ['ann', 'watch']);
    await expectReachesOnce(watch, 'gamma', ['ann', 'watch']);

    // A disconnect.
    ann.close();
    clients.delete('ann');
    for (let i = 0; i < 100 && chat.members('gamma')?.some((u) => u.name === 'ann'); i++) await sleep(10);
    expectMembers('gamma', ['watch']);
    await expectReachesOnce(watch, 'gamma', ['watch']);

    // A slow reader: it stops reading and is kicked once its output passes the bound.
    const slow = keep('slow', await SioClient.classic(port, 'slow', 'flood'));
    const reader = keep('reader', await SioClient.classic(port, 'reader', 'flood'));
    expectMembers('flood', ['reader', 'slow', 'watch']);
    const slowId = slow.socket.id;
    const transport = slow.socket.io.engine.transport as unknown as { ws: { _socket: { pause(): void } } };
    transport.ws._socket.pause();
    const big = 'z'.repeat(90_000);
    for (let i = 0; i < 1000 && chat.members('flood')?.some((u) => u.name === 'slow'); i++) {
      expect(await watch.request('say', { room: 'flood', text: `${i} ${big}` })).toMatchObject({ ok: true });
    }
    clients.delete('slow');
    expectMembers('flood', ['reader', 'watch']);
    const holding = [...gateway.io.sockets.adapter.rooms].filter(([room, ids]) => room.startsWith('#') && slowId !== undefined && ids.has(slowId));
    expect(holding.map(([room]) => room), 'mirrors still holding the kicked socket').toEqual([]);
    await expectReachesOnce(watch, 'flood', ['reader', 'watch']);
    slow.close();

    expect(sent.toIds, 'room events sent to socket id lists').toBe(0);
    expect(sent.toMirror).toBeGreaterThan(20);
  }, 60_000);
});
