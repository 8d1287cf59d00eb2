import type { Socket } from 'socket.io';
import { describe, expect, it } from 'vitest';
import { SocketLink } from './link.js';
import { countPacket } from './outbuf.js';

/** A stand-in for engine.io's connection: its write buffer and its transport, as countPacket reads them. */
function fakeLink(): { link: SocketLink; conn: { writeBuffer: unknown[]; transport: { writable: boolean; socket: { bufferedAmount: number } } } } {
  const conn = { writeBuffer: [] as unknown[], transport: { writable: true, socket: { bufferedAmount: 0 } } };
  const link = new SocketLink({ conn } as unknown as Socket);
  return { link, conn };
}

describe('countPacket', () => {
  it('never reports a client whose transport takes every packet at once', () => {
    const { link } = fakeLink();
    for (let i = 0; i < 1000; i++) expect(countPacket(link, { data: 'x'.repeat(500) }, 1000)).toBe(false);
    expect(link.unflushedBytes).toBe(0);
  });

  it('adds up packets while the transport is busy, with what the WebSocket still holds', () => {
    const { link, conn } = fakeLink();
    conn.transport.writable = false;
    conn.transport.socket.bufferedAmount = 300;
    expect(countPacket(link, { data: 'a'.repeat(400) }, 1000)).toBe(false); // 400 + 300
    conn.writeBuffer.push('a');
    expect(countPacket(link, { data: Buffer.alloc(200) }, 1000)).toBe(false); // 600 + 300
    conn.writeBuffer.push('b');
    expect(countPacket(link, { data: 'c'.repeat(101) }, 1000)).toBe(true); // 701 + 300
  });

  it('starts again once engine.io has handed its buffer to the transport', () => {
    const { link, conn } = fakeLink();
    conn.transport.writable = false;
    conn.writeBuffer.push('a', 'b');
    link.unflushedBytes = 5000;
    conn.writeBuffer.length = 0;
    expect(countPacket(link, { data: 'd'.repeat(10) }, 1000)).toBe(false);
    expect(link.unflushedBytes).toBe(10);
    expect(countPacket(link, {}, 1000)).toBe(false);
  });
});
