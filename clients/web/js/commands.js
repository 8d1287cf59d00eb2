// Slash commands typed in the composer, parsed into the rich Socket.IO requests.
import { toMessage } from './rooms.js';

export const HELP = [
  '/msg NAME TEXT — a private message',
  '/me ACTION — an action',
  '/join ROOM — join a room',
  '/leave — leave this room',
  '/nick NAME — change your name',
  '/topic [TEXT] — show or set the topic',
];

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

/**
 * Runs one slash command. `ctx` is the app's: the connection, the current room, and the
 * functions that show notices, add messages, join and leave rooms, and record a new name.
 */
export async function runCommand(command, ctx) {
  const { conn, room, notice, addMessage, joinRoom, leaveRoom } = ctx;
  switch (command.name) {
    case 'msg': {
      const [to, ...words] = command.args;
      const text = command.rest.slice((to || '').length).trim();
      if (!to || words.length === 0) return notice('error', 'Usage: /msg NAME TEXT');
      const reply = await conn.request('msg', { to, text });
      return reply.ok ? notice('private', `[PM to ${reply.to}]: ${text}`) : notice('error', reply.error.text);
    }
    case 'me': {
      if (command.rest.trim() === '') return notice('error', 'Usage: /me ACTION');
      const reply = await conn.request('say', { room, text: command.rest, action: true });
      return reply.ok ? addMessage(toMessage(reply.message)) : notice('error', reply.error.text);
    }
    case 'join':
      return command.args[0] ? joinRoom(command.args[0].replace(/^#/, '')) : notice('error', 'Usage: /join ROOM');
    case 'leave':
    case 'part':
      return leaveRoom(command.args[0] ? command.args[0].replace(/^#/, '') : room);
    case 'nick': {
      if (!command.args[0]) return notice('error', 'Usage: /nick NAME');
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
    case 'help':
      for (const line of HELP) notice('system', line);
      return undefined;
    default:
      return notice('error', `Unknown command "/${command.name}". Type /help for the list.`);
  }
}
