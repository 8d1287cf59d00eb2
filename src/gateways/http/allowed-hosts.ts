import type { IncomingHttpHeaders } from 'node:http';

/**
 * DNS-rebinding guard for the web door (HTTP API and Socket.IO handshakes).
 *
 * A page on evil.example can make its own name resolve to this server's address; its requests
 * are then "same origin" to the browser, carry `Host: evil.example` and a matching `Origin`, and
 * pass any Origin check. What they cannot forge is a Host we serve under, so a request from a
 * browser must name an allowed host. Programs (curl, scripts, socket.io-client in Node) send no
 * Origin and no Sec-Fetch headers and are accepted whatever their Host: they are not a victim's
 * browser.
 */

interface HostName {
  readonly name: string;
  /** Null: any port. */
  readonly port: string | null;
}

/** `name`, `name:port`, `[v6]`, `[v6]:port`, or a bare IPv6 address; lower case, no trailing dot. Null if none of these. */
export function parseHost(value: string): HostName | null {
  const v = value.trim().toLowerCase();
  const match = /^\[([0-9a-f:.]+)\](?::(\d{1,5}))?$/.exec(v) ?? /^([a-z0-9_.-]+)(?::(\d{1,5}))?$/.exec(v);
  if (match) return { name: (match[1] ?? '').replace(/\.$/, ''), port: match[2] ?? null };
  if (/^[0-9a-f:.]+$/.test(v) && v.includes(':')) return { name: v, port: null };
  return null;
}

/** Whether a request comes from a browser: browsers send Origin on cross-origin and unsafe requests, Sec-Fetch-* on all. */
export function fromBrowser(headers: IncomingHttpHeaders): boolean {
  return headers.origin !== undefined || headers['sec-fetch-site'] !== undefined || headers['sec-fetch-mode'] !== undefined;
}

export class HostCheck {
  readonly #any: boolean;
  readonly #allowed: readonly HostName[];

  /** `allowed` as config.allowedHosts() gives it; `*` allows any host. Entries that do not parse are ignored. */
  constructor(allowed: readonly string[]) {
    this.#any = allowed.includes('*');
    this.#allowed = allowed.map(parseHost).filter((h): h is HostName => h !== null);
  }

  /** Whether the Host header names a host we serve under (any port unless the entry has one). */
  hostAllowed(host: string | undefined): boolean {
    if (this.#any) return true;
    if (host === undefined) return false;
    const parsed = parseHost(host);
    if (parsed === null) return false;
    return this.#allowed.some((a) => a.name === parsed.name && (a.port === null || a.port === parsed.port));
  }

  /** Whether this request may proceed: not from a browser, or to an allowed host. */
  allows(headers: IncomingHttpHeaders): boolean {
    return !fromBrowser(headers) || this.hostAllowed(headers.host);
  }
}
