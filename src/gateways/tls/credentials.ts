import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** Where the certificate and key are read from (TLS_CERT, TLS_KEY). */
export interface TlsFiles {
  readonly certPath: string;
  readonly keyPath: string;
}

/** What a TLS server is given: the PEM bytes as read, checked to be usable together. */
export interface TlsCredentials {
  readonly cert: Buffer;
  readonly key: Buffer;
  /** The leaf certificate's subject and expiry, for the log. */
  readonly subject: string;
  readonly validTo: Date;
}

/**
 * A certificate or key that cannot be used. The message is one line a person can act on; it
 * names the setting and the file, never the key's bytes.
 */
export class TlsFilesError extends Error {}

function readPem(path: string, setting: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new TlsFilesError(`Cannot read ${setting} ${resolve(path)}: no such file. Point ${setting} at a PEM file.`);
    if (code === 'EACCES') throw new TlsFilesError(`Cannot read ${setting} ${resolve(path)}: permission denied. Let the server's user read it.`);
    if (code === 'EISDIR') throw new TlsFilesError(`Cannot read ${setting} ${resolve(path)}: it is a folder. Point ${setting} at a PEM file.`);
    if (typeof code === 'string') throw new TlsFilesError(`Cannot read ${setting} ${resolve(path)}: ${code}.`);
    throw error;
  }
}

// OpenSSL's messages ("error:1E08010C:DECODER routines::unsupported") mean little to a person;
// the sentence says what is wrong, and the code stays for a search.
function opensslReason(error: unknown): string {
  if (!(error instanceof Error)) throw error;
  const code = (error as NodeJS.ErrnoException).code;
  return typeof code === 'string' ? code : error.message;
}

/**
 * Reads both files and checks that the certificate parses, the key parses (unencrypted: the
 * server has nobody to ask for a passphrase) and the key belongs to the certificate. Throws
 * TlsFilesError otherwise. Synchronous: called once at start and on a reload signal.
 */
export function readTlsCredentials(files: TlsFiles): TlsCredentials {
  const cert = readPem(files.certPath, 'TLS_CERT');
  const key = readPem(files.keyPath, 'TLS_KEY');
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(cert);
  } catch (error) {
    throw new TlsFilesError(`TLS_CERT ${resolve(files.certPath)} is not a PEM certificate (${opensslReason(error)}).`);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(key);
  } catch (error) {
    throw new TlsFilesError(
      `TLS_KEY ${resolve(files.keyPath)} is not an unencrypted PEM private key (${opensslReason(error)}). A key with a passphrase must be decrypted first (openssl pkey -in KEY -out KEY.plain).`,
    );
  }
  if (!leaf.checkPrivateKey(privateKey)) {
    throw new TlsFilesError(`TLS_KEY ${resolve(files.keyPath)} is not the key of the certificate in TLS_CERT ${resolve(files.certPath)}.`);
  }
  return { cert, key, subject: leaf.subject.replace(/\n/g, ', '), validTo: new Date(leaf.validTo) };
}
