import type { SanctionView } from '../core/moderation/room-moderator.js';
import type { ModLogEntry, RoomSettings } from '../core/moderation/state.js';

/** One moderation action as a sentence, for text mode and Socket.IO notices. docs/protocol.md quotes these. */
export function moderationLine(e: ModLogEntry): string {
  const why = e.reason === '' ? '' : ` (${e.reason})`;
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
      return `${e.target} was banned from ${room} by ${e.actor}${e.detail === '' ? '' : ` ${e.detail}`}${why}.`;
    case 'unban':
      return `${e.actor} lifted the ban on ${e.target} in ${room}.`;
    case 'mute':
      return `${e.target} was muted in ${room} by ${e.actor}${e.detail === '' ? '' : ` ${e.detail}`}${why}.`;
    case 'unmute':
      return `${e.actor} unmuted ${e.target} in ${room}.`;
    case 'invite':
      return `${e.actor} invited ${e.target} to ${room}.`;
    case 'mode':
      return `${e.actor} set ${e.detail} in ${room}.`;
    case 'owner':
      return `${e.target} owns ${room}.`;
  }
}

function when(ts: number): string {
  return new Date(ts).toISOString().slice(0, 16).replace('T', ' ');
}

export function sanctionLines(kind: 'Banned' | 'Muted', list: readonly SanctionView[]): string[] {
  return list.map((s) => {
    const until = s.until === null ? 'until lifted' : `until ${when(s.until)} UTC`;
    return `  ${kind}: ${s.name}${s.guest ? ' (guest, and address)' : ''} by ${s.by} ${until}${s.reason === '' ? '' : ` - ${s.reason}`}`;
  });
}

export function settingsLine(room: string, s: RoomSettings): string {
  const flag = (b: boolean) => (b ? 'on' : 'off');
  return `Settings of #${room}: topiclock ${flag(s.topicLock)}, inviteonly ${flag(s.inviteOnly)}, moderated ${flag(s.moderated)}, slowmode ${s.slowmode}, limit ${s.limit}`;
}

export function modLogLine(e: ModLogEntry): string {
  return `  [${when(e.ts)}] ${moderationLine(e)}`;
}
