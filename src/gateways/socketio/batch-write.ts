import type { Server } from 'socket.io';

/** The parts of engine.io's connection this file reads; `_socket` is ws's TCP socket. */
interface EngineConnection {
  readonly transport?: { readonly socket?: { readonly _socket?: Corkable } };
}

interface Corkable {
  readonly destroyed: boolean;
  cork(): void;
  uncork(): void;
}

/**
 * Writes each engine.io batch to a WebSocket client in one system call.
 *
 * engine.io hands a packet to the WebSocket at once when the previous write has completed;
 * packets sent meanwhile (several room events in one tick: the store commits messages in
 * groups) wait in its buffer and are handed over together on the next flush, where ws
 * writes each frame with its own `write`, so one syscall per packet per recipient. Corking
 * the TCP socket from the server's 'flush' event to its 'drain' event (both emitted around
 * the synchronous hand-over) sends the whole batch with one writev. A single packet, the
 * common case while a client keeps up, is left alone.
 */
export function batchWrites(io: Server): void {
  let corked: Corkable | null = null;
  const release = (): void => {
    const socket = corked;
    corked = null;
    if (socket !== null && !socket.destroyed) socket.uncork();
  };
  io.engine.on('flush', (conn: EngineConnection, buffer: readonly unknown[]) => {
    // A hand-over that threw left no 'drain'; never leave a socket corked.
    release();
    if (buffer.length < 2) return;
    const socket = conn.transport?.socket?._socket;
    if (socket === undefined || socket.destroyed) return;
    socket.cork();
    corked = socket;
  });
  io.engine.on('drain', release);
}
