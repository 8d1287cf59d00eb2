import * as readline from 'node:readline';
import { Writable } from 'node:stream';
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
  /**
   * While set, what is typed is a secret (a password): readline's echo is dropped (it writes
   * through `#echo`, which drops while hidden) and the line is kept out of the up-arrow history.
   */
  #hidden = false;

  constructor(options: TerminalOptions, handlers: TerminalHandlers) {
    this.#output = options.output;
    this.#terminal = options.terminal;
    this.#rl = readline.createInterface({
      input: options.input,
      // Plain mode gets no output stream: readline then never writes prompts or echoes there.
      ...(options.terminal ? { output: this.#echoStream(options.output), completer: options.completer } : {}),
      terminal: options.terminal,
      historySize: 500,
      prompt: '> ',
    });
    // Documented use of the event: the listener may edit the array, e.g. to keep a password out.
    this.#rl.on('history', (history: string[]) => {
      if (this.#hidden) history.shift();
    });
    this.#rl.on('line', (line) => {
      if (this.#hidden) this.#output.write('\n');
      handlers.line(line);
    });
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

  /**
   * Asks for a secret: shows `prompt`, and the next line typed is neither echoed nor kept in
   * history. The caller ends it with `hideInput(false)` once that line has arrived. In plain
   * mode (piped input) nothing is echoed anyway; the prompt is written as a line.
   */
  hideInput(hidden: boolean, prompt?: string): void {
    this.#hidden = hidden;
    if (!hidden || prompt === undefined) return;
    if (!this.#terminal || this.#closed) {
      this.#output.write(`${prompt}\n`);
      return;
    }
    this.setPrompt(prompt);
  }

  /** What readline writes: the real output, except the echo of a line being typed hidden. */
  #echoStream(output: NodeJS.WritableStream): NodeJS.WritableStream {
    const echo = new Writable({
      write: (chunk: Buffer | string, _encoding, callback) => {
        if (!this.#hidden) output.write(chunk);
        callback();
      },
    });
    // readline reads the width (where typed text wraps) and follows resizes.
    Object.defineProperty(echo, 'columns', { get: () => (output as { columns?: number }).columns });
    output.on('resize', () => echo.emit('resize'));
    return echo;
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
    // Hidden input is not on screen: the cursor stands just after the prompt.
    const rows = this.#hidden ? 0 : this.#rl.getCursorPos().rows;
    if (rows > 0) readline.moveCursor(this.#output, 0, -rows);
    readline.cursorTo(this.#output, 0);
    readline.clearScreenDown(this.#output);
    if (above !== '') this.#output.write(above);
    (this.#rl as readline.Interface & { prevRows?: number }).prevRows = 0;
    // readline's own redraw would write the typed secret after the prompt (and is dropped).
    if (this.#hidden) this.#output.write(this.#rl.getPrompt());
    else this.#rl.prompt(true);
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

  /**
   * Takes the line just submitted out of the up-arrow history: it held a secret typed inline
   * (`/login alice PASSWORD`). readline's `history` array has no documented setter outside the
   * 'history' event, which has already passed for this line.
   */
  forgetSubmitted(line: string): void {
    const history = (this.#rl as readline.Interface & { history?: string[] }).history;
    if (history !== undefined && history[0] === line) history.shift();
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
    const rows = this.#hidden ? 0 : this.#rl.getCursorPos().rows;
    if (rows > 0) readline.moveCursor(this.#output, 0, -rows);
    readline.cursorTo(this.#output, 0);
    readline.clearScreenDown(this.#output);
  }
}
