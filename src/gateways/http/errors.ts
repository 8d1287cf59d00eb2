import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { httpStatusOf, type ChatError, type ErrorCode } from '../../core/errors.js';

/**
 * Codes only the HTTP edge produces, beside the core's (src/core/errors.ts). Stable once
 * published, like the core's; documented in docs/protocol.md "## HTTP API".
 */
export const HTTP_ONLY_ERRORS = {
  not_found: 404,
  host_not_allowed: 403,
  unsupported_media_type: 415,
  payload_too_large: 413,
  internal: 500,
  /** The store does not keep accounts, so nothing that needs one can be done (no login, no bot post). */
  accounts_unavailable: 501,
} as const;

export type HttpErrorCode = ErrorCode | keyof typeof HTTP_ONLY_ERRORS;

export interface ErrorBody {
  readonly error: { readonly code: HttpErrorCode; readonly message: string };
}

/** Sent with every 401 (RFC 6750): the API's credentials are bearer tokens. */
export const BEARER_CHALLENGE = 'Bearer realm="parley"';

/** An error a route handler throws on purpose; the error handler sends it as JSON. */
export class HttpError extends Error {
  readonly status: number;
  readonly code: HttpErrorCode;
  /** Extra response headers (Retry-After, WWW-Authenticate). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, code: HttpErrorCode, message: string, headers: Readonly<Record<string, string>> = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.headers = headers;
  }

  /** The core's status for the code; a throttled attempt carries Retry-After, a 401 its challenge. */
  static fromChat(error: ChatError): HttpError {
    const status = httpStatusOf(error.code);
    const headers: Record<string, string> = {};
    if (error.retryAfterMs !== undefined) headers['retry-after'] = String(Math.max(1, Math.ceil(error.retryAfterMs / 1000)));
    if (status === 401) headers['www-authenticate'] = error.code === 'bad_token' ? `${BEARER_CHALLENGE}, error="invalid_token"` : BEARER_CHALLENGE;
    return new HttpError(status, error.code, error.text, headers);
  }
}

export function sendError(reply: FastifyReply, status: number, code: HttpErrorCode, message: string, headers: Readonly<Record<string, string>> = {}): FastifyReply {
  const body: ErrorBody = { error: { code, message } };
  for (const [name, value] of Object.entries(headers)) reply.header(name, value);
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}

/** Fastify's own errors (parsing, limits), by their status. */
function frameworkCode(status: number): HttpErrorCode {
  if (status === 413) return 'payload_too_large';
  if (status === 415) return 'unsupported_media_type';
  if (status === 404) return 'not_found';
  return 'bad_request';
}

/** Every error leaves as `{ error: { code, message } }`; only unexpected ones are logged. */
export function registerErrorHandling(app: FastifyInstance, logger: Logger): void {
  app.setErrorHandler((error: FastifyError | HttpError, request, reply) => {
    if (error instanceof HttpError) return sendError(reply, error.status, error.code, error.message, error.headers);
    const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (status >= 400 && status < 500) return sendError(reply, status, frameworkCode(status), error.message);
    logger.error({ err: error, url: request.url, method: request.method }, 'HTTP request failed');
    return sendError(reply, 500, 'internal', 'Internal server error.');
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(reply, 404, 'not_found', `No route ${request.method} ${request.url.split('?')[0] ?? ''}.`),
  );
}
