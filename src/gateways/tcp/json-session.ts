import { normaliseAddress } from '../address-limit.js';
import type { Chat } from '../../core/chat.js';
import { disconnect, type Disconnect } from '../../core/disconnect.js';
import { chatError } from '../../core/errors.js';
import type { Command, Outcome } from '../../core/types.js';
import type { JsonServerMessage } from '../../protocol/jsonl-shapes.js';
import { withPeer, type PeerInfo } from '../../protocol/peer.js';
import { decodeJsonLine, encodeLine, errorMessage, replyMessage, type RequestId } from '../../protocol/jsonl.js';
import { CommandRunner } from './command-runner.js';
import type { LineHandler, TcpConnection } from './connection.js';
import type { JsonDoor, JsonLink } from './doors.js';

// Requests that may name the session (later ones wait for their answer), and those that end it.
const NAMES_SESSION: ReadonlySet<Command['type']> = new Set(['register', 'login', 'resume', 'signup']);
const ENDS_SESSION: ReadonlySet<Command['type']> = new Set(['quit', 'logout']);

/**
 * The JSON-lines session. Requests are independent (each names its room), so they run as
 * they arrive and the core fixes their order; two exceptions: requests after a `hello` wait
 * for its welcome, and a `quit` waits until every earlier request is answered, so `bye` is
 * always the last line.
 */
export class JsonSession implements LineHandler, JsonLink {
  readonly connection: TcpConnection;
  readonly #chat: Chat;
  readonly #sessionId: string;
  readonly #runner: CommandRunner;
  readonly #peer: PeerInfo;
  /** The room `/me`, `/topic`, `/history` act on when sent as a `command` line. */
  #room: string | null = null;

  constructor(connection: TcpConnection, chat: Chat, door: JsonDoor, peer: PeerInfo) {
    this.connection = connection;
    this.#peer = peer;
    this.#chat = chat;
    this.#sessionId = chat.connect(door, this as JsonLink, peer.peer === undefined ? undefined : normaliseAddress(peer.peer));
    this.#runner = new CommandRunner(chat, connection, this.#sessionId);
    connection.logger.debug({ session: this.#sessionId, mode: 'json', remote: connection.peerAddress }, 'TCP session started');
  }

  line(text: string): void {
    const request = decodeJsonLine(text, this.#room);
    if (request.kind === 'answer') return this.#send(request.message);
    if (request.kind === 'command') this.#run(withPeer(request.command, this.#peer), request.re);
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
    void this.#runner.run(
      command,
      { answer: (outcome) => this.#answer(command, outcome, re), internalError: () => this.#send(errorMessage(chatError('internal_error'), re)) },
      { afterEarlier: ENDS_SESSION.has(command.type), beforeLater: NAMES_SESSION.has(command.type) },
    );
  }

  #answer(command: Command, outcome: Outcome, re: RequestId): void {
    if (!outcome.ok) return this.#send(errorMessage(outcome.error, re));
    const reply = outcome.reply;
    if (reply.type === 'registered') {
      this.#room = reply.joined.room;
      this.connection.named();
    }
    if (reply.type === 'joined') this.#room = reply.room;
    if (reply.type === 'left' && this.#room === reply.room) this.#room = this.#chat.roomsOf(this.#sessionId)[0] ?? null;
    const reason = command.type === 'quit' ? (command.reason ?? 'Quit') : command.type === 'logout' ? 'Logged out' : 'Quit';
    this.#send(replyMessage(reply, re, reason));
    if (reply.type === 'bye') this.connection.close(disconnect('quit', reason), { farewell: false });
  }

  #send(message: JsonServerMessage): void {
    this.connection.send(encodeLine(message));
  }
}
