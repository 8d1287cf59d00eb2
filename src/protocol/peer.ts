import type { Command } from '../core/types.js';

/** What a door knows about the far end of a connection, for the account commands. */
export interface PeerInfo {
  /** The remote address as the door saw it: throttling counts failures per address. */
  readonly peer: string | undefined;
  /** Encrypted (TLS) or local, so a password may cross it. */
  readonly secure: boolean;
}

/**
 * The command with the connection's facts added where the core wants them: `peer` and
 * `secure` on the password commands, `peer` on a token login. Any `peer`/`secure` the client
 * put there itself is overwritten: only the door may say them. Other commands pass unchanged.
 */
export function withPeer(command: Command, info: PeerInfo): Command {
  switch (command.type) {
    case 'login':
    case 'signup':
    case 'password':
      return { ...command, peer: info.peer, secure: info.secure };
    case 'resume':
      return { ...command, peer: info.peer };
    default:
      return command;
  }
}
