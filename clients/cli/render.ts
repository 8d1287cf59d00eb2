import { modLogLine, moderationLine, sanctionLines, settingsLine } from '../../src/protocol/moderation-text.js';
import { marked } from '../../src/protocol/text.js';
import type { HelpEntry, JsonServerMessage } from '../../src/protocol/jsonl-shapes.js';
import type { Style } from './style.js';

/**
 * Pure formatting of what the server sends into lines for the terminal. No state, no I/O:
 * the session decides what to render and passes everything in. Every string that came from
 * the server goes through `clean()`, so a hostile server cannot move the cursor or recolour
 * the screen with escape sequences of its own.
 */
export type ServerMessage = JsonServerMessage;
export type WireMessage = Extract<JsonServerMessage, { type: 'message' }>['message'];
export type WireUser = Extract<JsonServerMessage, { type: 'who' }>['users'][number];
export type WireRoom = Extract<JsonServerMessage, { type: 'rooms' }>['rooms'][number];

export interface RenderContext {
  readonly style: Style;
  /** The room shown in the prompt; events of other rooms carry a `[#room] ` prefix. */
  readonly currentRoom: string | null;
  /** HH:MM of a timestamp, in the viewer's local time zone. */
  readonly time: (ts: number) => string;
  /** Receipt time, for events the server sends without a timestamp (joins, leaves). */
  readonly now: number;
}

/** C0/C1 controls (ESC included) and bidirectional overrides/isolates. */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** Makes any server-provided value safe and single-line for the terminal. */
export function clean(value: unknown): string {
  const text = typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
  return text.replace(/[\t\n]/g, ' ').replace(UNSAFE, '');
}

/** Continuation lines of a multi-line message start under its first line's `[HH:MM] `. */
export const CONTINUATION_INDENT = ' '.repeat('[HH:MM] '.length);

/**
 * Like clean(), but keeps the message's line breaks (the server keeps them): each line is
 * cleaned and every line after the first is indented, so it reads as part of the same message
 * and cannot pass for a line of its own (`bob: hi` forged on a second line).
 */
export function cleanMultiline(value: unknown): string {
  const text = typeof value === 'string' ? value : clean(value);
  return text
    .split(/\r\n|[\n\r\u2028\u2029]/)
    .map(clean)
    .join(`\n${CONTINUATION_INDENT}`);
}

