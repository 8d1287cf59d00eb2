import { chatError, type ChatError } from '../core/errors.js';
import type { ChatEvent, Command, Reply } from '../core/types.js';
import { HELP, parseSlash } from './slash.js';
import { moderationCommand } from './moderation-requests.js';
import { JsonRequestSchema, type JsonRequest, type JsonServerMessage } from './jsonl-shapes.js';

export type RequestId = string | number | null;

/** What one JSON line asks for: nothing (a blank line), an answer the door gives itself, or a core command. */
export type JsonLineRequest =
  | { readonly kind: 'none' }
  | { readonly kind: 'answer'; readonly message: JsonServerMessage }
  | { readonly kind: 'command'; readonly command: Command; readonly re: RequestId };

/**
 * Decodes one line of a JSON-lines session. Pure: input is untrusted text; the result is an
 * error or help answer to write, or a core command with the request id to answer it with.
 * Never throws for any input. `room` is the session's current room, for `command` lines such
 * as `/me` and `/topic`.
 */
export function decodeJsonLine(text: string, room: string | null): JsonLineRequest {
  if (text.trim() === '') return { kind: 'none' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    // Not error.message: V8 quotes part of the line there, and the line may hold a password.
    return { kind: 'answer', message: errorMessage(chatError('bad_request', 'Invalid JSON.'), null) };
  }
  const re = requestIdOf(value);
  const parsed = JsonRequestSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const type = typeof value === 'object' && value !== null ? (value as { type?: unknown }).type : undefined;
    const unknownType = issue?.path[0] === 'type' && typeof type === 'string';
    const where = issue && issue.path.length > 0 ? ` at "${issue.path.join('.')}"` : '';
    const error = unknownType
      ? chatError('unknown_command', `Unknown request type "${String(type).slice(0, 64)}".`)
      : chatError('bad_request', `${issue?.message ?? 'Invalid request'}${where}.`);
    return { kind: 'answer', message: errorMessage(error, re) };
  }
  const decoded = decodeRequest(parsed.data, re);
  if (decoded.kind === 'local') return { kind: 'answer', message: decoded.message };
  if (decoded.kind === 'command') return { kind: 'command', command: decoded.command, re };
  const line = decoded.line.trim();
  const slash = parseSlash(line.startsWith('/') ? line : `/${line}`, room);
  if (slash.kind === 'help') return { kind: 'answer', message: helpMessage(re) };
  if (slash.kind === 'error') return { kind: 'answer', message: errorMessage(chatError(slash.code, slash.text), re) };
  return { kind: 'command', command: slash.command, re };
}

/** The request's `id` if it is a usable one (a finite number, or a string of at most 64 characters). */
export function requestIdOf(value: unknown): RequestId {
  if (typeof value !== 'object' || value === null) return null;
  const id = (value as { id?: unknown }).id;
  if (typeof id === 'number' && Number.isFinite(id)) return id;
  if (typeof id === 'string' && id.length <= 64) return id;
  return null;
}

/** A JSON request as a core command, or a reply the gateway answers itself. */
export type Decoded =
  | { readonly kind: 'command'; readonly command: Command }
  | { readonly kind: 'local'; readonly message: JsonServerMessage }
  | { readonly kind: 'slash'; readonly line: string };

export function decodeRequest(request: JsonRequest, re: RequestId): Decoded {
  switch (request.type) {
    case 'hello':
      return helloCommand(request, re);
    case 'register':
      return { kind: 'command', command: { type: 'signup', name: request.name, password: request.password, room: request.room } };
    case 'login':
      return { kind: 'command', command: { type: 'login', name: request.name, password: request.password, room: request.room } };
    case 'logout':
      return { kind: 'command', command: { type: 'logout' } };
    case 'password':
      return { kind: 'command', command: { type: 'password', old: request.old, new: request.new } };
    case 'join':
    case 'leave':
    case 'who':
    case 'typing':
      return { kind: 'command', command: { type: request.type, room: request.room } };
    case 'say':
    case 'action':
      // The request id doubles as the idempotency key: a retry with the same id, room and text
      // is answered with the first message's ack and not stored again.
      return {
        kind: 'command',
        command: { type: request.type, room: request.room, text: request.text, ...(re === null ? {} : { clientId: String(re) }) },
      };
    case 'msg':
      return { kind: 'command', command: { type: 'msg', to: request.to, text: request.text, action: request.action } };
    case 'nick':
      return { kind: 'command', command: { type: 'nick', name: request.name } };
    case 'topic':
      return { kind: 'command', command: { type: 'topic', room: request.room, text: request.text } };
    case 'rooms':
      return { kind: 'command', command: { type: 'rooms', limit: request.limit, after: request.after } };
    case 'history':
      return {
        kind: 'command',
        command: { type: 'history', room: request.room, query: { before: request.before, after: request.after, limit: request.limit } },
      };
    case 'quit':
      return { kind: 'command', command: { type: 'quit', reason: request.reason } };
    case 'command':
      return { kind: 'slash', line: request.line };
    case 'op':
    case 'deop':
    case 'voice':
    case 'devoice':
    case 'unban':
    case 'unmute':
    case 'invite':
    case 'kick':
    case 'ban':
    case 'mute':
    case 'bans':
    case 'mode':
    case 'modlog': {
      const { type, id: _id, ...fields } = request;
      return { kind: 'command', command: moderationCommand({ action: type, ...fields }) };
    }
    case 'help':
      return { kind: 'local', message: helpMessage(re) };
    case 'ping':
      return { kind: 'local', message: { type: 'pong', re } };
  }
}

