import * as readline from 'node:readline';
import { rowsCovered } from './display-width.js';

/**
 * The screen side of the client: a readline prompt that incoming lines never garble.
 *
 * In terminal mode (a TTY, or forced in tests) printing first erases the prompt and whatever
 * is being typed, writes the new lines, then has readline redraw the prompt with the typed
 * text and cursor where they were. In plain mode (piped input or output) there is no prompt
 * and lines are simply written.
 */
export interface TerminalHandlers {
  line(line: string): void;
  /** Input ended: Ctrl-D on an empty line, or the end of piped input. */
  end(): void;
  /** Ctrl-C, in terminal mode (in plain mode it is the process's SIGINT). */
  interrupt(): void;
}

export interface TerminalOptions {
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WritableStream;
  readonly terminal: boolean;
  readonly completer?: (line: string) => [string[], string];
}

export class Terminal {
  readonly #rl: readline.Interface;
  readonly #output: NodeJS.WritableStream;
  readonly #terminal: boolean;
  #closed = false;

  constructor(options: TerminalOptions, handlers: TerminalHandlers) {
    this.#output = options.output;
    this.#terminal = options.terminal;
    this.#rl = readline.createInterface({
      input: options.input,
      // Plain mode gets no output stream: readline then never writes prompts or echoes there.
      ...(options.terminal ? { output: options.output, completer: options.completer } : {}),
      terminal: options.terminal,
      historySize: 500,
      prompt: '> ',
    });
    this.#rl.on('line', (line) => handlers.line(line));
    this.#rl.on('close', () => {
      // Our own close() is not the user's Ctrl-D.
      if (this.#closed) return;
      this.#wipePrompt();
      this.#closed = true;
      handlers.end();
    });
    this.#rl.on('SIGINT', () => handlers.interrupt());
  }

  get isTerminal(): boolean {
    return this.#terminal;
  }

  /** Writes whole lines above the prompt, then redraws the prompt and the half-typed input. */
  print(lines: readonly string[]): void {
    if (lines.length === 0) return;
    const text = `${lines.join('\n')}\n`;
    if (!this.#terminal || this.#closed) {
      this.#output.write(text);
      return;
    }
    this.#redraw(text);
  }

  setPrompt(prompt: string): void {
    if (this.#rl.getPrompt() === prompt) return;
    this.#rl.setPrompt(prompt);
    if (this.#terminal && !this.#closed) this.#redraw('');
  }

  showPrompt(): void {
    if (this.#terminal && !this.#closed) this.#redraw('');
  }

  /**
   * Wipes the prompt and input from their first row down, writes `above`, draws them again.
   *
   * readline's own redraw (`prompt(true)`) starts by moving up `prevRows`, the row it believes
   * the cursor is on; Node 20 leaves that stale when pasted or typed text wraps, and the redraw
   * then lands a row off. So the move up is done here from `getCursorPos()` (where the cursor
   * really is), and `prevRows` is set to 0 to say the cursor now stands on the prompt's row.
   */
  #redraw(above: string): void {
    const rows = this.#rl.getCursorPos().rows;
    if (rows > 0) readline.moveCursor(this.#output, 0, -rows);
    readline.cursorTo(this.#output, 0);
    readline.clearScreenDown(this.#output);
    if (above !== '') this.#output.write(above);
    (this.#rl as readline.Interface & { prevRows?: number }).prevRows = 0;
    this.#rl.prompt(true);
  }

  /**
   * Removes the line the user just submitted (readline echoed it and moved below it). Used for
   * chat lines, which come back rendered with their time once the server acknowledges them.
   */
  eraseSubmitted(line: string, promptAtSubmit: string): void {
    if (!this.#terminal || this.#closed) return;
    const columns = (this.#output as { columns?: number }).columns;
    readline.moveCursor(this.#output, 0, -rowsCovered(promptAtSubmit + line, columns));
    readline.cursorTo(this.#output, 0);
    readline.clearScreenDown(this.#output);
  }

  get prompt(): string {
    return this.#rl.getPrompt();
  }

  /** Stops reading; in terminal mode the prompt is wiped so the shell starts on a clean row. */
  close(): void {
    if (this.#closed) return;
    this.#wipePrompt();
    this.#closed = true;
    this.#rl.close();
  }

  /** After input ends nothing is typed any more: later lines go where the prompt was. */
  #wipePrompt(): void {
    if (!this.#terminal) return;
    const rows = this.#rl.getCursorPos().rows;
    if (rows > 0) readline.moveCursor(this.#output, 0, -rows);
    readline.cursorTo(this.#output, 0);
    readline.clearScreenDown(this.#output);
  }
}
