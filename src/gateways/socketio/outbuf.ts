import type { Socket } from 'socket.io';

/**
 * How much output is waiting for one client. Socket.IO has no public measure, so this reads
 * two internals, both O(1): engine.io's `writeBuffer` (packets not yet handed to the
 * transport: it grows while a WebSocket write is outstanding, or until a polling client polls)
 * and the WebSocket's `bufferedAmount` (bytes handed to the socket but not yet to the kernel).
 * If a future version renames them, both read as 0 and only the byte bound of the kernel is
 * left, so the checks below are written to fail open rather than throw.
 */
export function queuedOutput(socket: Socket): { readonly packets: number; readonly bytes: number } {
  const conn = socket.conn as unknown as {
    readonly writeBuffer?: readonly unknown[];
    readonly transport?: { readonly socket?: { readonly bufferedAmount?: number } };
  };
  const packets = conn.writeBuffer?.length ?? 0;
  const bytes = conn.transport?.socket?.bufferedAmount ?? 0;
  return { packets, bytes };
}

export interface OutputBound {
  /** Bytes queued in the WebSocket (config MAX_OUTBUF_BYTES). */
  readonly maxBytes: number;
  /** Packets queued in engine.io before the transport. */
  readonly maxPackets: number;
}

/** The packet bound that goes with a byte bound: a typical chat packet is well under 1 KiB. */
export function outputBound(maxBytes: number): OutputBound {
  return { maxBytes, maxPackets: Math.max(64, Math.floor(maxBytes / 1024)) };
}

export function isOverBound(socket: Socket, bound: OutputBound): boolean {
  const queued = queuedOutput(socket);
  return queued.bytes > bound.maxBytes || queued.packets > bound.maxPackets;
}
