// Slash commands typed in the composer, turned into the rich Socket.IO requests. The list is
// the one every door offers (README "Commands (every door)", docs/protocol.md "## Commands").
import { MODERATION_COMMANDS, MODERATION_HELP, runModeration } from './moderation.js';
import { toMessage } from './rooms.js';
import { shortTime } from './view.js';

export const HELP = [
  '/join ROOM — join a room (created if new) and talk there',
  '/leave [ROOM] — leave a room (default: this one)',
  '/rooms — list rooms; /rooms more shows the next page',
  '/who [ROOM] — list the members of a room',
  '/nick NAME — change your name',
  '/me ACTION — an action: * you ACTION',
  '/msg NAME TEXT — a private message',
  '/topic [TEXT] — show or set the topic',
  '/history [N] — the last N messages of this room (default 20, at most 500)',
  '/quit [REASON] — leave the chat',
  ...MODERATION_HELP,
  'Any other line is said in this room; start it with // to say a line that begins with /.',
];

const ROOMS_PAGE = 200;
const HISTORY_DEFAULT = 20;
const HISTORY_MAX = 500;

/**
 * @returns {{ type: 'say', text: string } | { type: 'command', name: string, args: string[], rest: string } }
 */
export function parseInput(line) {
  if (!line.startsWith('/') || line.startsWith('//')) return { type: 'say', text: line.startsWith('//') ? line.slice(1) : line };
  const match = /^\/(\S+)\s*(.*)$/s.exec(line);
  const name = (match ? match[1] : '').toLowerCase();
  const rest = match ? match[2] : '';
  return { type: 'command', name, rest, args: rest.split(/\s+/).filter(Boolean) };
}

const roomArg = (word) => word.replace(/^#/, '');
const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;

/** A member as /who lists it: `@` before an owner or operator, `+` before a voiced user (as text mode). */
function whoName(user) {
  const mark = user.role === 'owner' || user.role === 'op' ? '@' : user.role === 'voice' ? '+' : '';
  return `${mark}${user.username}`;
}

/** One line of a message as the /history listing shows it. */
function historyLine(m) {
  const body = m.kind === 'action' ? `* ${m.author} ${m.text}` : m.kind === 'topic' ? `${m.author} set the topic to: ${m.text}` : `${m.author}: ${m.text}`;
  return `[${shortTime(m.ts)}] ${body}`;
}

/**
 * Runs one slash command. `ctx` is the app's: the connection, the current room, and the
 * functions that show notices, add messages, join and leave rooms, send a chat line, record a
 * new name and quit. `ctx.paging` keeps the room list's cursor between `/rooms` and `/rooms more`.
 */
export async function runCommand(command, ctx) {
  const { conn, room, notice } = ctx;
  switch (command.name) {
    case 'msg': {
      const [to, ...words] = command.args;
      const text = command.rest.slice((to || '').length).trim();
      if (!to || words.length === 0) return notice('error', 'Usage: /msg NAME TEXT');
      const reply = await conn.request('msg', { to, text });
      return reply.ok ? notice('private', `[PM to ${reply.to}]: ${text}`) : notice('error', reply.error.text);
    }
    case 'me':
      if (command.rest.trim() === '') return notice('error', 'Usage: /me ACTION');
      return ctx.say(command.rest, true);
    case 'join':
      return command.args.length === 1 ? ctx.joinRoom(roomArg(command.args[0])) : notice('error', 'Usage: /join ROOM');
    case 'leave':
    case 'part':
      if (command.args.length > 1) return notice('error', 'Usage: /leave [ROOM]');
      return ctx.leaveRoom(command.args[0] ? roomArg(command.args[0]) : room);
    case 'who': {
      if (command.args.length > 1) return notice('error', 'Usage: /who [ROOM]');
      const reply = await conn.request('who', { room: command.args[0] ? roomArg(command.args[0]) : room });
      if (!reply.ok) return notice('error', reply.error.text);
      return notice('system', `Users in #${reply.room} (${reply.users.length}): ${reply.users.map(whoName).join(', ')}`);
    }
    case 'rooms':
      return listRooms(command, ctx);
    case 'history': {
      const raw = command.args[0];
      const limit = raw === undefined ? HISTORY_DEFAULT : /^\d{1,3}$/.test(raw) ? Number(raw) : NaN;
      if (command.args.length > 1 || !(limit >= 1 && limit <= HISTORY_MAX)) return notice('error', 'Usage: /history [N]');
      const reply = await conn.request('history', { room, limit });
      if (!reply.ok) return notice('error', reply.error.text);
      const messages = reply.messages.map(toMessage);
      if (messages.length === 0) return notice('system', `No messages in #${reply.room} yet.`);
      // Messages already on screen are not duplicated in the list; the listing is a notice.
      for (const m of messages) ctx.addMessage(m);
      return notice('system', [`Last ${plural(messages.length, 'message', 'messages')} in #${reply.room}:`, ...messages.map(historyLine)].join('\n'));
    }
    case 'nick': {
      if (command.args.length !== 1) return notice('error', 'Usage: /nick NAME');
      const reply = await conn.request('nick', { name: command.args[0] });
      if (!reply.ok) return notice('error', reply.error.text);
      ctx.renamed(reply.to);
      return undefined;
    }
    case 'topic': {
      const reply = await conn.request('topic', { room, text: command.rest.trim() || undefined });
      if (!reply.ok) return notice('error', reply.error.text);
      return command.rest.trim() ? undefined : notice('system', reply.topic ? `Topic: ${reply.topic}` : 'No topic is set.');
    }
    case 'quit':
      return ctx.quit(command.rest.trim());
    case 'help':
      return notice('system', ['Commands:', ...HELP].join('\n'));
    default:
      if (MODERATION_COMMANDS.has(command.name)) return runModeration(command, ctx);
      return notice('error', `Unknown command "/${command.name}". Type /help for the list.`);
  }
}

/** `/rooms` lists the first page; `/rooms more` the page after the last one listed. */
async function listRooms(command, ctx) {
  const more = command.args[0] === 'more';
  if (command.args.length > 1 || (command.args.length === 1 && !more)) return ctx.notice('error', 'Usage: /rooms [more]');
  const after = more ? ctx.paging.roomsNext : null;
  if (more && after === null) return ctx.notice('system', 'No more rooms: type /rooms to list them from the start.');
  const reply = await ctx.conn.request('rooms', after === null ? { limit: ROOMS_PAGE } : { limit: ROOMS_PAGE, after });
  if (!reply.ok) return ctx.notice('error', reply.error.text);
  const rooms = reply.rooms.slice(0, ROOMS_PAGE);
  // A server that does not page starts from the top again: there is then no next page to ask for.
  const paged = after === null || (rooms.length > 0 && rooms[0].name > after);
  ctx.paging.roomsNext = paged && typeof reply.next === 'string' ? reply.next : null;
  if (!paged || rooms.length === 0) return ctx.notice('system', after === null ? 'No rooms yet.' : 'No more rooms.');
  const lines = rooms.map((r) => `#${r.name} (${plural(r.members, 'user', 'users')})${r.topic ? ` - ${r.topic}` : ''}`);
  const tail = ctx.paging.roomsNext === null ? [] : ['More rooms: type /rooms more.'];
  return ctx.notice('system', [more ? 'More rooms:' : 'Rooms:', ...lines, ...tail].join('\n'));
}
