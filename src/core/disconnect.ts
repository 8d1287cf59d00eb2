/**
 * Why a connection ends, as a value: a stable code that doors and logs can branch on, and the
 * reason text that the others see in the leave notice. Codes are part of the wire protocol
 * (JSON `bye`, Socket.IO `bye`): once published they stay stable.
 */
export const DISCONNECT_CODES = [
  'quit',
  'closed',
  'shutdown',
  'slow_reader',
  'idle',
  'naming_timeout',
  'flood',
  'protocol_error',
  'internal_error',
  'replaced',
  'too_many_connections',
] as const;

export type DisconnectCode = (typeof DISCONNECT_CODES)[number];

export interface Disconnect {
  readonly code: DisconnectCode;
  /** Shown to the others in the leave notice, and to the client in its goodbye. */
  readonly reason: string;
}

const DEFAULT_REASONS: Readonly<Record<DisconnectCode, string>> = {
  quit: 'Quit',
  closed: 'Connection closed',
  shutdown: 'Server is shutting down. Bye!',
  slow_reader: 'Too slow: outgoing buffer full',
  idle: 'Idle timeout',
  naming_timeout: 'No name given in time',
  flood: 'Flooding',
  protocol_error: 'Protocol error',
  internal_error: 'Internal error',
  replaced: 'Reconnected from another connection',
  too_many_connections: 'Too many connections from your address',
};

export function disconnect(code: DisconnectCode, reason: string = DEFAULT_REASONS[code]): Disconnect {
  return { code, reason };
}
