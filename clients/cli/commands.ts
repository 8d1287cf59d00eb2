import type { JsonRequest } from '../../src/protocol/jsonl-shapes.js';
import type { ClientRequest } from './auth-requests.js';

/**
 * Turns one typed line into what the client should do. Pure: the current room is passed in.
 *
 * Well-formed commands become structured requests, because the client, not the server, knows
 * which room is current. Anything the client cannot build (missing arguments, unknown command)
 * is sent as a `command` line instead, so the server's command table stays the one place
 * that words usage and unknown-command errors.
 */
export type InputAction =
  | { readonly kind: 'none' }
  | { readonly kind: 'send'; readonly request: JsonRequest }
  /** Refused without asking the server, with the reason to show. */
  | { readonly kind: 'refuse'; readonly text: string }
  | { readonly kind: 'quit'; readonly reason?: string }
  /**
   * An account command. Passwords are normally prompted for without echo; `secrets` holds any
   * typed inline (`/login alice PASSWORD`, as in text mode), which the session then wipes from
   * the screen and the line history.
   */
  | { readonly kind: 'account'; readonly command: AccountCommand; readonly name?: string; readonly secrets: readonly string[] };

export type AccountCommand = 'register' | 'login' | 'password' | 'logout';

export const NOT_IN_ROOM = 'You are not in a room. Use /join ROOM.';

/** The commands offered by tab completion; the server's /help stays the full reference. */
export const COMMAND_NAMES = ['help', 'join', 'leave', 'rooms', 'who', 'nick', 'me', 'msg', 'topic', 'history', 'register', 'login', 'password', 'logout', 'quit'] as const;

const send = (request: JsonRequest): InputAction => ({ kind: 'send', request });
const refuse = (text: string): InputAction => ({ kind: 'refuse', text });

export function parseInput(line: string, room: string | null): InputAction {
  const trimmed = line.trim();
  if (trimmed === '') return { kind: 'none' };
  // "//etc" says "/etc": the escape for a line that really starts with a slash.
  if (trimmed.startsWith('//')) return say(line.trim().slice(1), room);
  if (!trimmed.startsWith('/')) return say(line, room);

  const body = trimmed.slice(1);
  const name = (/^\S*/.exec(body)?.[0] ?? '').toLowerCase();
  const rest = body.slice(name.length).trim();
  const args = rest === '' ? [] : rest.split(/\s+/);
  const first = args[0];
  const asLine = (): InputAction => send({ type: 'command', line: trimmed });

  switch (name) {
    case 'help':
      return send({ type: 'help' });
    case 'join':
      return first === undefined ? asLine() : send({ type: 'join', room: first });
    case 'leave': {
      const target = first ?? room;
      return target === null ? refuse(NOT_IN_ROOM) : send({ type: 'leave', room: target });
    }
    case 'rooms':
      return send({ type: 'rooms' });
    case 'who': {
      const target = first ?? room;
      return target === null ? refuse(NOT_IN_ROOM) : send({ type: 'who', room: target });
    }
    case 'nick':
      return first === undefined ? asLine() : send({ type: 'nick', name: first });
    case 'me':
      if (rest === '') return asLine();
      return room === null ? refuse(NOT_IN_ROOM) : send({ type: 'action', room, text: rest });
    case 'msg': {
      if (first === undefined || args.length < 2) return asLine();
      return send({ type: 'msg', to: first, text: rest.slice(first.length).trim() });
    }
    case 'topic':
      if (room === null) return refuse(NOT_IN_ROOM);
      return send(rest === '' ? { type: 'topic', room } : { type: 'topic', room, text: rest });
    case 'history': {
      if (room === null) return refuse(NOT_IN_ROOM);
      if (first === undefined) return send({ type: 'history', room, limit: 20 });
      const limit = /^\d{1,3}$/.test(first) ? Number(first) : NaN;
      return limit >= 1 && limit <= 500 ? send({ type: 'history', room, limit }) : asLine();
    }
    case 'quit':
      return rest === '' ? { kind: 'quit' } : { kind: 'quit', reason: rest };
    case 'login':
      if (first === undefined) return { kind: 'account', command: 'login', secrets: [] };
      return { kind: 'account', command: 'login', name: first, secrets: args.length > 1 ? [rest.slice(first.length).trim()] : [] };
    case 'register':
      // A password may hold spaces: all of the rest is the password.
      return { kind: 'account', command: 'register', secrets: rest === '' ? [] : [rest] };
    case 'password':
      return { kind: 'account', command: 'password', secrets: args };
    case 'logout':
      return { kind: 'account', command: 'logout', secrets: [] };
    default:
      return asLine();
  }
}

function say(text: string, room: string | null): InputAction {
  return room === null ? refuse(NOT_IN_ROOM) : send({ type: 'say', room, text });
}

/** Whether a request is a chat line whose delivery the user must be told about. */
export function isChatRequest(request: ClientRequest): request is Extract<ClientRequest, { type: 'say' | 'action' | 'msg' }> {
  return request.type === 'say' || request.type === 'action' || request.type === 'msg';
}
