import type { Server as TlsServer } from 'node:tls';
import { readTlsCredentials, TlsFilesError, type TlsCredentials, type TlsFiles } from './credentials.js';

export type ReloadOutcome = { readonly ok: true; readonly credentials: TlsCredentials } | { readonly ok: false; readonly error: TlsFilesError };

/** The part of a credential set a TLS server is configured with, at creation and on reload. */
export function secureContextOptions(credentials: TlsCredentials): { cert: Buffer; key: Buffer } {
  return { cert: credentials.cert, key: credentials.key };
}

/**
 * The certificate every TLS server of this process presents (HTTPS on PORT, the TCP door on
 * TLS_TCP_PORT), and its reload from the same files. Construction reads and checks the files
 * and throws TlsFilesError when they cannot be used, so a bad certificate stops the start.
 * A reload swaps the secure context of every server it serves: connections already open keep
 * the session they negotiated; new handshakes get the new certificate. A reload that fails
 * changes nothing.
 */
export class TlsCertificates {
  readonly files: TlsFiles;
  readonly #servers = new Set<TlsServer>();
  #current: TlsCredentials;

  constructor(files: TlsFiles) {
    this.files = files;
    this.#current = readTlsCredentials(files);
  }

  get current(): TlsCredentials {
    return this.#current;
  }

  /** Registers a server created with `secureContextOptions(current)`: reloads reach it until it closes. */
  serve(server: TlsServer): void {
    this.#servers.add(server);
    server.once('close', () => this.#servers.delete(server));
  }

  /** Reads the files again; on success every served server presents the new certificate. */
  reload(): ReloadOutcome {
    let next: TlsCredentials;
    try {
      next = readTlsCredentials(this.files);
    } catch (error) {
      if (error instanceof TlsFilesError) return { ok: false, error };
      throw error;
    }
    for (const server of this.#servers) server.setSecureContext(secureContextOptions(next));
    this.#current = next;
    return { ok: true, credentials: next };
  }
}
