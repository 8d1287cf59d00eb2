import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Why TLS tests are skipped on this machine, or null when `openssl` is there. */
export function opensslMissing(): string | null {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return null;
  } catch (error) {
    return `the openssl command is not available (${(error as NodeJS.ErrnoException).code ?? String(error)}): TLS tests need it to make a throwaway CA`;
  }
}

export interface TestCa {
  readonly dir: string;
  /** PEM of the CA certificate, for clients' `ca`. */
  readonly caPem: Buffer;
  readonly caPath: string;
  /** Makes a server certificate for localhost, 127.0.0.1 and ::1, signed by this CA. */
  issue(commonName: string): { certPath: string; keyPath: string; certPem: Buffer };
  dispose(): void;
}

const openssl = (dir: string, args: string[]): void => {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
};

/** A throwaway CA in a temporary folder (P-256 keys, valid two days). Nothing leaves the folder. */
export function makeTestCa(): TestCa {
  const dir = mkdtempSync(join(tmpdir(), 'parley-tls-'));
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(dir, ['req', '-x509', ...ecKey, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Parley Test CA']);
  writeFileSync(
    join(dir, 'server.ext'),
    'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n',
  );
  let issued = 0;
  return {
    dir,
    caPath: join(dir, 'ca.pem'),
    caPem: readFileSync(join(dir, 'ca.pem')),
    issue(commonName) {
      const base = `server-${++issued}`;
      openssl(dir, ['req', ...ecKey, '-keyout', `${base}.key`, '-out', `${base}.csr`, '-subj', `/CN=${commonName}`]);
      openssl(dir, ['x509', '-req', '-in', `${base}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${base}.pem`, '-days', '2', '-extfile', 'server.ext']);
      return { certPath: join(dir, `${base}.pem`), keyPath: join(dir, `${base}.key`), certPem: readFileSync(join(dir, `${base}.pem`)) };
    },
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
