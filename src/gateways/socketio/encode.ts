import { moderationLine } from '../../protocol/moderation-text.js';
import type { ChatEvent, ChatMessage, UserRef } from '../../core/types.js';
import type { ServerEvents, WireMessage, WireUser } from '../../protocol/socketio-shapes.js';

/** One encoded server event: its name and its payload, built once per core event. */
export type Outgoing = { [E in keyof ServerEvents]: { readonly name: E; readonly payload: Parameters<ServerEvents[E]>[0] } }[keyof ServerEvents];

/** `3:07 pm`, in the server's local time zone, as the classic clients print it. */
export function humanTime(ts: number): string {
  const date = new Date(ts);
  const hours = date.getHours();
  const minutes = String(date.getMinutes()).padStart(2, '0');
  return `${hours % 12 === 0 ? 12 : hours % 12}:${minutes} ${hours < 12 ? 'am' : 'pm'}`;
}

export function wireUser(user: UserRef): WireUser {
  return { id: user.id, username: user.name, ...(user.role === undefined ? {} : { role: user.role }) };
}

export function wireMessage(message: ChatMessage): WireMessage {
  return {
    username: message.author,
    text: message.text,
    time: humanTime(message.ts),
    ts: message.ts,
    room: message.room,
    system: false,
    id: message.id,
    seq: message.seq,
    kind: message.kind,
    ...(message.account === undefined ? {} : { account: message.account }),
  };
}

/** A notice from the server's bot: not stored, shown apart by clients that read `system`. */
export function notice(botName: string, text: string, room: string | null, ts: number): WireMessage {
  return { username: botName, text, time: humanTime(ts), ts, room, system: true };
}

/**
 * Turns a core event into the event every Socket.IO client receives. `disconnect` is not
 * encoded here: the door handles it (it closes the connection). `now` stamps notices, which
 * carry no time of their own.
 */
export function encodeEvent(event: ChatEvent, botName: string, now: number): Outgoing | null {
  switch (event.type) {
    case 'message':
      return { name: 'message', payload: wireMessage(event.message) };
    case 'join':
      return { name: 'message', payload: notice(botName, `${event.user.name} has joined the chat`, event.room, now) };
    case 'leave':
      return { name: 'message', payload: notice(botName, `${event.user.name} has left the chat`, event.room, now) };
    case 'rename':
      return { name: 'message', payload: notice(botName, `${event.from} is now known as ${event.to}`, null, now) };
    case 'typing':
      return { name: 'typing', payload: { room: event.room, user: wireUser(event.user) } };
    case 'private':
      return {
        name: 'private',
        payload: { id: event.id, from: event.from, to: event.to, text: event.text, action: event.action, ts: event.ts, time: humanTime(event.ts) },
      };
    case 'broadcast':
      return { name: 'message', payload: notice(event.from, event.text, null, event.ts) };
    case 'moderation':
      return { name: 'message', payload: notice(botName, moderationLine(event.entry), event.entry.room, event.entry.ts) };
    case 'disconnect':
      return null;
  }
}
