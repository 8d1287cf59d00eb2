import * as net from 'node:net';
import * as tls from 'node:tls';
import type { JsonServerMessage } from '../../src/protocol/jsonl-shapes.js';
import type { ClientRequest } from './auth-requests.js';
import { LineSplitter } from './line-splitter.js';

/**
 * One TCP connection in JSON-lines mode: writes requests as lines, splits and parses what
 * comes back. Knows nothing of chat state; a reconnect is a new JsonLineConnection.
 */
export interface ConnectionHandlers {
  message(message: JsonServerMessage): void;
  /** A line that is not a JSON object with a string `type`: reported, then skipped. */
  malformed(line: string, why: string): void;
  /** The socket closed; `error` is why, when it was not a clean end. Called once. */
  close(error: Error | null): void;
}

/** Connect over TLS; the server's certificate is checked against `ca`, or the system's CAs. */
export interface ClientTls {
  /** PEM of the CA (or of a self-signed certificate) to trust instead of the system store. */
  readonly ca?: string | Buffer;
}

export interface OpenOptions {
  readonly host: string;
  readonly port: number;
  readonly connectTimeoutMs?: number;
  /** Absent: plain TCP. */
  readonly tls?: ClientTls;
}

const UNTRUSTED_CERTIFICATE = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
]);

/** A TLS connect failure with what to do about it; other errors unchanged. */
export function explainTlsFailure(error: Error): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (code !== undefined && UNTRUSTED_CERTIFICATE.has(code)) {
    return new Error(`${code}: ${error.message}. The server's certificate is not signed by a CA you trust: pass --ca FILE with its CA (or the self-signed certificate itself).`, { cause: error });
  }
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'ERR_SSL_PACKET_LENGTH_TOO_LONG') {
    return new Error(`${code}: the port does not speak TLS. Is it the plain TCP port? (The TLS port is TLS_TCP_PORT, 4443 by default.)`, { cause: error });
  }
  return error;
}

function openSocket(options: OpenOptions): { socket: net.Socket; ready: 'connect' | 'secureConnect' } {
  const { host, port } = options;
  if (options.tls === undefined) return { socket: net.createConnection({ host, port }), ready: 'connect' };
  // SNI carries a host name, never an address; the certificate is checked against either.
  const servername = net.isIP(host) === 0 ? host : undefined;
  return { socket: tls.connect({ host, port, servername, ca: options.tls.ca }), ready: 'secureConnect' };
}

export class JsonLineConnection {
  readonly #socket: net.Socket;
  readonly #splitter = new LineSplitter();
  readonly #handlers: ConnectionHandlers;
  #error: Error | null = null;
  /**
   * The server greets every new connection in text mode ("Welcome to Parley!", a name prompt)
   * and switches to JSON lines on the client's first `{`. Until the first JSON line arrives,
   * lines that are not JSON are that greeting and are skipped without a word.
   */
  #heardJson = false;

  private constructor(socket: net.Socket, handlers: ConnectionHandlers) {
    this.#socket = socket;
    this.#handlers = handlers;
    socket.setNoDelay(true);
    // Notices a peer that vanished without a FIN (laptop asleep, cable out) within a minute or so.
    socket.setKeepAlive(true, 30_000);
    socket.on('data', (chunk: Buffer) => {
      for (const item of this.#splitter.push(chunk)) this.#line(item);
    });
    socket.on('end', () => {
      for (const item of this.#splitter.end()) this.#line(item);
    });
    socket.on('error', (error) => {
      this.#error = error;
    });
    socket.on('close', () => handlers.close(this.#error));
  }

  /** Resolves once connected; rejects with the connect error (refused, unreachable, timeout). */
  static open(options: OpenOptions, handlers: ConnectionHandlers): Promise<JsonLineConnection> {
    return new Promise((resolve, reject) => {
      const { socket, ready } = openSocket(options);
      const timeoutMs = options.connectTimeoutMs ?? 10_000;
      const timer = setTimeout(() => {
        socket.destroy(new Error(`timed out after ${timeoutMs / 1000}s`));
      }, timeoutMs);
      const failed = (error: Error): void => {
        clearTimeout(timer);
        reject(options.tls ? explainTlsFailure(error) : error);
      };
      socket.once('error', failed);
      socket.once(ready, () => {
        clearTimeout(timer);
        socket.off('error', failed);
        resolve(new JsonLineConnection(socket, handlers));
      });
    });
  }

  /** Returns false when the socket can no longer be written (it is closing). */
  send(request: ClientRequest): boolean {
    if (this.#socket.destroyed || !this.#socket.writable) return false;
    this.#socket.write(`${JSON.stringify(request)}\n`);
    return true;
  }

  /** Half-closes after what was written; the server's close then ends the connection. */
  end(): void {
    this.#socket.end();
  }

  destroy(): void {
    this.#socket.destroy();
  }

  #line(item: ReturnType<LineSplitter['push']>[number]): void {
    if (item.kind === 'oversized') {
      this.#handlers.malformed('', `a line of ${item.bytes} bytes was too long and was skipped`);
      return;
    }
    if (item.line.trim() === '') return;
    const parsed = parseServerLine(item.line);
    if (parsed.ok) {
      this.#heardJson = true;
      this.#handlers.message(parsed.message);
    } else if (this.#heardJson) {
      this.#handlers.malformed(item.line, parsed.why);
    }
  }
}

export type ParsedLine = { readonly ok: true; readonly message: JsonServerMessage } | { readonly ok: false; readonly why: string };

/**
 * Checks only the envelope (an object with a string `type`). Fields are trusted to match the
 * shared shapes; the renderer cleans every string it prints, so a wrong field shows oddly
 * rather than doing harm.
 */
export function parseServerLine(line: string): ParsedLine {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    if (error instanceof SyntaxError) return { ok: false, why: 'not valid JSON' };
    throw error;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, why: 'not a JSON object' };
  if (typeof (value as { type?: unknown }).type !== 'string') return { ok: false, why: 'no "type" field' };
  return { ok: true, message: value as JsonServerMessage };
}
