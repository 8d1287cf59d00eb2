import type { Chat } from '../../core/chat.js';
import { disconnect, type Disconnect } from '../../core/disconnect.js';
import { chatError } from '../../core/errors.js';
import type { Command, Outcome } from '../../core/types.js';
import { HELP, parseSlash } from '../../protocol/slash.js';
import { EOL, TEXT, errorLine, helpLines, replyLines } from '../../protocol/text.js';
import type { LineHandler, TcpConnection } from './connection.js';
import type { TextDoor, TextLink } from './doors.js';

// Commands after which later lines must see the new state (name, current room) first.
const ORDERING: ReadonlySet<Command['type']> = new Set(['register', 'join', 'leave', 'nick', 'quit']);

/**
 * The `nc`/telnet session: asks for a name, then turns lines into commands. Keeps only its
 * session id and the current room (a text-mode notion) beside the connection.
 */
export class TextSession implements LineHandler, TextLink {
  readonly connection: TcpConnection;
  readonly #chat: Chat;
  readonly #sessionId: string;
  #room: string | null = null;
  #named = false;
  /** Lines waiting while an ordering command completes. */
  #waiting: string[] | null = null;
  #busy = false;

  constructor(connection: TcpConnection, chat: Chat, door: TextDoor) {
    this.connection = connection;
    this.#chat = chat;
    this.#sessionId = chat.connect(door, this as TextLink);
    this.#write([TEXT.greeting, TEXT.askName]);
  }

  currentRoom(): string | null {
    return this.#room;
  }

  line(text: string): void {
    if (this.#busy) {
      (this.#waiting ??= []).push(text);
      return;
    }
    this.#handle(text);
  }

  overflow(limit: number): void {
    this.#write([TEXT.lineTooLong(limit)]);
  }

  closed(why: Disconnect): void {
    this.#waiting = null;
    this.#chat.disconnect(this.#sessionId, why);
  }

  farewell(why: Disconnect): string {
    const line = why.code === 'shutdown' ? why.reason : `Disconnected: ${why.reason}`;
    return `${line}${EOL}`;
  }

  #handle(raw: string): void {
    const text = raw.trim();
    if (!this.#named) {
      if (text === '') return this.#write([TEXT.emptyName]);
      if (text === '/quit') return this.#run({ type: 'quit' });
      return this.#run({ type: 'register', name: text });
    }
    if (text === '') return;
    if (!text.startsWith('/') || text.startsWith('//')) {
      if (this.#room === null) return this.#write([TEXT.noRoom]);
      const said = text.startsWith('//') ? text.slice(1) : text;
      return this.#run({ type: 'say', room: this.#room, text: said });
    }
    const parsed = parseSlash(text, this.#room);
    if (parsed.kind === 'help') return this.#write(helpLines(HELP));
    if (parsed.kind === 'error') return this.#write([errorLine(chatError(parsed.code, parsed.text))]);
    this.#run(parsed.command);
  }

  #run(command: Command): void {
    const work = this.connection.track(this.#chat.execute(this.#sessionId, command));
    if (!ORDERING.has(command.type)) {
      void work.then((outcome) => this.#answer(command, outcome));
      return;
    }
    this.#busy = true;
    void work.then((outcome) => {
      this.#answer(command, outcome);
      this.#busy = false;
      while (!this.#busy && this.#waiting && this.#waiting.length > 0) this.#handle(this.#waiting.shift() ?? '');
    });
  }

  #answer(command: Command, outcome: Outcome): void {
    if (!outcome.ok) {
      if (command.type === 'register') {
        const { code, text } = outcome.error;
        const name = command.name.trim();
        return this.#write([code === 'name_taken' ? TEXT.nameTaken(name) : TEXT.badName(text)]);
      }
      return this.#write([errorLine(outcome.error)]);
    }
    const reply = outcome.reply;
    switch (reply.type) {
      case 'registered':
        this.#named = true;
        this.#room = reply.joined.room;
        break;
      case 'joined':
        this.#room = reply.room;
        break;
      case 'left':
        if (this.#room === reply.room) this.#room = this.#chat.roomsOf(this.#sessionId)[0] ?? null;
        break;
      case 'private_sent':
        if (command.type === 'msg') this.#write([`[PM to ${reply.to}]: ${command.text.trim()}`]);
        break;
      case 'bye':
        this.#write(replyLines(reply));
        this.connection.close(disconnect('quit'), { farewell: false });
        return;
    }
    this.#write(replyLines(reply));
    if (reply.type === 'left' && this.#room !== null) this.#write([`You are now talking in #${this.#room}.`]);
  }

  #write(lines: readonly string[]): void {
    if (lines.length === 0) return;
    this.connection.send(lines.join(EOL) + EOL);
  }
}
