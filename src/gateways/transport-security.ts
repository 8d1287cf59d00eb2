import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { isLoopback, normaliseAddress } from './address-limit.js';

/**
 * How a client reached this server, as far as this server can see: whether the bytes were
 * encrypted on the way (TLS ended here), the peer's address, and whether that address is this
 * machine. Doors use it to refuse secrets (passwords) on a plain connection that crossed a
 * network. A TLS-terminating proxy in front of Parley makes every connection look plain and
 * from the proxy's address: this reports what this process sees, and trusts no header.
 */
export interface TransportSecurity {
  /** TLS between the client and this process. */
  readonly secure: boolean;
  /** The peer's address (`::ffff:1.2.3.4` given as `1.2.3.4`); '' when the socket was already gone. */
  readonly peerAddress: string;
  /** The peer is this machine: 127.0.0.0/8 or ::1. */
  readonly loopback: boolean;
}

/** What `socket` is: a TLS socket of one of our TLS servers, or a plain one. */
export function socketTransport(socket: Socket): TransportSecurity {
  const peerAddress = normaliseAddress(socket.remoteAddress ?? '');
  return {
    secure: socket instanceof TLSSocket && socket.encrypted,
    peerAddress,
    loopback: peerAddress !== '' && isLoopback(peerAddress),
  };
}

/**
 * The transport of an HTTP request or of a Socket.IO connection (give it `socket.request`, the
 * handshake request: a WebSocket upgrade stays on the same TCP connection, so on the same TLS).
 */
export function requestTransport(request: Pick<IncomingMessage, 'socket'>): TransportSecurity {
  return socketTransport(request.socket);
}

/**
 * Whether a password may be taken over this transport: encrypted, or never off this machine,
 * or the operator allowed it anyway (ALLOW_INSECURE_AUTH).
 */
export function passwordsAllowed(transport: TransportSecurity, allowInsecure = false): boolean {
  return transport.secure || transport.loopback || allowInsecure;
}
