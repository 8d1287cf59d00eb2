/** Where `parley connect [target]` goes. */
export interface Target {
  readonly host: string;
  readonly port: number;
}

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 4000;
/** The server's TLS_TCP_PORT default, for `--tls` without a port. */
export const DEFAULT_TLS_PORT = 4443;

/**
 * Accepts `host`, `host:port`, `:port`, `[v6]`, `[v6]:port` and a bare IPv6 address
 * (`::1`, which has more than one colon, so it cannot carry a port without brackets).
 * Throws a RangeError with a readable message on anything else.
 */
export function parseTarget(arg?: string, defaultPort = DEFAULT_PORT): Target {
  const text = (arg ?? '').trim();
  if (text === '') return { host: DEFAULT_HOST, port: defaultPort };

  const bracketed = /^\[([^\]]*)\](?::(.*))?$/.exec(text);
  if (bracketed) {
    const host = bracketed[1] ?? '';
    if (host === '') throw new RangeError(`Invalid target "${text}": empty address in brackets`);
    return { host, port: parsePort(bracketed[2], text, defaultPort) };
  }
  if (text.startsWith('[')) throw new RangeError(`Invalid target "${text}": missing "]"`);

  const colons = text.split(':').length - 1;
  if (colons > 1) return { host: text, port: defaultPort };
  if (colons === 0) return { host: text, port: defaultPort };
  const at = text.indexOf(':');
  const host = text.slice(0, at);
  return { host: host === '' ? DEFAULT_HOST : host, port: parsePort(text.slice(at + 1), text, defaultPort) };
}

function parsePort(raw: string | undefined, whole: string, defaultPort: number): number {
  if (raw === undefined) return defaultPort;
  if (!/^\d{1,5}$/.test(raw)) throw new RangeError(`Invalid port in "${whole}": "${raw}"`);
  const port = Number(raw);
  if (port < 1 || port > 65535) throw new RangeError(`Invalid port in "${whole}": ${port} is not in 1-65535`);
  return port;
}
