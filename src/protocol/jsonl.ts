import type { ChatError } from '../core/errors.js';
import type { ChatEvent, Command, Reply } from '../core/types.js';
import { HELP } from './slash.js';
import type { JsonRequest, JsonServerMessage } from './jsonl-shapes.js';

type RequestId = string | number | null;

/** A JSON request as a core command, or a reply the gateway answers itself. */
export type Decoded =
  | { readonly kind: 'command'; readonly command: Command }
  | { readonly kind: 'local'; readonly message: JsonServerMessage }
  | { readonly kind: 'slash'; readonly line: string };

export function decodeRequest(request: JsonRequest, re: RequestId): Decoded {
  switch (request.type) {
    case 'hello':
      return { kind: 'command', command: { type: 'register', name: request.name, room: request.room } };
    case 'join':
    case 'leave':
    case 'who':
    case 'typing':
      return { kind: 'command', command: { type: request.type, room: request.room } };
    case 'say':
    case 'action':
      return { kind: 'command', command: { type: request.type, room: request.room, text: request.text } };
    case 'msg':
      return { kind: 'command', command: { type: 'msg', to: request.to, text: request.text, action: request.action } };
    case 'nick':
      return { kind: 'command', command: { type: 'nick', name: request.name } };
    case 'topic':
      return { kind: 'command', command: { type: 'topic', room: request.room, text: request.text } };
    case 'rooms':
      return { kind: 'command', command: { type: 'rooms' } };
    case 'history':
      return {
        kind: 'command',
        command: { type: 'history', room: request.room, query: { before: request.before, after: request.after, limit: request.limit } },
      };
    case 'quit':
      return { kind: 'command', command: { type: 'quit', reason: request.reason } };
    case 'command':
      return { kind: 'slash', line: request.line };
    case 'help':
      return { kind: 'local', message: helpMessage(re) };
    case 'ping':
      return { kind: 'local', message: { type: 'pong', re } };
  }
}

export function helpMessage(re: RequestId): JsonServerMessage {
  return { type: 'help', re, commands: [...HELP] };
}

export function errorMessage(error: ChatError, re: RequestId): JsonServerMessage {
  return { type: 'error', re, code: error.code, text: error.text };
}

export function replyMessage(reply: Reply, re: RequestId, quitReason = 'Quit'): JsonServerMessage {
  switch (reply.type) {
    case 'registered': {
      const { room, topic, users, history } = reply.joined;
      return { type: 'welcome', re, name: reply.name, room, topic, users: [...users], history: [...history] };
    }
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
    case 'disconnect':
      return { type: 'bye', re: null, reason: event.reason, code: event.code };
  }
}

export function encodeLine(message: JsonServerMessage): string {
  return `${JSON.stringify(message)}\n`;
}
