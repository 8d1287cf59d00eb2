import type { Chat } from '../../core/chat.js';
import { disconnect, type Disconnect } from '../../core/disconnect.js';
import { chatError } from '../../core/errors.js';
import type { Command } from '../../core/types.js';
import { JsonRequestSchema, type JsonServerMessage } from '../../protocol/jsonl-shapes.js';
import { decodeRequest, encodeLine, errorMessage, helpMessage, replyMessage } from '../../protocol/jsonl.js';
import { parseSlash } from '../../protocol/slash.js';
import type { LineHandler, TcpConnection } from './connection.js';
import type { JsonDoor, JsonLink } from './doors.js';

type RequestId = string | number | null;

/**
 * The JSON-lines session. Requests are independent (each names its room), so they are not
 * serialised: the core assigns order synchronously when each request arrives.
 */
export class JsonSession implements LineHandler, JsonLink {
  readonly connection: TcpConnection;
  readonly #chat: Chat;
  readonly #sessionId: string;
  /** The room `/me`, `/topic`, `/history` act on when sent as a `command` line. */
  #room: string | null = null;

  constructor(connection: TcpConnection, chat: Chat, door: JsonDoor) {
    this.connection = connection;
    this.#chat = chat;
    this.#sessionId = chat.connect(door, this as JsonLink);
  }

  line(text: string): void {
    if (text.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      return this.#send(errorMessage(chatError('bad_request', `Invalid JSON: ${(error as Error).message}`), null));
    }
    const re = requestIdOf(value);
    const parsed = JsonRequestSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const unknownType = issue?.path[0] === 'type' && typeof (value as { type?: unknown }).type === 'string';
      const where = issue && issue.path.length > 0 ? ` at "${issue.path.join('.')}"` : '';
      const error = unknownType
        ? chatError('unknown_command', `Unknown request type "${(value as { type: string }).type}".`)
        : chatError('bad_request', `${issue?.message ?? 'Invalid request'}${where}.`);
      return this.#send(errorMessage(error, re));
    }
    const decoded = decodeRequest(parsed.data, re);
    if (decoded.kind === 'local') return this.#send(decoded.message);
    if (decoded.kind === 'command') return this.#run(decoded.command, re);
    const slash = parseSlash(decoded.line.trim().startsWith('/') ? decoded.line.trim() : `/${decoded.line.trim()}`, this.#room);
    if (slash.kind === 'help') return this.#send(helpMessage(re));
    if (slash.kind === 'error') return this.#send(errorMessage(chatError(slash.code, slash.text), re));
    this.#run(slash.command, re);
  }

  overflow(limit: number): void {
    this.#send(errorMessage(chatError('line_too_long', `Line too long (over ${limit} bytes); it was discarded.`), null));
  }

  closed(why: Disconnect): void {
    this.#chat.disconnect(this.#sessionId, why);
  }

  farewell(why: Disconnect): string {
    return encodeLine({ type: 'bye', re: null, reason: why.reason, code: why.code });
  }

  #run(command: Command, re: RequestId): void {
    void this.connection.track(this.#chat.execute(this.#sessionId, command)).then((outcome) => {
      if (!outcome.ok) return this.#send(errorMessage(outcome.error, re));
      const reply = outcome.reply;
      if (reply.type === 'registered') this.#room = reply.joined.room;
      if (reply.type === 'joined') this.#room = reply.room;
      if (reply.type === 'left' && this.#room === reply.room) this.#room = this.#chat.roomsOf(this.#sessionId)[0] ?? null;
      const reason = command.type === 'quit' ? (command.reason ?? 'Quit') : 'Quit';
      this.#send(replyMessage(reply, re, reason));
      if (reply.type === 'bye') this.connection.close(disconnect('quit', reason), { farewell: false });
    });
  }

  #send(message: JsonServerMessage): void {
    this.connection.send(encodeLine(message));
  }
}

function requestIdOf(value: unknown): RequestId {
  if (typeof value !== 'object' || value === null) return null;
  const id = (value as { id?: unknown }).id;
  if (typeof id === 'number' && Number.isFinite(id)) return id;
  if (typeof id === 'string' && id.length <= 64) return id;
  return null;
}
