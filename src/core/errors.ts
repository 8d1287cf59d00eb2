/**
 * Every error the chat can report, as data. Codes are part of the wire protocol:
 * once published they stay stable. Each edge turns an error into its own form
 * (a text line, a JSON error object, an HTTP status, a Socket.IO ack).
 */
export const ERRORS = {
  bad_request: { status: 400, text: 'The request is malformed.' },
  unknown_command: { status: 400, text: 'Unknown command.' },
  usage: { status: 400, text: 'Wrong arguments.' },
  not_registered: { status: 401, text: 'Choose a name first.' },
  already_registered: { status: 409, text: 'You already have a name; use /nick to change it.' },
  invalid_name: { status: 400, text: 'That name is not allowed.' },
  name_taken: { status: 409, text: 'That name is already taken.' },
  invalid_room: { status: 400, text: 'That room name is not allowed.' },
  no_such_room: { status: 404, text: 'No such room.' },
  not_in_room: { status: 409, text: 'You are not in that room.' },
  no_such_user: { status: 404, text: 'No such user.' },
  empty_message: { status: 400, text: 'The message is empty.' },
  message_too_long: { status: 413, text: 'The message is too long.' },
  line_too_long: { status: 413, text: 'The line is too long.' },
  too_many_rooms: { status: 429, text: 'You are in too many rooms.' },
  store_unavailable: { status: 503, text: 'History storage is unavailable.' },
  bus_unavailable: { status: 503, text: 'The chat cannot reach its other nodes right now; try again shortly.' },
  shutting_down: { status: 503, text: 'The server is shutting down.' },
  name_registered: { status: 409, text: 'That name is registered; log in to use it.' },
  bad_credentials: { status: 401, text: 'Wrong name or password.' },
  bad_token: { status: 401, text: 'That token is not valid; log in again.' },
  not_logged_in: { status: 401, text: 'Log in first.' },
  weak_password: { status: 400, text: 'That password is not allowed.' },
  too_many_attempts: { status: 429, text: 'Too many failed attempts; try again later.' },
  insecure_transport: { status: 403, text: 'Passwords are only accepted over TLS (or from this machine).' },
  no_such_token: { status: 404, text: 'No such token.' },
  forbidden: { status: 403, text: 'Not allowed.' },
  not_operator: { status: 403, text: 'Only room operators can do that.' },
  banned: { status: 403, text: 'You are banned from that room.' },
  muted: { status: 403, text: 'You are muted in that room.' },
  moderated: { status: 403, text: 'That room is moderated: only voiced users and operators speak.' },
  slowmode: { status: 429, text: 'That room is in slowmode; wait before your next message.' },
  invite_only: { status: 403, text: 'That room is invite-only.' },
  room_full: { status: 409, text: 'That room is full.' },
  rate_limited: { status: 429, text: 'Too many requests; slow down.' },
  internal_error: { status: 500, text: 'Something went wrong on the server; the connection is being closed.' },
} as const;

export type ErrorCode = keyof typeof ERRORS;

export interface ChatError {
  readonly code: ErrorCode;
  readonly text: string;
  /** With `too_many_attempts`, `slowmode` and `rate_limited`: how long until a retry may succeed (HTTP sends it as Retry-After). */
  readonly retryAfterMs?: number;
}

export function chatError(code: ErrorCode, text: string = ERRORS[code].text): ChatError {
  return { code, text };
}

export function httpStatusOf(code: ErrorCode): number {
  return ERRORS[code].status;
}

export function isChatError(value: unknown): value is ChatError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ChatError).code === 'string' &&
    (value as ChatError).code in ERRORS &&
    typeof (value as ChatError).text === 'string'
  );
}
