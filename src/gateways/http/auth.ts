import type { FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { chatError, type ChatError } from '../../core/errors.js';
import type { Authenticated, Identity } from '../../core/identity.js';
import { normaliseAddress } from '../address-limit.js';
import { HttpError } from './errors.js';

/**
 * Who is calling the HTTP API, and whether a password may cross this request. Route handlers
 * call these; they throw HttpError, which the error handler sends as `{ error }`.
 */

export interface AuthDeps {
  /** Absent when the store keeps no accounts: every route that needs one answers 501. */
  readonly identity: Identity | undefined;
  /** ALLOW_INSECURE_AUTH: accept passwords on plain requests from other machines. */
  readonly allowInsecureAuth: boolean;
  readonly logger: Logger;
  /** Whether a connected user (a guest, on any node) holds the name: it cannot be registered under them. */
  readonly nameInUse: (name: string) => Promise<boolean>;
}

// RFC 6750 b64token; our tokens are 43 base64url characters, the bound only limits work.
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]{1,512}=*) *$/i;

/** The token of an `Authorization: Bearer` header; null when there is none; a 401 when it is malformed. */
export function bearerToken(header: string | undefined): string | null {
  if (header === undefined || header.trim() === '') return null;
  const match = BEARER.exec(header);
  if (!match?.[1]) throw HttpError.fromChat(chatError('bad_token', 'The Authorization header must be "Bearer <token>".'));
  return match[1];
}

export function identityOf(deps: AuthDeps): Identity {
  if (deps.identity === undefined) throw new HttpError(501, 'accounts_unavailable', "This server's store does not keep accounts, so there are no logins or bot tokens.");
  return deps.identity;
}

/** The result's value, or its error as an HttpError. */
export function unwrap<T>(result: { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ChatError }): T {
  if (!result.ok) throw HttpError.fromChat(result.error);
  return result.value;
}

/**
 * Runs an account-store call. Like the core (chat.ts #withIdentity), a failure of the store is
 * answered 503 store_unavailable, and logged: the request cannot be served, the server goes on.
 */
export async function viaAccounts<T>(deps: AuthDeps, work: (identity: Identity) => Promise<T>): Promise<T> {
  const identity = identityOf(deps);
  try {
    return await work(identity);
  } catch (error) {
    if (error instanceof HttpError) throw error;
    deps.logger.error({ err: error }, 'account store call failed');
    throw HttpError.fromChat(chatError('store_unavailable', 'Accounts are unavailable right now; try again shortly.'));
  }
}

/**
 * The account behind the request's bearer token: 401 not_logged_in without one, 401 bad_token
 * for a revoked, expired or unknown one. Not throttled per address, unlike passwords: a token
 * has 256 random bits, so guessing is hopeless, while a per-address count would let one caller
 * behind a shared proxy lock every bot out.
 */
export async function requireToken(deps: AuthDeps, request: FastifyRequest): Promise<Authenticated> {
  const identity = identityOf(deps);
  const token = bearerToken(request.headers.authorization);
  if (token === null) throw HttpError.fromChat(chatError('not_logged_in', 'This needs a token: send "Authorization: Bearer <token>".'));
  return unwrap(await viaAccounts(deps, () => identity.authenticate(token)));
}

/** As requireToken, and the account must be a person (a login token), not a bot. */
export async function requireUser(deps: AuthDeps, request: FastifyRequest): Promise<Authenticated> {
  const caller = await requireToken(deps, request);
  if (caller.account.kind !== 'user') throw HttpError.fromChat(chatError('forbidden', "A bot's token can only post messages; log in as a person for this."));
  return caller;
}

/** Refuses a password on a plain request from another machine, unless ALLOW_INSECURE_AUTH. */
export function requirePasswordTransport(deps: AuthDeps, request: FastifyRequest): void {
  if (deps.allowInsecureAuth || isSecureRequest(request)) return;
  throw HttpError.fromChat(chatError('insecure_transport', 'Passwords are only accepted over HTTPS (or from this machine); use https://, or ask the operator about ALLOW_INSECURE_AUTH.'));
}

/**
 * Whether what crosses this request is private: it came over TLS, or from this machine.
 * Behind a reverse proxy on this machine every request looks local: the proxy must then
 * terminate TLS itself (see README "Running several nodes").
 */
export function isSecureRequest(request: FastifyRequest): boolean {
  const socket = request.raw.socket as { encrypted?: unknown; remoteAddress?: string };
  return socket.encrypted === true || isLoopback(socket.remoteAddress);
}

export function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4 === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

/**
 * The peer address that password attempts are counted under (as the other doors write it):
 * the socket's, or behind a proxy in TRUSTED_PROXIES the last untrusted X-Forwarded-For hop.
 */
export function peerOf(request: FastifyRequest): string {
  return normaliseAddress(request.ip);
}
