import { isIP } from 'node:net';

/** What a door can tell about a connection's transport. */
export interface TransportFacts {
  readonly remoteAddress: string | undefined;
  /** TLS (a `tls.TLSSocket`, or an HTTPS request). */
  readonly encrypted: boolean;
}

/** Whether a password may cross a connection with these facts (the core refuses it otherwise). */
export type SecurityPolicy = (facts: TransportFacts) => boolean;

/**
 * The default until the TLS door lands: encrypted, or from this machine. Behind a reverse
 * proxy on the same machine every client looks local: terminate TLS in the proxy.
 */
export const encryptedOrLocal: SecurityPolicy = ({ remoteAddress, encrypted }) => encrypted || isLoopback(remoteAddress);

/** 127.0.0.0/8, ::1, and IPv4-mapped 127.x (`::ffff:127.0.0.1`). */
export function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  const bare = address.toLowerCase().replace(/^::ffff:/, '');
  if (isIP(bare) === 4) return bare.startsWith('127.');
  return bare === '::1' || bare === '0:0:0:0:0:0:0:1';
}
