/** Progress lines on stderr, each prefixed by the time since the run started. Stdout stays clean. */
export class Progress {
  readonly #start = Date.now();

  line(text: string): void {
    const s = Math.round((Date.now() - this.#start) / 1000);
    const stamp = `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
    process.stderr.write(`[bench ${stamp}] ${text}\n`);
  }

  elapsedMs(): number {
    return Date.now() - this.#start;
  }
}
