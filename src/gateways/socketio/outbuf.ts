import type { Socket } from 'socket.io';
import type { SocketLink } from './link.js';

/** An engine.io packet as its 'packetCreate' event announces it. */
export interface EnginePacket {
  readonly data?: unknown;
}

/** The parts of engine.io's connection this file reads (not all are in its typings). */
interface EngineConnection {
  readonly writeBuffer: readonly unknown[];
  readonly transport?: {
    readonly writable?: boolean;
    readonly socket?: { readonly bufferedAmount?: number; terminate?: () => void };
  };
}

function sizeOf(data: unknown): number {
  if (typeof data === 'string') return data.length;
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return data.byteLength;
  return 0;
}

function engineOf(socket: Socket): EngineConnection {
  return socket.conn as unknown as EngineConnection;
}

/**
 * Counts one packet engine.io is about to queue for `link` (call it from the connection's
 * 'packetCreate' event) and says whether the client's output is now over `maxBytes`.
 *
 * Output waits in two places: engine.io's write buffer (packets not yet handed to the
 * transport: it grows while a WebSocket write is outstanding, or until a polling client
 * polls) and the WebSocket's own buffer (`bufferedAmount`: handed over, not yet taken by
 * the kernel). A writable transport takes the packet at once, and its write buffer is then
 * empty: a client that keeps up costs one property read per packet, and nobody polls every
 * member per message. Otherwise 'packetCreate' comes before the packet is buffered, so an
 * empty write buffer means everything earlier was handed over and the count starts again.
 * Lengths are in UTF-16 units for text, close enough to bytes for a bound.
 */
export function countPacket(link: SocketLink, packet: EnginePacket, maxBytes: number): boolean {
  const conn = engineOf(link.socket);
  const transport = conn.transport;
  if (transport === undefined || transport.writable === true) return false;
  const size = sizeOf(packet.data);
  link.unflushedBytes = conn.writeBuffer.length === 0 ? size : link.unflushedBytes + size;
  return link.unflushedBytes + (transport.socket?.bufferedAmount ?? 0) > maxBytes;
}

/**
 * Drops the connection at once, without the WebSocket closing handshake: a client that has
 * stopped reading would never answer it, and the socket would hold its buffers meanwhile.
 */
export function terminate(socket: Socket): void {
  const ws = engineOf(socket).transport?.socket;
  if (ws?.terminate) ws.terminate();
  else socket.conn.close(true);
}
