/** A room member as every node sees it. `id` is the session id, unique cluster-wide. */
export interface PresenceMember {
  readonly id: string;
  readonly name: string;
  /** The node the member is connected to. */
  readonly node: string;
}

/**
 * Who is in which room, across every node. Contract (test/contracts/presence-contract.ts):
 *  - `join` is an upsert by (room, member.id): a second join (after a rename) updates the name
 *    and keeps the member's place in the joining order.
 *  - `members` lists a room in joining order; `counts` gives each asked room's member count
 *    (0 for unknown rooms).
 *  - Networked implementations: each node keeps a heartbeat by itself (the core does nothing
 *    periodic). When a node stops (dies, or is closed without leaving), its members are
 *    removed within the TTL and EXACTLY ONE surviving node's `onExpired` handlers are told of
 *    each, once. The survivor's core should tell the room's local members that the user left
 *    (a leave notice with reason e.g. "Node lost"), and whatever else follows from a leave.
 *  - A node whose entries were removed (Redis lost its data, or the node was taken for dead
 *    during a long pause) writes back its own members on its next heartbeat; other nodes may
 *    have announced them as gone in between.
 *  - Networked implementations reject with PortUnavailableError while their service is down.
 */
export interface Presence {
  join(room: string, member: PresenceMember): Promise<void>;
  /** Removes member `id` from `room`; does nothing if it is not there. */
  leave(room: string, id: string): Promise<void>;
  members(room: string): Promise<PresenceMember[]>;
  counts(rooms: readonly string[]): Promise<Map<string, number>>;
  /** Returns a function that removes the handler. */
  onExpired(handler: (room: string, member: PresenceMember) => void): () => void;
  /** Stops the heartbeat and the sweep and closes connections; leaves no one. */
  close(): Promise<void>;
}
