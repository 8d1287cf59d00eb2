import type { JsonServerMessage } from '../../src/protocol/jsonl-shapes.js';
import { COMMAND_NAMES } from './commands.js';

/** Tab completion: slash commands at the start of a line, otherwise names seen on the wire. */
export class Completion {
  readonly #names = new Set<string>();

  /** Picks up the names a server message mentions. */
  learn(message: JsonServerMessage): void {
    const add = (name: unknown): void => {
      if (typeof name === 'string' && name !== '') this.#names.add(name);
    };
    if ('users' in message && Array.isArray(message.users)) message.users.forEach((u) => add(u.name));
    if (message.type === 'join') add(message.user.name);
    if (message.type === 'message') add(message.message.author);
    if (message.type === 'private') add(message.from);
    if (message.type === 'rename') {
      this.#names.delete(message.from);
      add(message.to);
    }
  }

  /** readline's completer contract: the candidates, and the part of the line they replace. */
  complete(line: string): [string[], string] {
    if (/^\/\S*$/.test(line)) {
      const all = COMMAND_NAMES.map((c) => `/${c}`);
      const hits = all.filter((c) => c.startsWith(line.toLowerCase()));
      return [hits.length > 0 ? hits : all, line];
    }
    const word = /\S*$/.exec(line)?.[0] ?? '';
    if (word === '') return [[], line];
    const lower = word.toLowerCase();
    return [[...this.#names].filter((n) => n.toLowerCase().startsWith(lower)).sort(), word];
  }
}
