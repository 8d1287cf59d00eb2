const LF = 0x0a;
const CR = 0x0d;
const IAC = 0xff;
const SB = 0xfa;
const SE = 0xf0;
const WILL = 0xfb;
const DONT = 0xfe;
/**
 * Longest telnet subnegotiation kept out of the data. Real ones (terminal type, window size)
 * are a few bytes; an `IAC SB` never closed by `IAC SE` must not swallow the session's input.
 */
export const MAX_SUBNEGOTIATION_BYTES = 256;

export interface LineSink {
  line(text: string): void;
  /** A line passed the limit; it is being discarded up to the next newline. Called once per such line. */
  overflow(limit: number): void;
}

const enum Telnet {
  Data,
  Iac,
  Option,
  Sub,
  SubIac,
}

/**
 * Splits a byte stream into lines. Owns no socket: it is fed chunks, so it is tested on bytes.
 * - LF ends a line; a CR before it is dropped.
 * - Telnet negotiation (IAC WILL/WONT/DO/DONT x, IAC SB ... IAC SE, IAC cmd) is removed;
 *   0xFF never occurs in UTF-8, so this is safe for every mode. A subnegotiation longer than
 *   MAX_SUBNEGOTIATION_BYTES ends there: the bytes after it are data again.
 * - Invalid UTF-8 becomes U+FFFD (decoding happens per complete line, so a character split
 *   across chunks is kept whole).
 * - A line over `maxBytes` is reported once and discarded up to its newline.
 */
export class LineDecoder {
  readonly #maxBytes: number;
  readonly #sink: LineSink;
  /** Pieces of an unfinished line; created on the first one (most connections never need it). */
  #parts: Buffer[] | null = null;
  #size = 0;
  #discarding = false;
  #sawNewline = false;
  #telnet = Telnet.Data;
  #subBytes = 0;

  constructor(maxBytes: number, sink: LineSink) {
    this.#maxBytes = maxBytes;
    this.#sink = sink;
  }

  push(chunk: Buffer): void {
    const data = this.#telnet === Telnet.Data && chunk.indexOf(IAC) === -1 ? chunk : this.#stripTelnet(chunk);
    let start = 0;
    for (;;) {
      const newline = data.indexOf(LF, start);
      if (newline === -1) {
        this.#keep(data.subarray(start));
        return;
      }
      this.#sawNewline = true;
      this.#keep(data.subarray(start, newline));
      this.#endLine();
      start = newline + 1;
    }
  }

  /** Bytes held for an unfinished line. */
  get buffered(): number {
    return this.#size;
  }

  /** Whether a newline has ever arrived: the client frames its lines itself. */
  get sawNewline(): boolean {
    return this.#sawNewline;
  }

  /**
   * Takes the unfinished line as complete (for clients that never send a newline; the
   * connection decides when). Nothing happens when no bytes are held.
   */
  flush(): void {
    if (this.#size > 0 && !this.#discarding) this.#endLine();
  }

  #keep(part: Buffer): void {
    if (part.length === 0 || this.#discarding) return;
    if (this.#size + part.length > this.#maxBytes) {
      this.#discarding = true;
      this.#parts = null;
      this.#size = 0;
      this.#sink.overflow(this.#maxBytes);
      return;
    }
    (this.#parts ??= []).push(part);
    this.#size += part.length;
  }

  #endLine(): void {
    if (this.#discarding) {
      this.#discarding = false;
      return;
    }
    const parts = this.#parts ?? [];
    let bytes = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, this.#size);
    this.#parts = null;
    this.#size = 0;
    if (bytes.length > 0 && bytes[bytes.length - 1] === CR) bytes = bytes.subarray(0, bytes.length - 1);
    this.#sink.line(bytes.toString('utf8'));
  }

  #stripTelnet(chunk: Buffer): Buffer {
    const out = Buffer.allocUnsafe(chunk.length);
    let n = 0;
    for (const byte of chunk) {
      switch (this.#telnet) {
        case Telnet.Data:
          if (byte === IAC) this.#telnet = Telnet.Iac;
          else out[n++] = byte;
          break;
        case Telnet.Iac:
          if (byte === SB) {
            this.#telnet = Telnet.Sub;
            this.#subBytes = 0;
          } else if (byte >= WILL && byte <= DONT) this.#telnet = Telnet.Option;
          else this.#telnet = Telnet.Data; // IAC IAC, NOP, GA ...: two bytes, nothing kept
          break;
        case Telnet.Option:
          this.#telnet = Telnet.Data;
          break;
        case Telnet.Sub:
        case Telnet.SubIac:
          if (this.#subBytes++ >= MAX_SUBNEGOTIATION_BYTES) {
            // Never closed: give up on it, and this byte is data again.
            this.#telnet = Telnet.Data;
            if (byte === IAC) this.#telnet = Telnet.Iac;
            else out[n++] = byte;
          } else if (this.#telnet === Telnet.SubIac) this.#telnet = byte === SE ? Telnet.Data : Telnet.Sub;
          else if (byte === IAC) this.#telnet = Telnet.SubIac;
          break;
      }
    }
    return out.subarray(0, n);
  }
}
