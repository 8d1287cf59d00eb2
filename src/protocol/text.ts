import type { ChatError } from '../core/errors.js';
import type { ChatEvent, ChatMessage, Reply, RoomSummary, UserRef } from '../core/types.js';
import type { HelpEntry } from './jsonl-shapes.js';
import { modLogLine, moderationLine, sanctionLines, settingsLine } from './moderation-text.js';

/** Text-mode wording. docs/protocol.md quotes these lines: change both together. */
export const TEXT = {
  greeting: 'Welcome to Parley!',
  askName: 'Enter your name:',
  emptyName: 'Please enter a non-empty name:',
  nameTaken: (name: string) => `Name "${name}" is already taken. Choose a different name:`,
  badName: (why: string) => `${why} Choose a different name:`,
  nameRegistered: (name: string) => `Name "${name}" is registered. Log in with /login ${name} PASSWORD, or choose a different name:`,
  loggedIn: (name: string) => `You are logged in as ${name}.`,
  signedUp: (name: string) => `The name ${name} is now registered to you. Next time: /login ${name} PASSWORD`,
  passwordChanged: 'Your password is changed; tokens from earlier logins no longer work.',
  loggedOut: 'You are logged out.',
  lineTooLong: (limit: number) => `Error: Line too long (over ${limit} bytes); it was discarded.`,
  noRoom: 'Error: You are not in a room. Use /join ROOM.',
  moreRooms: (next: string) => `More rooms: /rooms ${next}`,
  noMoreRooms: 'No more rooms.',
  tooManyConnections: (limit: number) => `Disconnected: Too many connections from your address (at most ${limit}).`,
} as const;

export const EOL = '\r\n';

function clock(ts: number): string {
  return new Date(ts).toISOString().slice(11, 16);
}

/**
 * Text with line breaks as one line per part, each with the same prefix: every line on a
 * terminal says who wrote it, so a break cannot make text look like another speaker's.
 */
export function prefixEach(prefix: string, text: string): string[] {
  return text.split('\n').map((part) => `${prefix}${part}`);
}

/** One message as lines (one per line of its text), without room prefix. */
export function messageLines(m: ChatMessage): string[] {
  switch (m.kind) {
    case 'action':
      return prefixEach(`* ${m.author} `, m.text);
    case 'topic':
      return prefixEach(`${m.author} set the topic to: `, m.text);
    case 'chat':
      return prefixEach(`${m.author}: `, m.text);
  }
}

export function historyLines(room: string, messages: readonly ChatMessage[]): string[] {
  if (messages.length === 0) return [];
  const plural = messages.length === 1 ? 'message' : 'messages';
  return [
    `--- last ${messages.length} ${plural} in #${room} ---`,
    ...messages.flatMap((m) => messageLines(m).map((line) => `[${clock(m.ts)}] ${line}`)),
    '--- end of history ---',
  ];
}

/**
 * A room event as lines, or null if text mode does not show it. The room is returned apart
 * so that the door can add the `[#room] ` prefix (to each line) only for recipients elsewhere.
 */
export function eventLines(event: ChatEvent): { room: string | null; lines: string[] } | null {
  switch (event.type) {
    case 'message':
      return { room: event.message.room, lines: messageLines(event.message) };
    case 'join':
      return { room: event.room, lines: [`${event.user.name} has joined the chat.`] };
    case 'leave':
      return { room: event.room, lines: [`${event.user.name} has left the chat.`] };
    case 'rename':
      return { room: null, lines: [`${event.from} is now known as ${event.to}.`] };
    case 'private':
      return { room: null, lines: prefixEach(event.action ? `[PM from ${event.from}] * ${event.from} ` : `[PM from ${event.from}]: `, event.text) };
    case 'broadcast':
      return { room: null, lines: prefixEach(`[${event.from}]: `, event.text) };
    case 'disconnect':
      return { room: null, lines: [event.reason] };
    case 'moderation':
      return { room: event.entry.room, lines: [moderationLine(event.entry)] };
    case 'typing':
      return null;
  }
}

