import { parseDuration } from '../core/moderation/duration.js';
import type { Command } from '../core/types.js';
import type { HelpEntry } from './jsonl-shapes.js';

/** What a slash line turns into: a core command, the help list, or a usage error. */
export type SlashResult =
  | { readonly kind: 'command'; readonly command: Command }
  | { readonly kind: 'help' }
  | { readonly kind: 'error'; readonly code: 'usage' | 'unknown_command' | 'not_in_room'; readonly text: string };

interface SlashSpec {
  readonly usage: string;
  readonly summary: string;
  /** Words required after the command. */
  readonly minArgs: number;
  /**
   * Words allowed after the command; `FREE_TEXT` when the last argument is free text (it takes
   * the rest of the line). More words than this are refused with the usage line, never dropped.
   */
  readonly maxArgs: number;
  /** Whether the command acts on the current room, and so needs one. */
  readonly needsRoom: boolean;
  readonly build: (args: readonly string[], rest: string, room: string) => Command | 'help';
}

/** `maxArgs` of a command whose last argument is free text. */
export const FREE_TEXT = Number.POSITIVE_INFINITY;

/** The text after the first `n` words. */
function dropWords(rest: string, n: number): string {
  let left = rest;
  for (let i = 0; i < n; i++) left = left.replace(/^\S+\s*/, '');
  return left.trim();
}

function role(which: 'op' | 'voice', grant: boolean, summary: string): SlashSpec {
  const word = `${grant ? '' : 'de'}${which}`;
  return { usage: `/${word} NAME`, summary, minArgs: 1, maxArgs: 1, needsRoom: true, build: (a, _r, room) => ({ type: 'role', room, name: a[0] ?? '', role: which, grant }) };
}

function target(type: 'unban' | 'unmute' | 'invite', summary: string): SlashSpec {
  return { usage: `/${type} NAME`, summary, minArgs: 1, maxArgs: 1, needsRoom: true, build: (a, _r, room) => ({ type, room, name: a[0] ?? '' }) };
}

/** `/ban NAME [DURATION] [REASON]`: the second word is the duration when it reads as one. */
function sanction(type: 'ban' | 'mute', summary: string): SlashSpec {
  return {
    usage: `/${type} NAME [DURATION] [REASON]`,
    summary,
    minArgs: 1,
    maxArgs: FREE_TEXT,
    needsRoom: true,
    build: (a, rest, room) => {
      const durationMs = a[1] === undefined ? null : parseDuration(a[1]);
      const reason = dropWords(rest, durationMs === null ? 1 : 2);
      return { type, room, name: a[0] ?? '', ...(durationMs === null ? {} : { durationMs }), ...(reason === '' ? {} : { reason }) };
    },
  };
}

/**
 * The command table: one row per command, preconditions checked in `parseSlash`.
 * Contract for the account rows: a password is free text to the end of the line (`/register`,
 * `/login`) or one word (`/password OLD NEW`), and never appears in an error or usage line.
 * The door adds the connection's `peer` and `secure` (protocol/peer.ts).
 */
