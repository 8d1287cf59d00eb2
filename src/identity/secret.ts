import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SECRET_FILE = 'token-secret';

/** JWT_SECRET is missing where it is required; `message` is one line fit to print before exiting. */
export class SecretError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretError';
  }
}

/**
 * The server's token secret: JWT_SECRET when set (the seeds' name for it). In production it
 * must be set (several nodes must share it, and a secret nobody chose is a secret nobody keeps).
 * In development one is made on first start and kept in DATA_DIR/token-secret with 0600
 * permissions, so logins survive a restart.
 */
export function tokenSecret(options: { jwtSecret: string; nodeEnv: string; dataDir: string }): string {
  if (options.jwtSecret !== '') {
    if (options.jwtSecret.length < 16) throw new SecretError('JWT_SECRET must have at least 16 characters (32 random ones is good).');
    return options.jwtSecret;
  }
  if (options.nodeEnv === 'production') {
    throw new SecretError('JWT_SECRET is required when NODE_ENV=production: set it to a long random string, the same on every node (e.g. `openssl rand -base64 32`).');
  }
  const file = join(options.dataDir, SECRET_FILE);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return secret;
}
