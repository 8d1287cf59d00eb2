import type { Server, Socket } from 'socket.io';

/**
 * Each chat room is mirrored as a Socket.IO room, so that a room event is one adapter
 * broadcast (`io.to(mirrorOf(room))`) instead of a list of socket ids resolved one by one.
 *
 * The core stays the source of truth; the mirror is a copy that follows it. This module is
 * the only place that changes mirrors, from two callers:
 * - `followMembership`, from the core's own `Door.membership` call (SocketDoor), made
 *   synchronously inside the core's `Room.add`/`Room.remove`, whatever caused the change (a
 *   command, a disconnect, a kick, a resume, the room's member list on another node's death);
 * - `leaveMirrors`, when the door decides to close a link (`SocketLink.markClosing`), before
 *   the core is told: a closing link must receive no more room events, and a later join of
 *   a closing link is ignored.
 * Hence, for every chat room R, at every instant (JavaScript runs one call at a time):
 *
 *     sockets in mirror(R)  =  this door's links in the core's R.members that are not closing
 *
 * The core removes a member before it publishes the member's leave, so a leave notice never
 * reaches the leaver. On disconnect socket.io leaves every room by itself, and joining after a
 * disconnect is a no-op in socket.io, so a late join cannot re-add a gone socket.
 *
 * Mirrors are per process: the door's Server uses socket.io's default in-memory adapter, and
 * must keep it. Members on other nodes are never links of this door (they are in the core's
 * roster, not its members); Parley's bus carries events between nodes, and a cluster adapter
 * would be a second path that delivers every message twice.
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

/** The socket joins (`member` true) or leaves the mirror of `room`, as the core's member set just did. */
export function followMembership(socket: Socket, room: string, member: boolean): void {
  if (member) void socket.join(mirrorOf(room));
  else void socket.leave(mirrorOf(room));
}

/** Leaves every mirror (the socket's own id room stays, socket.io needs it). */
export function leaveMirrors(socket: Socket): void {
  for (const name of [...socket.rooms]) {
    if (isMirror(name)) void socket.leave(name);
  }
}