export function localTime(ts: number): string {
  const date = new Date(ts);
  if (Number.isNaN(date.getTime())) return '--:--';
  return `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
}

const roomTag = (room: string): string => `#${clean(room)}`;
const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

function stamp(ctx: RenderContext, ts: number): string {
  return ctx.style.dim(`[${ctx.time(ts)}]`);
}

/** `[#dev] ` when the event is not in the current room. */
function elsewhere(ctx: RenderContext, room: string): string {
  return room === ctx.currentRoom ? '' : `[${roomTag(room)}] `;
}

/** The body of a room message without time or room: `alice: hi`, `* alice waves`, a topic change. */
function messageBody(ctx: RenderContext, message: WireMessage): string {
  const author = clean(message.author);
  const text = message.kind === 'topic' ? clean(message.text) : cleanMultiline(message.text);
  switch (message.kind) {
    case 'action':
      return `* ${ctx.style.name(author)} ${text}`;
    case 'topic':
      return ctx.style.dim(`${author} set the topic to: ${text}`);
    default:
      return `${ctx.style.name(author)}: ${text}`;
  }
}

/** A live room message, one's own (from an ack) or another's. */
export function renderMessage(ctx: RenderContext, message: WireMessage): string {
  return `${stamp(ctx, message.ts)} ${elsewhere(ctx, message.room)}${messageBody(ctx, message)}`;
}

/** A block of past messages of one room, framed so it reads apart from live lines. */
export function renderHistory(
  ctx: RenderContext,
  room: string,
  messages: readonly WireMessage[],
  kind: 'last' | 'missed' = 'last',
): string[] {
  if (messages.length === 0) return [];
  const count = plural(messages.length, 'message', 'messages');
  const heading = kind === 'last' ? `last ${count} in ${roomTag(room)}` : `${count} in ${roomTag(room)} while you were away`;
  return [
    ctx.style.dim(`--- ${heading} ---`),
    ...messages.map((m) => `${stamp(ctx, m.ts)} ${messageBody(ctx, m)}`),
    ctx.style.dim('--- end of history ---'),
  ];
}

function others(users: readonly WireUser[], me: string): number {
  return users.filter((u) => u.name.toLowerCase() !== me.toLowerCase()).length;
}

export function renderWelcome(ctx: RenderContext, welcome: Extract<ServerMessage, { type: 'welcome' }>): string[] {
  const name = clean(welcome.name);
  const lines = [
    `Welcome, ${ctx.style.name(name)}! You are in ${roomTag(welcome.room)} with ${plural(others(welcome.users, welcome.name), 'other user', 'other users')}. Type /help for commands.`,
  ];
  if (welcome.topic !== '') lines.push(ctx.style.dim(`Topic: ${clean(welcome.topic)}`));
  return lines;
}

export function renderJoined(ctx: RenderContext, joined: Extract<ServerMessage, { type: 'joined' }>): string {
  const topic = joined.topic === '' ? 'none' : clean(joined.topic);
  return `You joined ${roomTag(joined.room)} (topic: ${topic}). ${plural(joined.users.length, 'user', 'users')} here.`;
}

export function renderPrivate(
  ctx: RenderContext,
  direction: 'from' | 'to',
  peer: string,
  sender: string,
  text: string,
  action: boolean,
  ts: number,
): string {
  const tag = ctx.style.private(`[PM ${direction} ${clean(peer)}]`);
  const body = action ? `* ${ctx.style.name(clean(sender))} ${cleanMultiline(text)}` : cleanMultiline(text);
  return `${stamp(ctx, ts)} ${tag} ${body}`;
}

export function renderHelp(commands: readonly HelpEntry[]): string[] {
  const width = Math.max(0, ...commands.map((c) => clean(c.usage).length));
  return [
    'Commands:',
    ...commands.map((c) => `  ${clean(c.usage).padEnd(width)}  ${clean(c.summary)}`),
    'Any other line is said in the current room; start it with // to say a line that begins with /.',
  ];
}

export function renderRooms(rooms: readonly WireRoom[]): string[] {
  if (rooms.length === 0) return ['No rooms yet.'];
  return rooms.map((r) => {
    const topic = r.topic === '' ? '' : ` - ${clean(r.topic)}`;
    return `* ${roomTag(r.name)} (${plural(r.members, 'user', 'users')})${topic}`;
  });
}

export function renderError(ctx: RenderContext, text: string): string {
  return ctx.style.error(`Error: ${clean(text)}`);
}

/** A chat line the server refused or never confirmed, quoted short so the user can retype it. */
export function renderUndelivered(ctx: RenderContext, why: string, text: string): string {
  const preview = clean(text);
  const short = preview.length > 60 ? `${preview.slice(0, 59)}…` : preview;
  return ctx.style.error(`Not sent: ${clean(why)} ("${short}")`);
}

/**
 * Events (no `re`) and the replies whose rendering needs nothing beyond the reply itself.
 * Replies that need the request (private_sent, errors, hello/join during resync) are handled
 * by the session, which knows what it asked.
 */
export function renderServerMessage(ctx: RenderContext, message: ServerMessage): string[] {
  const dim = ctx.style.dim;
  switch (message.type) {
    case 'message':
    case 'ack':
      return [renderMessage(ctx, message.message)];
    case 'join':
      return [`${stamp(ctx, ctx.now)} ${dim(`${elsewhere(ctx, message.room)}${clean(message.user.name)} has joined the chat.`)}`];
    case 'leave': {
      const reason = message.reason === '' ? '' : ` (${clean(message.reason)})`;
      return [`${stamp(ctx, ctx.now)} ${dim(`${elsewhere(ctx, message.room)}${clean(message.user.name)} has left the chat.${reason}`)}`];
    }
    case 'rename':
      return [`${stamp(ctx, ctx.now)} ${dim(`${clean(message.from)} is now known as ${clean(message.to)}.`)}`];
    case 'private':
      return [renderPrivate(ctx, 'from', message.from, message.from, message.text, message.action, message.ts)];
    case 'broadcast':
      return [`${stamp(ctx, message.ts)} ${ctx.style.server(`[${clean(message.from) || 'SERVER'}]: ${cleanMultiline(message.text)}`)}`];
    case 'welcome':
      return [...renderWelcome(ctx, message), ...renderHistory(ctx, message.room, message.history)];
    case 'joined':
      return [renderJoined(ctx, message), ...renderHistory(ctx, message.room, message.history)];
    case 'left':
      return [`You left ${roomTag(message.room)}.`];
    case 'renamed':
      return [`You are now known as ${ctx.style.name(clean(message.to))}.`];
    case 'topic':
      return [message.topic === '' ? `No topic is set in ${roomTag(message.room)}.` : `Topic of ${roomTag(message.room)}: ${clean(message.topic)}`];
    case 'who':
      return [`Users in ${roomTag(message.room)} (${message.users.length}): ${message.users.map((u) => clean(marked(u))).join(', ')}`];
    case 'rooms':
      // The server pages its room list (at most 200 a reply); the rest is not fetched here.
      return typeof message.next === 'string' ? [...renderRooms(message.rooms), dim('… and more rooms not listed.')] : renderRooms(message.rooms);
    case 'history':
      return message.messages.length === 0
        ? [`No messages in ${roomTag(message.room)} yet.`]
        : renderHistory(ctx, message.room, message.messages);
    case 'help':
      return renderHelp(message.commands);
    case 'private_sent':
      return [renderPrivate(ctx, 'to', message.to, '', '', false, message.ts)];
    case 'bye':
      return [`Disconnected: ${clean(message.reason) || 'closed by the server'}`];
    case 'error':
      return [renderError(ctx, message.text)];
    case 'moderation':
      return [`${stamp(ctx, message.entry.ts)} ${dim(`${elsewhere(ctx, message.entry.room)}${clean(moderationLine(message.entry))}`)}`];
    case 'moderated':
      return [clean(moderationLine(message.entry))];
    case 'bans': {
      const lines = [...sanctionLines('Banned', message.bans), ...sanctionLines('Muted', message.mutes)].map(clean);
      return lines.length === 0 ? [`Nobody is banned or muted in ${roomTag(message.room)}.`] : [`Bans and mutes in ${roomTag(message.room)}:`, ...lines];
    }
    case 'modes':
      return [clean(settingsLine(message.room, message.settings))];
    case 'modlog':
      return message.entries.length === 0 ? [`No moderation actions in ${roomTag(message.room)} yet.`] : [`Moderation log of ${roomTag(message.room)}:`, ...message.entries.map((e) => clean(modLogLine(e)))];
    case 'typing':
    case 'ok':
    case 'pong':
      return [];
  }
  // A type from a newer server: nothing to show, and nothing to break.
  return [];
}
