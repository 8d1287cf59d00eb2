import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Command } from '../../src/core/types.js';
import type { SocketLink } from '../../src/gateways/socketio/link.js';
import type { EnginePacket } from '../../src/gateways/socketio/outbuf.js';
import { SioClient, sleep } from '../e2e/support/sio-client.js';
import { startSocketGateway, type GatewayFixture } from '../helpers/socket-gateway.js';

/**
 * The door's one command runner and its delivery: something unexpected (a bug, injected here)
 * is answered `internal_error`, closes that socket only, and never stops the others.
 */

let f: GatewayFixture;
const open: SioClient[] = [];
const rich = async (name: string): Promise<SioClient> => {
  const client = await SioClient.rich(f.port, name);
  open.push(client);
  return client;
};

beforeAll(async () => {
  f = await startSocketGateway();
});
afterEach(async () => {
  vi.restoreAllMocks();
  for (const c of open.splice(0)) c.close();
  for (let i = 0; i < 100 && f.chat.sessionCount > 0; i++) await sleep(20);
});
afterAll(async () => {
  await f.close();
});

describe('a request that throws', () => {
  it('is answered internal_error in its ack, closes that socket with bye internal_error, and the others chat on', async () => {
    const victim = await rich('victim');
    const other = await rich('other');
    const execute = f.chat.execute.bind(f.chat);
    vi.spyOn(f.chat, 'execute').mockImplementation(async (sessionId: string, command: Command) => {
      if (command.type === 'who' && f.chat.nameOf(sessionId) === 'victim') throw new Error('injected bug');
      return execute(sessionId, command);
    });
    const gone = victim.disconnected();
    expect(await victim.request('who', { room: 'general' })).toEqual({ ok: false, error: { code: 'internal_error', text: expect.any(String) } });
    expect(await victim.waitFor<{ code: string }>('bye')).toMatchObject({ code: 'internal_error' });
    await gone;
    await other.waitFor<{ text: string }>('message', (m) => m.text === 'victim has left the chat');
    expect(await other.request('who', { room: 'general' })).toMatchObject({ ok: true, users: [{ username: 'other' }] });
    expect(await other.request('say', { room: 'general', text: 'still here' })).toMatchObject({ ok: true });
  });

  it('without an ack, closes that socket the same way', async () => {
    const victim = await rich('victim');
    vi.spyOn(f.chat, 'execute').mockRejectedValue(new Error('injected bug'));
    const gone = victim.disconnected();
    victim.socket.emit('say', { room: 'general', text: 'x' });
    expect(await victim.waitFor<{ code: string }>('bye')).toMatchObject({ code: 'internal_error' });
    await gone;
  });
});

describe('delivery', () => {
  it('one socket failing while a room message is written to it does not stop the others', async () => {
    const members = await Promise.all(['m1', 'm2', 'bad', 'm3', 'm4'].map((name) => rich(name)));
    const bad = members[2] as SioClient;
    const door = f.gateway.door;
    const queued = door.packetQueued.bind(door);
    vi.spyOn(door, 'packetQueued').mockImplementation((link: SocketLink, packet: EnginePacket) => {
      if (f.chat.nameOf(link.sessionId) === 'bad') throw new Error('injected write failure');
      queued(link, packet);
    });
    const gone = bad.disconnected();
    const sent = await f.chat.postAs('bot', 'general', 'to everyone');
    expect(sent.ok).toBe(true);
    for (const member of members) {
      if (member === bad) continue;
      await member.waitFor<{ text: string }>('message', (m) => m.text === 'to everyone');
    }
    expect(await bad.waitFor<{ code: string }>('bye')).toMatchObject({ code: 'internal_error' });
    await gone;
  });
});
