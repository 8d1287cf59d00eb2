import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TlsCertificates } from '../../src/gateways/tls/certificates.js';
import { readTlsCredentials, TlsFilesError } from '../../src/gateways/tls/credentials.js';
import { makeTestCa, opensslMissing, type TestCa } from '../helpers/tls-certs.js';

const skip = opensslMissing();

describe.skipIf(skip !== null)(`TLS certificate files${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let ca: TestCa;
  beforeAll(() => {
    ca = makeTestCa();
  });
  afterAll(() => ca?.dispose());

  const refusal = (files: { certPath: string; keyPath: string }): string => {
    try {
      readTlsCredentials(files);
    } catch (error) {
      if (error instanceof TlsFilesError) return error.message;
      throw error;
    }
    return 'accepted';
  };

  it('reads a certificate with its key, and tells its subject and expiry', () => {
    const issued = ca.issue('files-ok');
    const credentials = readTlsCredentials(issued);
    expect(credentials.subject).toBe('CN=files-ok');
    expect(credentials.validTo.getTime()).toBeGreaterThan(Date.now());
    expect(credentials.cert.toString()).toContain('BEGIN CERTIFICATE');
  });

  it('refuses, in one line naming the setting, what cannot be used', () => {
    const issued = ca.issue('files-bad');
    const other = ca.issue('files-other');
    const junk = join(ca.dir, 'junk.pem');
    writeFileSync(junk, 'hello\n');
    const encrypted = join(ca.dir, 'encrypted.key');
    execFileSync('openssl', ['pkey', '-in', issued.keyPath, '-aes256', '-passout', 'pass:secret', '-out', encrypted], { stdio: 'ignore' });

    const cases: Array<[{ certPath: string; keyPath: string }, RegExp]> = [
      [{ certPath: join(ca.dir, 'none.pem'), keyPath: issued.keyPath }, /^Cannot read TLS_CERT .*none\.pem: no such file/],
      [{ certPath: issued.certPath, keyPath: join(ca.dir, 'none.key') }, /^Cannot read TLS_KEY .*none\.key: no such file/],
      [{ certPath: ca.dir, keyPath: issued.keyPath }, /^Cannot read TLS_CERT .*: it is a folder/],
      [{ certPath: junk, keyPath: issued.keyPath }, /^TLS_CERT .*junk\.pem is not a PEM certificate/],
      [{ certPath: issued.certPath, keyPath: junk }, /^TLS_KEY .*junk\.pem is not an unencrypted PEM private key/],
      [{ certPath: issued.certPath, keyPath: encrypted }, /^TLS_KEY .*encrypted\.key is not an unencrypted PEM private key/],
      [{ certPath: issued.certPath, keyPath: other.keyPath }, /^TLS_KEY .* is not the key of the certificate in TLS_CERT/],
    ];
    for (const [files, expected] of cases) {
      const message = refusal(files);
      expect(message).toMatch(expected);
      expect(message).not.toContain('\n');
    }
  });

  it.skipIf(process.getuid?.() === 0)('refuses an unreadable key (not as root, who reads anything)', () => {
    const issued = ca.issue('files-unreadable');
    chmodSync(issued.keyPath, 0o000);
    expect(refusal(issued)).toMatch(/^Cannot read TLS_KEY .*: permission denied/);
  });

  it('a failed reload keeps the current certificate; a good one replaces it', () => {
    const first = ca.issue('holder-one');
    const live = { certPath: join(ca.dir, 'holder.pem'), keyPath: join(ca.dir, 'holder.key') };
    const install = (from: { certPath: string; keyPath: string }): void => {
      copyFileSync(from.certPath, live.certPath);
      copyFileSync(from.keyPath, live.keyPath);
    };
    install(first);
    const holder = new TlsCertificates(live);
    writeFileSync(live.keyPath, 'broken\n');
    const failed = holder.reload();
    expect(failed.ok).toBe(false);
    expect(holder.current.subject).toBe('CN=holder-one');
    install(ca.issue('holder-two'));
    expect(holder.reload().ok).toBe(true);
    expect(holder.current.subject).toBe('CN=holder-two');
  });
});
