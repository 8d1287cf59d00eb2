/**
 * Just enough of RFC 6455 for a counting receiver: a frame reader that is fed bytes (split
 * or merged anyhow) and reports each frame's opcode and payload length, handing over the
 * payload only when asked to (short control-like frames), and a writer of masked text frames.
 */
export interface FrameSink {
  /** A complete frame; `payload` is given only for frames of at most `keepUpTo` bytes. */
  frame(opcode: number, length: number, payload: Buffer | null): void;
}

const enum State {
  Header,
  Payload,
}

export class FrameReader {
  readonly #sink: FrameSink;
  /** Payloads up to this many bytes are handed to the sink; longer ones are only measured. */
  keepUpTo: number;
  #state = State.Header;
  #header = Buffer.alloc(14);
  #headerHave = 0;
  #opcode = 0;
  #remaining = 0;
  #length = 0;
  #kept: Buffer[] | null = null;

  constructor(sink: FrameSink, keepUpTo: number) {
    this.#sink = sink;
    this.keepUpTo = keepUpTo;
  }

  push(data: Buffer): void {
    let at = 0;
    while (at < data.length) {
      if (this.#state === State.Header) {
        at = this.#readHeader(data, at);
        continue;
      }
      const take = Math.min(this.#remaining, data.length - at);
      if (this.#kept) this.#kept.push(Buffer.from(data.subarray(at, at + take)));
      this.#remaining -= take;
      at += take;
      if (this.#remaining === 0) this.#finish();
    }
  }

  #readHeader(data: Buffer, at: number): number {
    // Copy header bytes until the header is complete (its size depends on byte 1).
    while (at < data.length) {
      this.#header[this.#headerHave++] = data[at++] ?? 0;
      const need = this.#headerSize();
      if (need !== null && this.#headerHave >= need) {
        this.#startPayload();
        return at;
      }
    }
    return at;
  }

  #headerSize(): number | null {
    if (this.#headerHave < 2) return null;
    const b1 = this.#header[1] ?? 0;
    const len = b1 & 0x7f;
    const mask = b1 & 0x80 ? 4 : 0;
    return 2 + (len === 126 ? 2 : len === 127 ? 8 : 0) + mask;
  }

  #startPayload(): void {
    const b1 = this.#header[1] ?? 0;
    const len7 = b1 & 0x7f;
    this.#opcode = (this.#header[0] ?? 0) & 0x0f;
    this.#length = len7 === 126 ? this.#header.readUInt16BE(2) : len7 === 127 ? Number(this.#header.readBigUInt64BE(2)) : len7;
    this.#remaining = this.#length;
    this.#headerHave = 0;
    this.#kept = this.#length <= this.keepUpTo ? [] : null;
    this.#state = State.Payload;
    if (this.#remaining === 0) this.#finish();
  }

  #finish(): void {
    const payload = this.#kept ? Buffer.concat(this.#kept) : null;
    this.#state = State.Header;
    this.#kept = null;
    this.#sink.frame(this.#opcode, this.#length, payload);
  }
}

/** A client text frame; RFC 6455 requires client frames to be masked (a zero key is valid). */
export function textFrame(text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  const n = payload.length;
  const head = n < 126 ? 2 : n < 65536 ? 4 : 10;
  const frame = Buffer.alloc(head + 4 + n);
  frame[0] = 0x81;
  if (n < 126) frame[1] = 0x80 | n;
  else if (n < 65536) {
    frame[1] = 0x80 | 126;
    frame.writeUInt16BE(n, 2);
  } else {
    frame[1] = 0x80 | 127;
    frame.writeBigUInt64BE(BigInt(n), 2);
  }
  // Mask key 0,0,0,0: the payload is unchanged.
  payload.copy(frame, head + 4);
  return frame;
}
