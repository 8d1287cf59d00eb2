import { normaliseAddress } from '../address-limit.js';
import type { Chat } from '../../core/chat.js';
import { disconnect, type Disconnect } from '../../core/disconnect.js';
import { chatError } from '../../core/errors.js';
import type { Command, Outcome } from '../../core/types.js';
import { withPeer, type PeerInfo } from '../../protocol/peer.js';
import { HELP, parseSlash } from '../../protocol/slash.js';
import { EOL, TEXT, errorLine, helpLines, prefixEach, replyLines } from '../../protocol/text.js';
import { CommandRunner } from './command-runner.js';
import type { GreetingHandler, TcpConnection } from './connection.js';
import type { TextDoor, TextLink } from './doors.js';

// Commands after which later lines must see the new state (name, current room) first.
const ORDERING: ReadonlySet<Command['type']> = new Set(['register', 'join', 'leave', 'nick', 'quit', 'login', 'resume', 'signup', 'logout', 'password']);

/**
 * The `nc`/telnet session: asks for a name, then turns lines into commands. Keeps only its
 * session id and the current room (a text-mode notion) beside the connection.
 */
export class TextSession implements GreetingHandler, TextLink {
  readonly connection: TcpConnection;
  readonly #chat: Chat;
  readonly #sessionId: string;
  readonly #runner: CommandRunner;
  readonly #peer: PeerInfo;
  #room: string | null = null;
  #named = false;
  /** Lines waiting while an ordering command completes. */
  #waiting: string[] | null = null;
  #busy = false;

  constructor(connection: TcpConnection, chat: Chat, door: TextDoor, peer: PeerInfo) {
    this.connection = connection;
    this.#peer = peer;
    this.#chat = chat;
    this.#sessionId = chat.connect(door, this as TextLink, peer.peer === undefined ? undefined : normaliseAddress(peer.peer));
    this.#runner = new CommandRunner(chat, connection, this.#sessionId);
    connection.logger.debug({ session: this.#sessionId, mode: 'text', remote: connection.peerAddress }, 'TCP session started');
    this.#write([TEXT.greeting, TEXT.askName]);
  }

  currentRoom(): string | null {
    return this.#room;
  }

  line(text: string): void {
    if (this.#busy) {
      (this.#waiting ??= []).push(text);
      // Lines held here wait for budget as surely as those the runner paces.
      if (this.#runner.overHardLimit(this.#waiting.length + this.#runner.waiting)) this.#runner.flood();
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

  abandon(): void {
    this.#waiting = null;
    // Nameless and in no room: nobody is told anything.
    this.#chat.disconnect(this.#sessionId, disconnect('closed', 'Switched to JSON lines'));
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
      if (/^\/login(\s|$)/i.test(text)) return this.#slash(text);
      return this.#run({ type: 'register', name: text });
    }
    if (text === '') return;
    if (!text.startsWith('/') || text.startsWith('//')) {
      if (this.#room === null) return this.#write([TEXT.noRoom]);
      const said = text.startsWith('//') ? text.slice(1) : text;
      return this.#run({ type: 'say', room: this.#room, text: said });
    }
    this.#slash(text);
  }

  #slash(text: string): void {
    const parsed = parseSlash(text, this.#room);
    if (parsed.kind === 'help') return this.#write(helpLines(HELP));
    if (parsed.kind === 'error') return this.#write([errorLine(chatError(parsed.code, parsed.text)), ...this.#askAgain()]);
    this.#run(withPeer(parsed.command, this.#peer));
  }

  /** At the name prompt a refused line is followed by the prompt again. */
  #askAgain(): string[] {
    return this.#named ? [] : [TEXT.askName];
  }

  #run(command: Command): void {
    const ordering = ORDERING.has(command.type);
    const answered = this.#runner.run(
      command,
      { answer: (outcome) => this.#answer(command, outcome), internalError: () => this.#write([errorLine(chatError('internal_error'))]) },
      // Lines before /quit are answered before "Bye!".
      { afterEarlier: command.type === 'quit' },
    );
    if (!ordering) return;
    this.#busy = true;
    void answered.then(() => {
      this.#busy = false;
      while (!this.#busy && this.#waiting && this.#waiting.length > 0) this.#handle(this.#waiting.shift() ?? '');
    });
  }

  #answer(command: Command, outcome: Outcome): void {
    if (!outcome.ok) {
      if (command.type === 'register') {
        const { code, text } = outcome.error;
        const name = command.name.trim();
        if (code === 'name_taken') return this.#write([TEXT.nameTaken(name)]);
        if (code === 'invalid_name') return this.#write([TEXT.badName(text)]);
        if (code === 'name_registered') return this.#write([TEXT.nameRegistered(name)]);
      }
      return this.#write([errorLine(outcome.error), ...this.#askAgain()]);
    }
    const reply = outcome.reply;
    switch (reply.type) {
      case 'registered':
        this.#named = true;
        this.#room = reply.joined.room;
        this.connection.named();
        break;
      case 'joined':
        this.#room = reply.room;
        break;
      case 'left':
        if (this.#room === reply.room) this.#room = this.#chat.roomsOf(this.#sessionId)[0] ?? null;
        break;
      case 'private_sent':
        if (command.type === 'msg') this.#write(prefixEach(`[PM to ${reply.to}]: `, command.text.trim()));
        break;
      case 'rooms':
        if (reply.rooms.length === 0 && command.type === 'rooms' && command.after !== undefined) return this.#write([TEXT.noMoreRooms]);
        break;
      case 'bye': {
        const loggedOut = command.type === 'logout';
        this.#write([...(loggedOut ? [TEXT.loggedOut] : []), ...replyLines(reply)]);
        this.connection.close(disconnect('quit', loggedOut ? 'Logged out' : 'Quit'), { farewell: false });
        return;
      }
      case 'account':
        if (command.type === 'signup') return this.#write([TEXT.signedUp(reply.name), ...replyLines(reply)]);
        if (command.type === 'password') return this.#write([TEXT.passwordChanged]);
        break;
    }
    this.#write(replyLines(reply));
    if (reply.type === 'left' && this.#room !== null) this.#write([`You are now talking in #${this.#room}.`]);
  }

  #write(lines: readonly string[]): void {
    if (lines.length === 0) return;
    this.connection.send(lines.join(EOL) + EOL);
  }
}