/** `hello` as a token login, a password login or a guest's name, by the fields it carries. */
function helloCommand(request: Extract<JsonRequest, { type: 'hello' }>, re: RequestId): Decoded {
  const { name, password, token, room } = request;
  if (token !== undefined) {
    if (name !== undefined || password !== undefined) return usage('A hello has a token, or a name (and a password), not both.', re);
    return { kind: 'command', command: { type: 'resume', token, room } };
  }
  if (name === undefined) return usage('A hello needs a name (and a password to log in), or a token.', re);
  if (password !== undefined) return { kind: 'command', command: { type: 'login', name, password, room } };
  return { kind: 'command', command: { type: 'register', name, room } };
}

function usage(text: string, re: RequestId): Decoded {
  return { kind: 'local', message: errorMessage(chatError('usage', text), re) };
}

export function helpMessage(re: RequestId): JsonServerMessage {
  return { type: 'help', re, commands: [...HELP] };
}

export function errorMessage(error: ChatError, re: RequestId): JsonServerMessage {
  return { type: 'error', re, code: error.code, text: error.text, ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }) };
}

export function replyMessage(reply: Reply, re: RequestId, quitReason = 'Quit'): JsonServerMessage {
  switch (reply.type) {
    case 'registered': {
      const { room, topic, users, history } = reply.joined;
      const account = reply.account === undefined ? {} : { account: reply.account, token: reply.token };
      return { type: 'welcome', re, name: reply.name, room, topic, users: [...users], history: [...history], ...account };
    }
    case 'account':
      return { type: 'account', re, name: reply.name, account: reply.account, token: reply.token };
    case 'joined':
      return { type: 'joined', re, room: reply.room, topic: reply.topic, users: [...reply.users], history: [...reply.history] };
    case 'left':
      return { type: 'left', re, room: reply.room };
    case 'sent':
      return { type: 'ack', re, message: reply.message };
    case 'private_sent':
      return { type: 'private_sent', re, id: reply.id, to: reply.to, ts: reply.ts };
    case 'renamed':
      return { type: 'renamed', re, from: reply.from, to: reply.to };
    case 'topic':
      return { type: 'topic', re, room: reply.room, topic: reply.topic };
    case 'who':
      return { type: 'who', re, room: reply.room, users: [...reply.users] };
    case 'rooms':
      return { type: 'rooms', re, rooms: [...reply.rooms], next: reply.next };
    case 'history':
      return { type: 'history', re, room: reply.room, messages: [...reply.messages] };
    case 'typing':
      return { type: 'ok', re };
    case 'bye':
      return { type: 'bye', re, reason: quitReason };
    case 'moderated':
      return { type: 'moderated', re, entry: reply.entry };
    case 'bans':
      return { type: 'bans', re, room: reply.room, bans: [...reply.bans], mutes: [...reply.mutes] };
    case 'modes':
      return { type: 'modes', re, room: reply.room, settings: reply.settings };
    case 'modlog':
      return { type: 'modlog', re, room: reply.room, entries: [...reply.entries] };
  }
}

/** A pushed event in JSON-lines form; `disconnect` becomes `bye`. */
export function eventMessage(event: ChatEvent): JsonServerMessage {
  switch (event.type) {
    case 'message':
      return { type: 'message', message: event.message };
    case 'join':
      return { type: 'join', room: event.room, user: event.user };
    case 'leave':
      return { type: 'leave', room: event.room, user: event.user, reason: event.reason };
    case 'rename':
      return { type: 'rename', from: event.from, to: event.to };
    case 'typing':
      return { type: 'typing', room: event.room, user: event.user };
    case 'private':
      return event;
    case 'broadcast':
      return event;
    case 'moderation':
      return { type: 'moderation', entry: event.entry };
    case 'disconnect':
      return { type: 'bye', re: null, reason: event.reason, code: event.code };
  }
}

export function encodeLine(message: JsonServerMessage): string {
  return `${JSON.stringify(message)}\n`;
}
