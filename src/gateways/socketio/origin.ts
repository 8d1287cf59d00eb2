import type { IncomingMessage } from 'node:http';

/**
 * Whether a Socket.IO handshake may proceed. Browsers send `Origin`; WebSockets are not
 * covered by CORS, so without this check any web page could open a chat session in its
 * visitor's name (cross-site WebSocket hijacking). Allowed: no Origin (programs such as
 * socket.io-client in Node), the page's own origin, and the CORS_ORIGIN list.
 */
export function originAllowed(req: IncomingMessage, allowed: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (origin === undefined || origin === '') return true;
  if (allowed.includes(origin)) return true;
  const host = req.headers.host;
  if (host === undefined) return false;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch (error) {
    // An Origin that is not a URL (e.g. "null" from a sandboxed frame) is never our own page.
    if (error instanceof TypeError) return false;
    throw error;
  }
  // URL lower-cases the origin's host; host names are case-insensitive.
  return parsed.host === host.toLowerCase();
}