export const SLASH_COMMANDS: Readonly<Record<string, SlashSpec>> = {
  help: { usage: '/help', summary: 'this list', minArgs: 0, maxArgs: 0, needsRoom: false, build: () => 'help' },
  join: { usage: '/join ROOM', summary: 'join a room (created if new) and talk there', minArgs: 1, maxArgs: 1, needsRoom: false, build: (a) => ({ type: 'join', room: a[0] ?? '' }) },
  leave: { usage: '/leave [ROOM]', summary: 'leave a room (default: the current one)', minArgs: 0, maxArgs: 1, needsRoom: false, build: (a, _r, room) => ({ type: 'leave', room: a[0] ?? room }) },
  rooms: {
    usage: '/rooms [AFTER]',
    summary: 'list the rooms, a page at a time (AFTER: where the previous page ended)',
    minArgs: 0,
    maxArgs: 1,
    needsRoom: false,
    build: (a) => ({ type: 'rooms', after: a[0] === undefined ? undefined : a[0].replace(/^#/, '').toLowerCase() }),
  },
  who: { usage: '/who [ROOM]', summary: 'who is in a room', minArgs: 0, maxArgs: 1, needsRoom: false, build: (a, _r, room) => ({ type: 'who', room: a[0] ?? room }) },
  nick: { usage: '/nick NAME', summary: 'change your name', minArgs: 1, maxArgs: 1, needsRoom: false, build: (a) => ({ type: 'nick', name: a[0] ?? '' }) },
  me: { usage: '/me ACTION', summary: 'say an action: * you ACTION', minArgs: 1, maxArgs: FREE_TEXT, needsRoom: true, build: (_a, rest, room) => ({ type: 'action', room, text: rest }) },
  msg: {
    usage: '/msg NAME TEXT',
    summary: 'a private message to one user',
    minArgs: 2,
    maxArgs: FREE_TEXT,
    needsRoom: false,
    build: (a, rest) => ({ type: 'msg', to: a[0] ?? '', text: rest.slice((a[0] ?? '').length).trim() }),
  },
  topic: { usage: '/topic [TEXT]', summary: 'show or set the topic of the current room', minArgs: 0, maxArgs: FREE_TEXT, needsRoom: true, build: (_a, rest, room) => ({ type: 'topic', room, text: rest === '' ? undefined : rest }) },
  history: {
    usage: '/history [N]',
    summary: 'the last N messages of the current room (default 20)',
    minArgs: 0,
    maxArgs: 1,
    needsRoom: true,
    build: (a, _r, room) => ({ type: 'history', room, query: { limit: a[0] === undefined ? 20 : Number(a[0]) } }),
  },
  register: {
    usage: '/register PASSWORD',
    summary: 'register the name you are using, with a password (over TLS or from this machine)',
    minArgs: 1,
    maxArgs: FREE_TEXT,
    needsRoom: false,
    build: (_a, rest) => ({ type: 'signup', password: rest }),
  },
  login: {
    usage: '/login NAME PASSWORD',
    summary: 'log in to a registered name (also at the name prompt)',
    minArgs: 2,
    maxArgs: FREE_TEXT,
    needsRoom: false,
    build: (a, rest) => ({ type: 'login', name: a[0] ?? '', password: rest.slice((a[0] ?? '').length).trim() }),
  },
  logout: { usage: '/logout', summary: 'log out (the login token stops working) and leave', minArgs: 0, maxArgs: 0, needsRoom: false, build: () => ({ type: 'logout' }) },
  password: {
    usage: '/password OLD NEW',
    summary: 'change your password (tokens of earlier logins stop working)',
    minArgs: 2,
    maxArgs: 2,
    needsRoom: false,
    build: (a) => ({ type: 'password', old: a[0] ?? '', new: a[1] ?? '' }),
  },
  op: role('op', true, 'make NAME an operator of the current room (owner)'),
  deop: role('op', false, 'NAME is no longer an operator here (owner)'),
  voice: role('voice', true, 'let NAME speak in a moderated room (operators)'),
  devoice: role('voice', false, 'take NAME\'s voice (operators)'),
  kick: {
    usage: '/kick NAME [REASON]',
    summary: 'remove NAME from the current room (operators)',
    minArgs: 1,
    maxArgs: FREE_TEXT,
    needsRoom: true,
    build: (a, rest, room) => ({ type: 'kick', room, name: a[0] ?? '', reason: dropWords(rest, 1) || undefined }),
  },
  ban: sanction('ban', 'keep NAME (a guest: and its address) out of the current room; DURATION like 30m, 2h, 7d (operators)'),
  unban: target('unban', 'lift the ban on NAME (operators)'),
  bans: { usage: '/bans', summary: 'the bans and mutes of the current room (operators)', minArgs: 0, maxArgs: 0, needsRoom: true, build: (_a, _r, room) => ({ type: 'bans', room }) },
  mute: sanction('mute', 'NAME stays but cannot speak in the current room (operators)'),
  unmute: target('unmute', 'NAME may speak again (operators)'),
  invite: target('invite', 'let NAME into the current room while it is invite-only (operators)'),
  mode: {
    usage: '/mode [SETTING VALUE]',
    summary: 'show the room\'s settings, or set one: topiclock|inviteonly|moderated on|off, slowmode SECONDS, limit N (operators)',
    minArgs: 0,
    maxArgs: 2,
    needsRoom: true,
    build: (a, _r, room) => ({ type: 'mode', room, setting: a[0], value: a[1] ?? '' }),
  },
  modlog: {
    usage: '/modlog [N]',
    summary: 'the last N moderation actions in the current room (operators)',
    minArgs: 0,
    maxArgs: 1,
    needsRoom: true,
    build: (a, _r, room) => ({ type: 'modlog', room, limit: a[0] === undefined ? 20 : Number(a[0]) }),
  },
  quit: { usage: '/quit [REASON]', summary: 'leave the chat', minArgs: 0, maxArgs: FREE_TEXT, needsRoom: false, build: (_a, rest) => ({ type: 'quit', reason: rest === '' ? undefined : rest }) },
};

export const HELP: readonly HelpEntry[] = Object.values(SLASH_COMMANDS).map(({ usage, summary }) => ({ usage, summary }));

/** Parses `/cmd args...`; `room` is the current room of a text session (or null). */
export function parseSlash(line: string, room: string | null): SlashResult {
  const body = line.replace(/^\//, '');
  const word = /^\S*/.exec(body)?.[0] ?? '';
  const name = word.toLowerCase();
  const rest = body.slice(word.length).trim();
  const args = rest === '' ? [] : rest.split(/\s+/);
  const spec = SLASH_COMMANDS[name];
  if (!spec || !Object.hasOwn(SLASH_COMMANDS, name)) {
    return { kind: 'error', code: 'unknown_command', text: `Unknown command "/${name}". Type /help for the list.` };
  }
  if (name === 'mode' && args.length === 1) return { kind: 'error', code: 'usage', text: `Usage: ${spec.usage}` };
  if (args.length < spec.minArgs || args.length > spec.maxArgs) return { kind: 'error', code: 'usage', text: `Usage: ${spec.usage}` };
  if ((name === 'history' || name === 'modlog') && args[0] !== undefined && !/^\d{1,3}$/.test(args[0])) {
    return { kind: 'error', code: 'usage', text: `Usage: ${spec.usage}` };
  }
  const needsRoom = spec.needsRoom || ((name === 'leave' || name === 'who') && args.length === 0);
  if (needsRoom && room === null) {
    return { kind: 'error', code: 'not_in_room', text: 'You are not in a room. Use /join ROOM.' };
  }
  const built = spec.build(args, rest, room ?? '');
  return built === 'help' ? { kind: 'help' } : { kind: 'command', command: built };
}
