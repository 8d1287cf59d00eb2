// Moderation slash commands typed in the composer (docs/protocol.md "Moderation"), sent as the
// Socket.IO `moderate` request. The server tells the room's other members with a notice; the
// actor gets the action's log entry as its answer, shown here in the same words
// (src/protocol/moderation-text.ts). Listings (/bans, /mode, /modlog) are shown as notices.

export const MODERATION_HELP = [
  '/op NAME, /deop NAME — (owner) make NAME an operator here, or no longer',
  '/voice NAME, /devoice NAME — (operators) NAME may speak in a moderated room, or no longer',
  '/kick NAME [REASON] — (operators) take NAME out of the room',
  '/ban NAME [DURATION] [REASON], /unban NAME, /bans — (operators) bans (DURATION: 30s, 10m, 2h, 7d, 1w)',
  '/mute NAME [DURATION] [REASON], /unmute NAME — (operators) NAME stays but cannot speak',
  '/invite NAME — (operators) NAME may join while the room is invite-only',
  '/mode [SETTING VALUE] — the room settings; operators set topiclock, inviteonly, moderated, slowmode, limit',
  '/modlog [N] — (operators) the room\'s last N moderation actions',
];

const NAME_ONLY = new Set(['op', 'deop', 'voice', 'devoice', 'unban', 'unmute', 'invite']);
const TIMED = new Set(['ban', 'mute']);
export const MODERATION_COMMANDS = new Set([...NAME_ONLY, ...TIMED, 'kick', 'bans', 'mode', 'modlog']);

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };
const MAX_SECONDS = 366 * 86_400;

/** `30s`, `10m`, `2h`, `7d`, `1w`, or a bare number of minutes, as seconds; null if the word is not one. */
export function durationSeconds(word) {
  const match = /^(\d{1,7})([smhdw]?)$/i.exec(word);
  if (!match) return null;
  const seconds = Number(match[1]) * UNIT_SECONDS[(match[2] || 'm').toLowerCase()];
  return seconds >= 1 && seconds <= MAX_SECONDS ? seconds : null;
}

const when = (ts) => new Date(ts).toISOString().slice(0, 16).replace('T', ' ');

function sanctionLine(kind, s) {
  const until = s.until === null ? 'until lifted' : `until ${when(s.until)} UTC`;
  return `  ${kind}: ${s.name}${s.guest ? ' (guest, and address)' : ''} by ${s.by} ${until}${s.reason ? ` - ${s.reason}` : ''}`;
}

/** One action as a sentence: the words of the server's notices (src/protocol/moderation-text.ts). */
export function moderationLine(e) {
  const why = e.reason ? ` (${e.reason})` : '';
  const detail = e.detail ? ` ${e.detail}` : '';
  const room = `#${e.room}`;
  switch (e.action) {
    case 'op':
      return `${e.actor} made ${e.target} an operator of ${room}.`;
    case 'deop':
      return `${e.actor} removed ${e.target} as an operator of ${room}.`;
    case 'voice':
      return `${e.actor} gave ${e.target} a voice in ${room}.`;
    case 'devoice':
      return `${e.actor} took ${e.target}'s voice in ${room}.`;
    case 'kick':
      return `${e.target} was kicked from ${room} by ${e.actor}${why}.`;
    case 'ban':
      return `${e.target} was banned from ${room} by ${e.actor}${detail}${why}.`;
    case 'unban':
      return `${e.actor} lifted the ban on ${e.target} in ${room}.`;
    case 'mute':
      return `${e.target} was muted in ${room} by ${e.actor}${detail}${why}.`;
    case 'unmute':
      return `${e.actor} unmuted ${e.target} in ${room}.`;
    case 'invite':
      return `${e.actor} invited ${e.target} to ${room}.`;
    case 'mode':
      return `${e.actor} set ${e.detail} in ${room}.`;
    case 'owner':
      return `${e.target} owns ${room}.`;
    default:
      return `${e.actor} ${e.action} ${e.target}${detail}${why} in ${room}.`;
  }
}

const logLine = (e) => `  [${when(e.ts)}] ${moderationLine(e)}`;

const onOff = (b) => (b ? 'on' : 'off');

/** Builds the `moderate` request from a parsed command, or returns a usage text. */
export function moderationRequest(command, room) {
  const { name, args } = command;
  if (NAME_ONLY.has(name)) return args.length === 1 ? { room, action: name, name: args[0] } : `Usage: /${name} NAME`;
  if (name === 'kick') {
    if (args.length === 0) return 'Usage: /kick NAME [REASON]';
    return { room, action: name, name: args[0], reason: args.slice(1).join(' ') || undefined };
  }
  if (TIMED.has(name)) {
    if (args.length === 0) return `Usage: /${name} NAME [DURATION] [REASON]`;
    const seconds = args[1] === undefined ? null : durationSeconds(args[1]);
    const reason = args.slice(seconds === null ? 1 : 2).join(' ');
    return { room, action: name, name: args[0], seconds: seconds ?? undefined, reason: reason || undefined };
  }
  if (name === 'bans') return args.length === 0 ? { room, action: name } : 'Usage: /bans';
  if (name === 'modlog') {
    const limit = args[0] === undefined ? undefined : /^\d{1,3}$/.test(args[0]) ? Number(args[0]) : NaN;
    return args.length > 1 || (limit !== undefined && !(limit >= 1 && limit <= 200)) ? 'Usage: /modlog [N]' : { room, action: name, limit };
  }
  // mode
  if (args.length === 0) return { room, action: name };
  if (args.length !== 2) return 'Usage: /mode [SETTING VALUE]';
  return { room, action: name, setting: args[0].toLowerCase(), value: /^\d+$/.test(args[1]) ? Number(args[1]) : args[1].toLowerCase() };
}

/**
 * Runs a moderation command; `notice(cls, text)` shows the outcome in the current room;
 * `actedOn(room)` is told after an action (roles may have changed).
 */
export async function runModeration(command, ctx) {
  const { conn, room, notice } = ctx;
  const request = moderationRequest(command, room);
  if (typeof request === 'string') return notice('error', request);
  const reply = await conn.request('moderate', request);
  if (!reply.ok) return notice('error', reply.error.text);
  if (Array.isArray(reply.bans)) {
    const lines = [...reply.bans.map((s) => sanctionLine('Banned', s)), ...reply.mutes.map((s) => sanctionLine('Muted', s))];
    return notice('system', [`Bans and mutes in #${reply.room}:`, ...(lines.length > 0 ? lines : ['  none'])].join('\n'));
  }
  if (reply.settings) {
    const s = reply.settings;
    return notice('system', `Settings of #${reply.room}: topiclock ${onOff(s.topicLock)}, inviteonly ${onOff(s.inviteOnly)}, moderated ${onOff(s.moderated)}, slowmode ${s.slowmode}, limit ${s.limit}`);
  }
  if (Array.isArray(reply.entries)) {
    return notice('system', [`Moderation log of #${reply.room}:`, ...(reply.entries.length > 0 ? reply.entries.map(logLine) : ['  nothing yet'])].join('\n'));
  }
  // An action: its log entry, in the words the room's other members get.
  if (reply.entry) {
    notice('system', moderationLine(reply.entry));
    return ctx.actedOn(reply.entry.room);
  }
  return undefined;
}
