import { createHmac, randomBytes } from 'node:crypto';
import { Algorithm, hash, verify } from '@node-rs/argon2';
import type { Credentials } from '../core/ports/credentials.js';

/**
 * OWASP's Password Storage Cheat Sheet, first Argon2id option: 19 MiB of memory, 2 passes,
 * 1 lane. About 20-40 ms per hash here: cheap for a login, costly for a guessing attacker.
 */
export const ARGON2_PARAMS = { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/**
 * Argon2id for passwords; 256-bit random tokens, stored as HMAC-SHA-256 under the server's
 * secret (JWT_SECRET): a copy of the database without the secret cannot tell a live token.
 */
export class NodeCredentials implements Credentials {
  readonly #secret: Buffer;

  constructor(secret: string) {
    if (secret.length < 16) throw new Error('The token secret must have at least 16 characters.');
    this.#secret = Buffer.from(secret, 'utf8');
  }

  hashPassword(password: string): Promise<string> {
    return hash(password, ARGON2_PARAMS);
  }

  async verifyPassword(stored: string, password: string): Promise<boolean> {
    try {
      return await verify(stored, password);
    } catch (error) {
      // A stored value that is not a PHC string (corrupt row): a wrong password, not a crash.
      if (error instanceof Error && /invalid|decod|format/i.test(error.message)) return false;
      throw error;
    }
  }

  newToken(): string {
    return randomBytes(32).toString('base64url');
  }

  digest(token: string): string {
    return createHmac('sha256', this.#secret).update(token, 'utf8').digest('base64url');
  }
}
