import { isLoopback as isLoopbackAddress, normaliseAddress } from './address-limit.js';

/** What a door can tell about a connection's transport. */
export interface TransportFacts {
  readonly remoteAddress: string | undefined;
  /** TLS (a `tls.TLSSocket`, or an HTTPS request). */
  readonly encrypted: boolean;
}

/** Whether a password may cross a connection with these facts (the core refuses it otherwise). */
export type SecurityPolicy = (facts: TransportFacts) => boolean;

/**
 * Encrypted, or from this machine. Behind a reverse proxy on the same machine every client
 * looks local: terminate TLS in the proxy (or in Parley, TLS_CERT/TLS_KEY).
 */
export const encryptedOrLocal: SecurityPolicy = ({ remoteAddress, encrypted }) => encrypted || isLoopback(remoteAddress);

/** 127.0.0.0/8 and ::1, also written IPv4-mapped (`::ffff:127.0.0.1`) or in full. */
export function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  const bare = normaliseAddress(address.toLowerCase());
  return isLoopbackAddress(bare) || bare === '0:0:0:0:0:0:0:1';
}
