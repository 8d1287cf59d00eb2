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
} as const;

export type HttpErrorCode = ErrorCode | keyof typeof HTTP_ONLY_ERRORS;

export interface ErrorBody {
  readonly error: { readonly code: HttpErrorCode; readonly message: string };
}

/** An error a route handler throws on purpose; the error handler sends it as JSON. */
export class HttpError extends Error {
  readonly status: number;
  readonly code: HttpErrorCode;

  constructor(status: number, code: HttpErrorCode, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }

  static fromChat(error: ChatError): HttpError {
    return new HttpError(httpStatusOf(error.code), error.code, error.text);
  }
}

export function sendError(reply: FastifyReply, status: number, code: HttpErrorCode, message: string): FastifyReply {
  const body: ErrorBody = { error: { code, message } };
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
    if (error instanceof HttpError) return sendError(reply, error.status, error.code, error.message);
    const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (status >= 400 && status < 500) return sendError(reply, status, frameworkCode(status), error.message);
    logger.error({ err: error, url: request.url, method: request.method }, 'HTTP request failed');
    return sendError(reply, 500, 'internal', 'Internal server error.');
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(reply, 404, 'not_found', `No route ${request.method} ${request.url.split('?')[0] ?? ''}.`),
  );
}
