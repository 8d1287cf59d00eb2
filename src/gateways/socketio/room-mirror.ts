import type { Server, Socket } from 'socket.io';

/**
 * Each chat room is mirrored as a Socket.IO room, so that a room event is one adapter
 * broadcast (`io.to(room)`) instead of a list of socket ids resolved one by one.
 *
 * The core stays the source of truth; the mirror is only a faster way to reach the same set.
 * Invariant, for every chat room R and this node's Socket.IO sessions:
 *
 *     sockets in mirror(R)  ⊆  links the core lists for R
 *
 * kept by joining a mirror only after the core's join (`syncMirrors`, from the core's own
 * `roomsOf`, synchronously) and leaving it no later than the core's leave: before a `leave`
 * or `quit` command (request.ts `execute`), when a link starts closing (`markClosing`), and
 * on disconnect (socket.io leaves every room before emitting 'disconnect'). With that
 * inclusion, equal sizes mean equal sets, so the door broadcasts to the mirror only when the
 * core's recipient set has the mirror's size, and otherwise falls back to the id list (a
 * member whose join reply has not arrived yet, a link being closed).
 *
 * Mirror names start with '#', which neither a chat room name nor a socket id contains.
 */
export function mirrorOf(room: string): string {
  return `#${room}`;
}

const isMirror = (name: string): boolean => name.startsWith('#');

/** Members of the mirror of `room` on this node's main namespace. */
export function mirrorSize(io: Server, room: string): number {
  return io.sockets.adapter.rooms.get(mirrorOf(room))?.size ?? 0;
}

/**
 * Makes the socket's mirrors equal to `rooms`, the core's rooms of its session read just
 * now. Joining after a disconnect is a no-op in socket.io, so a late reply cannot re-add it.
 */
export function syncMirrors(socket: Socket, rooms: readonly string[]): void {
  const wanted = new Set<string>();
  for (const room of rooms) wanted.add(mirrorOf(room));
  for (const name of [...socket.rooms]) {
    if (isMirror(name) && !wanted.has(name)) void socket.leave(name);
  }
  for (const name of wanted) {
    if (!socket.rooms.has(name)) void socket.join(name);
  }
}

/** Leaves the mirror of one room; called before the core is asked to leave it. */
export function leaveMirror(socket: Socket, room: string): void {
  void socket.leave(mirrorOf(room));
}

/** Leaves every mirror (the socket's own id room stays, socket.io needs it). */
export function leaveMirrors(socket: Socket): void {
  for (const name of [...socket.rooms]) {
    if (isMirror(name)) void socket.leave(name);
  }
}
