/**
 * Password hashing and token minting: computation the core may not do itself (a native Argon2
 * binding, a CSPRNG, a server secret). The real one is src/identity/credentials.ts.
 */
export interface Credentials {
  hashPassword(password: string): Promise<string>;
  /** False for a wrong password; never throws for a malformed hash (it is then just wrong). */
  verifyPassword(hash: string, password: string): Promise<boolean>;
  /** A new random bearer token (at least 256 bits). */
  newToken(): string;
  /** What is stored of a token: a keyed digest, so the database alone cannot check guesses. */
  digest(token: string): string;
}
