import { disconnect } from '../../core/disconnect.js';
import { chatError, type ChatError } from '../../core/errors.js';
import type { Reply } from '../../core/types.js';
import { HELP, parseSlash } from '../../protocol/slash.js';
import { errorLine, helpLines, replyLines } from '../../protocol/text.js';
import { chatMessage, joinRoom } from './classic.js';
import { notice } from './encode.js';
import { closeAfterAnswer, done, execute, failed, type RequestContext, type Result } from './request.js';

/** A classic `chatMessage` line: a slash command, or chat (`//text` says `/text`). */
export function classicLine(ctx: RequestContext, line: string): Promise<Result> {
  if (line.startsWith('//')) return chatMessage(ctx, line.slice(1));
  if (line.startsWith('/')) return classicSlash(ctx, line);
  return chatMessage(ctx, line);
}

/**
 * Slash commands typed into a classic client (`chatMessage "/who"`), as every door runs them
 * (src/protocol/slash.ts). Contract: answers go to this socket only, as `message` notices from
 * the bot, one per line, in the text door's wording; a refused command is one `Error: ...`
 * notice and the request fails with its code (ack, or `error` event). `/join` is `joinRoom`
 * under the current name; `/quit` closes the connection.
 */
export async function classicSlash(ctx: RequestContext, line: string): Promise<Result> {
  const parsed = parseSlash(line, ctx.link.classicRoom);
  if (parsed.kind === 'help') return tell(ctx, helpLines(HELP));
  if (parsed.kind === 'error') return refuse(ctx, chatError(parsed.code, parsed.text));
  const command = parsed.command;
  if (command.type === 'join') {
    const name = ctx.chat.nameOf(ctx.link.sessionId);
    if (name === null) return refuse(ctx, chatError('not_registered', 'Join a room first (joinRoom).'));
    const joined = await joinRoom(ctx, name, command.room);
    return joined.ok ? joined : refuse(ctx, joined.error);
  }
  const outcome = await execute(ctx, command);
  if (!outcome.ok) return refuse(ctx, outcome.error);
  if (outcome.reply.type === 'left' && outcome.reply.room === ctx.link.classicRoom) ctx.link.classicRoom = null;
  // `/login` on a socket without a name names it, into the default room.
  if (outcome.reply.type === 'registered') ctx.link.classicRoom = outcome.reply.joined.room;
  if (command.type === 'quit' || command.type === 'logout') {
    const reason = command.type === 'logout' ? 'Logged out' : command.reason ? `Quit: ${command.reason}` : 'Quit';
    closeAfterAnswer(ctx, disconnect('quit', reason));
    return done({});
  }
  const extra = command.type === 'msg' && outcome.reply.type === 'private_sent' ? [`[PM to ${outcome.reply.to}]: ${command.text}`] : [];
  return tell(ctx, [...linesOf(outcome.reply), ...extra]);
}

/** The reply as text lines; a classic client already sees its own messages and actions echoed. */
function linesOf(reply: Reply): string[] {
  return reply.type === 'sent' ? [] : replyLines(reply);
}

function tell(ctx: RequestContext, lines: readonly string[]): Result {
  const now = ctx.clock();
  for (const text of lines) ctx.door.sendTo(ctx.link, { name: 'message', payload: notice(ctx.door.botName, text, null, now) });
  return done({});
}

function refuse(ctx: RequestContext, error: ChatError): Result {
  tell(ctx, [errorLine(error)]);
  return failed(error);
}
