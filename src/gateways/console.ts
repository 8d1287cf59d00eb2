import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import type { Chat } from '../core/chat.js';
import { SERVER_NAME } from '../core/names.js';

/**
 * The operator console: each line on the server's standard input goes to everyone as
 * `[SERVER]: text`. A closed or non-TTY stdin simply ends the console.
 */
export function startOperatorConsole(input: Readable, chat: Chat, logger: Logger): { close(): void } {
  const lines = createInterface({ input, terminal: false });
  lines.on('line', (line) => chat.broadcast(SERVER_NAME, line));
  lines.on('close', () => logger.debug('operator console closed'));
  input.on('error', (error) => logger.warn({ err: error }, 'operator console input failed; console off'));
  return {
    close: () => {
      lines.close();
      if (input === process.stdin) process.stdin.pause();
    },
  };
}
