/**
 * Splits a byte stream from the server into lines. Fed raw chunks, owns no socket, so it is
 * tested directly with split, merged, oversized and invalid input.
 *
 * Lines end with LF; a CR before the LF is dropped. Splitting happens on bytes, never on
 * decoded text: 0x0A never occurs inside a multi-byte UTF-8 sequence, so a character cut in
 * half by a packet boundary is decoded whole, and invalid bytes become U+FFFD.
 */
export type SplitItem =
  | { readonly kind: 'line'; readonly line: string }
  /** A line over the limit was discarded; `bytes` is how many were dropped. */
  | { readonly kind: 'oversized'; readonly bytes: number };

export interface LineSplitterOptions {
  /**
   * Longest line kept, in bytes. A `/history 500` answer of long messages is a few MiB, so the
   * default is generous; the limit only stops a broken server from growing memory forever.
   */
  readonly maxLineBytes?: number;
}

const LF = 0x0a;
const CR = 0x0d;

export class LineSplitter {
  readonly #max: number;
  readonly #decoder = new TextDecoder('utf-8', { fatal: false });
  #parts: Uint8Array[] = [];
  #size = 0;
  /** True while skipping the rest of an oversized line up to its newline. */
  #discarding = false;
  #dropped = 0;

  constructor(options: LineSplitterOptions = {}) {
    this.#max = options.maxLineBytes ?? 32 * 1024 * 1024;
  }

  push(chunk: Uint8Array): SplitItem[] {
    const out: SplitItem[] = [];
    let start = 0;
    while (start <= chunk.length) {
      const nl = chunk.indexOf(LF, start);
      const end = nl === -1 ? chunk.length : nl;
      this.#take(chunk.subarray(start, end));
      if (nl === -1) break;
      out.push(this.#finishLine());
      start = nl + 1;
    }
    return out;
  }

  /** At end of stream: the unterminated last line, if there is one. */
  end(): SplitItem[] {
    if (this.#size === 0 && !this.#discarding) return [];
    return [this.#finishLine()];
  }

  #take(piece: Uint8Array): void {
    if (piece.length === 0) return;
    if (this.#discarding) {
      this.#dropped += piece.length;
      return;
    }
    if (this.#size + piece.length > this.#max) {
      this.#discarding = true;
      this.#dropped = this.#size + piece.length;
      this.#parts = [];
      this.#size = 0;
      return;
    }
    // Copy: the caller may reuse the chunk's memory after push() returns.
    this.#parts.push(Uint8Array.from(piece));
    this.#size += piece.length;
  }

  #finishLine(): SplitItem {
    if (this.#discarding) {
      const bytes = this.#dropped;
      this.#discarding = false;
      this.#dropped = 0;
      return { kind: 'oversized', bytes };
    }
    const joined = this.#parts.length === 1 ? (this.#parts[0] as Uint8Array) : concat(this.#parts, this.#size);
    this.#parts = [];
    this.#size = 0;
    const body = joined.length > 0 && joined[joined.length - 1] === CR ? joined.subarray(0, joined.length - 1) : joined;
    return { kind: 'line', line: this.#decoder.decode(body) };
  }
}

function concat(parts: readonly Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
