import { z } from 'zod';
import { checkRoom } from '../core/names.js';
import type { ChatMessage } from '../core/types.js';
import type { RoomImage } from '../core/ports/store.js';

/**
 * The export format: newline-delimited JSON, one object per line, UTF-8. Stable once written:
 * change it only by adding optional fields, or by a new `version`.
 *
 *   {"type":"parley-export","version":1,"exportedAt":"2026-12-01T04:00:00.000Z"}   first line
 *   {"type":"room","name":"dev","topic":"Release day","lastSeq":120,"lastTs":1764561600000}
 *   {"type":"message","id":"…","room":"dev","seq":7,"kind":"chat","author":"ann","text":"hi","ts":…,"account":"…"}
 *
 * Each room's line comes before its messages, which follow in ascending seq. `lastSeq` is the
 * highest number the room has used (messages since deleted included), so an import never
 * hands out a number the source already used. `account` is absent for a guest's message.
 */
export const EXPORT_VERSION = 1;

// A room name as the core keeps it (folded): anything else could never be joined.
const roomName = z.string().refine((name) => {
  const checked = checkRoom(name);
  return 'room' in checked && checked.room === name;
}, 'not a room name in the form the server keeps (lower case, 1 to 32 letters, digits, "_", "-" or ".")');
const time = z.number().int().nonnegative();

const HeaderLine = z.object({ type: z.literal('parley-export'), version: z.literal(EXPORT_VERSION), exportedAt: z.string() });
const RoomLine = z.object({ type: z.literal('room'), name: roomName, topic: z.string(), lastSeq: z.number().int().nonnegative(), lastTs: time.nullable() });
const MessageLine = z.object({
  type: z.literal('message'),
  id: z.string().min(1),
  room: roomName,
  seq: z.number().int().positive(),
  kind: z.enum(['chat', 'action', 'topic']),
  author: z.string().min(1),
  text: z.string(),
  ts: time,
  account: z.string().min(1).optional(),
});
const Line = z.discriminatedUnion('type', [HeaderLine, RoomLine, MessageLine]);

export type ExportLine =
  | { readonly type: 'header'; readonly version: number }
  | { readonly type: 'room'; readonly room: RoomImage }
  | { readonly type: 'message'; readonly message: ChatMessage };

export function headerLine(now: Date): string {
  return JSON.stringify({ type: 'parley-export', version: EXPORT_VERSION, exportedAt: now.toISOString() });
}

export function roomLine(room: RoomImage): string {
  return JSON.stringify({ type: 'room', name: room.name, topic: room.topic, lastSeq: room.lastSeq, lastTs: room.lastTs });
}

export function messageLine(m: ChatMessage): string {
  const { id, room, seq, kind, author, text, ts, account } = m;
  return JSON.stringify(account === undefined ? { type: 'message', id, room, seq, kind, author, text, ts } : { type: 'message', id, room, seq, kind, author, text, ts, account });
}

/** One line of the file is not an export line; `message` says which and why. */
export class ExportFormatError extends Error {
  constructor(readonly lineNumber: number, reason: string) {
    super(`line ${lineNumber}: ${reason}`);
    this.name = 'ExportFormatError';
  }
}

/** Parses one line (without its newline). Blank lines are allowed and give null. */
export function parseLine(text: string, lineNumber: number): ExportLine | null {
  if (text.trim() === '') return null;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    if (error instanceof SyntaxError) throw new ExportFormatError(lineNumber, `not JSON (${error.message})`);
    throw error;
  }
  const parsed = Line.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    throw new ExportFormatError(lineNumber, `${where}${issue?.message ?? 'not an export line'}`);
  }
  const line = parsed.data;
  switch (line.type) {
    case 'parley-export':
      return { type: 'header', version: line.version };
    case 'room':
      return { type: 'room', room: { name: line.name, topic: line.topic, lastSeq: line.lastSeq, lastTs: line.lastTs } };
    case 'message': {
      const { type: _type, account, ...fields } = line;
      return { type: 'message', message: account === undefined ? fields : { ...fields, account } };
    }
  }
}
