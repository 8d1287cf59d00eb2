/**
 * Names unique across every node. `key` is the folded name (core/names.ts foldName); `owner`
 * is whatever the core uses to say who holds it (a session id: unique cluster-wide).
 * Contract (test/contracts/names-contract.ts):
 *  - `claim` is atomic: of any number of concurrent claims of one free key, from any nodes,
 *    exactly one resolves true. Claiming a key one already holds resolves true.
 *  - A name is held until its owner releases it, or, on a networked implementation, until
 *    the TTL passes after the node that claimed it stopped renewing (died, or was closed).
 *    The node renews every name it claimed, by itself; the core does nothing periodic.
 *  - `release` only frees a key held by `owner` (a late release cannot free a successor's name).
 *  - Networked implementations reject with PortUnavailableError while their service is down.
 */
export interface Names {
  /** True if `owner` now holds `key`; false if someone else does. */
  claim(key: string, owner: string): Promise<boolean>;
  /** Frees `key` if `owner` holds it; otherwise does nothing. */
  release(key: string, owner: string): Promise<void>;
  /** The current owner of `key`, or null when it is free. */
  holder(key: string): Promise<string | null>;
  /**
   * Told when this node finds, while renewing, that a name it claimed is now held by someone
   * else (it expired during an outage longer than the TTL and was taken). The core should
   * rename or disconnect that session. Names lost and still free are silently re-taken.
   */
  onLost(handler: (key: string, owner: string) => void): () => void;
  /** Stops renewing (held names then expire within the TTL) and closes connections. */
  close(): Promise<void>;
}
