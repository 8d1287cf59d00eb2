import type { BenchClient, ClientSpec } from '../client.js';
import { LineSocket } from './line-socket.js';

/** IRC client (RFC 1459/2812 subset): NICK, USER, wait for 001, JOIN #room, wait for 366. */
export async function openIrc(spec: ClientSpec): Promise<BenchClient> {
  const client = await LineSocket.open(spec);
  client.onHandshakeLine = (line) => {
    if (line.startsWith('PING ')) client.write(`PONG ${line.slice(5)}\r\n`);
  };
  const welcome = client.waitFor((line) => / 001 /.test(line) || line.startsWith('ERROR'), 'RPL_WELCOME');
  client.write(`NICK ${spec.name}\r\nUSER ${spec.name} 0 * :${spec.name}\r\n`);
  const answer = await welcome;
  if (answer.startsWith('ERROR')) throw new Error(`registration refused: ${answer}`);
  const joined = client.waitFor((line) => / 366 /.test(line) || / 4\d\d /.test(line), 'RPL_ENDOFNAMES');
  client.write(`JOIN #${spec.room}\r\n`);
  const reply = await joined;
  if (!/ 366 /.test(reply)) throw new Error(`join refused: ${reply}`);
  client.ready();
  return new IrcClient(client, spec.room);
}

/** Sends chat lines as PRIVMSG to the client's channel. */
class IrcClient implements BenchClient {
  readonly role;
  readonly #line: LineSocket;
  readonly #prefix: string;

  constructor(
    line: LineSocket,
    readonly room: string,
  ) {
    this.#line = line;
    this.role = line.role;
    this.#prefix = `PRIVMSG #${room} :`;
  }

  received(): number {
    return this.#line.received();
  }

  closed(): boolean {
    return this.#line.closed();
  }

  send(text: string): void {
    this.#line.write(`${this.#prefix}${text}\r\n`);
  }

  close(): void {
    this.#line.write('QUIT :bench done\r\n');
    this.#line.close();
  }
}