/** A member's name with its role mark: `@` owner or operator, `+` voiced (as IRC shows them). */
export function marked(user: UserRef): string {
  return user.role === 'owner' || user.role === 'op' ? `@${user.name}` : user.role === 'voice' ? `+${user.name}` : user.name;
}

export function errorLine(error: ChatError): string {
  return `Error: ${error.text}`;
}

function roomLine(r: RoomSummary): string {
  const users = r.members === 1 ? '1 user' : `${r.members} users`;
  return `  #${r.name} (${users})${r.topic ? ` - ${r.topic}` : ''}`;
}

export function helpLines(entries: readonly HelpEntry[]): string[] {
  const width = Math.max(...entries.map((e) => e.usage.length));
  return ['Commands:', ...entries.map((e) => `  ${e.usage.padEnd(width)}  ${e.summary}`), 'Any other line is said in the current room.'];
}

/** A command's reply as lines for the issuing session. */
export function replyLines(reply: Reply): string[] {
  switch (reply.type) {
    case 'registered': {
      const others = reply.joined.users.length - 1;
      const company = others === 0 ? 'nobody else is here yet' : `with ${others} other ${others === 1 ? 'user' : 'users'}`;
      const where = others === 0 ? `You are in #${reply.joined.room}; ${company}.` : `You are in #${reply.joined.room} ${company}.`;
      const account = reply.account === undefined ? [] : [TEXT.loggedIn(reply.name)];
      return [`Welcome, ${reply.name}! ${where} Type /help for commands.`, ...account, ...historyLines(reply.joined.room, reply.joined.history)];
    }
    case 'joined': {
      if (!reply.fresh) return [`You are now talking in #${reply.room}.`];
      const names = reply.users.map(marked).join(', ');
      return [
        `You joined #${reply.room} (topic: ${reply.topic || 'none'}). ${reply.users.length} here: ${names}`,
        ...historyLines(reply.room, reply.history),
      ];
    }
    case 'left':
      return [`You left #${reply.room}.`];
    case 'sent':
      return reply.message.kind === 'action' ? messageLines(reply.message) : [];
    case 'private_sent':
      return [];
    case 'renamed':
      return [`You are now known as ${reply.to}.`];
    case 'account':
      // The token is not shown: text mode has no use for it, and a terminal keeps scrollback.
      return [TEXT.loggedIn(reply.name)];
    case 'topic':
      if (reply.message) return [`You set the topic of #${reply.room} to: ${reply.topic}`];
      return [`Topic of #${reply.room}: ${reply.topic || '(none)'}`];
    case 'who':
      return [`Users in #${reply.room} (${reply.users.length}): ${reply.users.map(marked).join(', ')}`];
    case 'moderated':
      return [moderationLine(reply.entry)];
    case 'bans': {
      const lines = [...sanctionLines('Banned', reply.bans), ...sanctionLines('Muted', reply.mutes)];
      return lines.length === 0 ? [`Nobody is banned or muted in #${reply.room}.`] : [`Bans and mutes in #${reply.room}:`, ...lines];
    }
    case 'modes':
      return [settingsLine(reply.room, reply.settings)];
    case 'modlog':
      return reply.entries.length === 0 ? [`No moderation actions in #${reply.room} yet.`] : [`Moderation log of #${reply.room}, newest first:`, ...reply.entries.map(modLogLine)];
    case 'rooms': {
      if (reply.rooms.length === 0) return ['No rooms yet.'];
      const more = reply.next === null ? [] : [TEXT.moreRooms(reply.next)];
      return [`Rooms (${reply.rooms.length}):`, ...reply.rooms.map(roomLine), ...more];
    }
    case 'history':
      return reply.messages.length === 0 ? [`No messages in #${reply.room} yet.`] : historyLines(reply.room, reply.messages);
    case 'typing':
      return [];
    case 'bye':
      return ['Bye!'];
  }
}
