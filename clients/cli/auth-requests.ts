import type { JsonRequest } from '../../src/protocol/jsonl-shapes.js';

/**
 * The JSON-lines requests of accounts (docs/protocol.md, "Accounts"), as this client sends
 * them. The server's schema for them lives with the TCP door; they are spelled out here too so
 * the client states exactly what it puts on the wire, password fields included.
 *
 * - hello with `password` logs in (or, with `token`, comes back with a saved login); the
 *   welcome then carries `account` and `token`.
 * - register, login, password: on a named session; answered by `account {name, account, token}`.
 * - logout: revokes the token; answered by `bye`, then the server closes.
 */
type Id = { id?: string | number };

export type AuthRequest =
  | (Id & { type: 'hello'; name: string; password: string; room?: string })
  | (Id & { type: 'hello'; token: string; room?: string })
  | (Id & { type: 'register'; name?: string; password: string })
  | (Id & { type: 'login'; name: string; password: string })
  | (Id & { type: 'logout' })
  | (Id & { type: 'password'; old: string; new: string });

/** Everything the client may send. */
export type ClientRequest = JsonRequest | AuthRequest;

/** Requests that carry a secret: never kept past their answer, never shown. */
export function carriesSecret(request: ClientRequest): boolean {
  return 'password' in request || 'token' in request || request.type === 'password';
}
