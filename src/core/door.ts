import type { ChatEvent } from './types.js';

/**
 * How the core reaches one kind of connection (TCP, Socket.IO, ...). A door is handed an
 * event once together with all of its recipients, so it can encode the event once per
 * format and write the same bytes to each. `L` is the door's own handle for a connection;
 * the core stores it and never looks inside.
 */
export interface Door<L> {
  readonly name: string;
  /** Whether a sender receives its own room messages back (Socket.IO classic does). */
  readonly echoOwnMessages: boolean;
  deliver(event: ChatEvent, to: ReadonlySet<L>, except?: L): void;
  /**
   * Told synchronously, as the core changes it, that `link` became (`member` true) or stopped
   * being a member of `room`. A door that keeps a copy of membership (Socket.IO rooms) follows
   * these calls, so the copy never needs re-reading from the core. Must not throw.
   */
  membership?(link: L, room: string, member: boolean): void;
}
