import type { Socket } from 'socket.io';

/** The parts of engine.io's connection this file reads; see `OutputMeter`. */
interface EngineConnection {
  on(event: 'packetCreate', listener: (packet: { data?: unknown }) => void): unknown;
  on(event: 'drain', listener: () => void): unknown;
  readonly transport?: { readonly socket?: { readonly bufferedAmount?: number; terminate?: () => void } };
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
 * How much output waits for one client, in O(1) per check. Output sits in two places:
 * engine.io's write buffer (packets not yet handed to the transport: it grows while a
 * WebSocket write is outstanding, or until a polling client polls), and the WebSocket's own
 * buffer (`bufferedAmount`: handed over but not yet taken by the kernel). engine.io announces
 * each packet it buffers ('packetCreate') and each time it hands the buffer over ('drain'),
 * so the first is counted here; the second is read from `ws`. Lengths are in UTF-16 units
 * for text, close enough to bytes for a bound.
 */
export class OutputMeter {
  readonly #socket: Socket;
  #unflushed = 0;

  constructor(socket: Socket) {
    this.#socket = socket;
    const conn = engineOf(socket);
    conn.on('packetCreate', (packet) => {
      this.#unflushed += sizeOf(packet.data);
    });
    conn.on('drain', () => {
      this.#unflushed = 0;
    });
  }

  /** Bytes queued for this client and not yet taken by the kernel. */
  get queued(): number {
    return this.#unflushed + (engineOf(this.#socket).transport?.socket?.bufferedAmount ?? 0);
  }
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
