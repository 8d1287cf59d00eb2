import { redactUrl } from '../../lib/redact-url.js';

export { redactUrl };

/** One line saying what went wrong, from whatever node-postgres or the network threw. */
export function describeError(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return describeError(error.errors[0]);
  const message = error instanceof Error ? error.message : String(error);
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  const text = message.trim() === '' ? code || 'unknown error' : message;
  return text.replace(/\s*\n\s*/g, ' ');
}

/**
 * PostgreSQL could not do what was asked (server down, connection cut, timeout, or the
 * statement failed). Nothing of the request was committed, except when the connection was
 * lost during COMMIT itself, which no client can tell; the request is then reported failed.
 */
export class PostgresUnavailableError extends Error {
  constructor(what: string, cause: unknown) {
    super(`PostgreSQL: ${what}: ${describeError(cause)}`, { cause });
    this.name = 'PostgresUnavailableError';
  }
}
