import type { Door } from './door.js';
import type { AccountRecord } from './ports/accounts.js';
import type { UserRef } from './types.js';

/** One connection's identity in the chat. Owned by the core; doors keep only its id. */
export class Session {
  name: string | null = null;
  /** Folded name, the key of the name registry. */
  key: string | null = null;
  readonly rooms = new Set<string>();
  /** The account this connection is logged in to; null for a guest. */
  account: AccountRecord | null = null;
  /** The token that logged it in, revoked by /logout. */
  tokenId: string | null = null;
  /** Shared by every event and member list that names this session; replaced on rename. */
  ref: UserRef;

  constructor(
    readonly id: string,
    readonly door: Door<unknown>,
    readonly link: unknown,
    /** The peer address the door saw (a guest's bans also hold it); undefined when unknown. */
    readonly peer?: string,
  ) {
    this.ref = { id, name: '' };
  }
}
