import { connect, type Socket } from 'node:net';
import { HOST } from '../../lib/ports.js';
import type { BenchClient, ClientSpec, Role } from '../client.js';

const NL = 10;
/**
 * One read buffer for every socket of the process: with `onread`, Node reads into it and calls
 * back synchronously, so no Buffer is allocated and no stream event is emitted per read.
 */
const READ_BUFFER = Buffer.allocUnsafe(256 * 1024);

interface Waiter {
  readonly test: (line: string) => boolean;
  readonly resolve: (line: string) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * A line-oriented TCP client. During the handshake it splits lines and lets the dialect wait
 * for markers; afterwards a receiver only counts newlines (cheap) and a probe also splits
 * lines and times each one. Every line is counted from the first byte; steps use differences.
 */
export class LineSocket implements BenchClient {
  readonly role: Role;
  readonly room: string;
  readonly #socket: Socket;
  readonly #spec: ClientSpec;
  #count = 0;
  #closed = false;
  #handshaking = true;
  #partial = '';
  #waiter: Waiter | null = null;
  /** Called for every handshake line (IRC answers PING here). */
  onHandshakeLine: ((line: string) => void) | null = null;

  private constructor(socket: Socket, spec: ClientSpec) {
    this.#socket = socket;
    this.#spec = spec;
    this.role = spec.role;
    this.room = spec.room;
    socket.setNoDelay(true);
    socket.on('close', () => {
      this.#closed = true;
      this.#fail(new Error('connection closed'));
    });
    socket.on('error', (error) => this.#fail(error));
  }

  static open(spec: ClientSpec): Promise<LineSocket> {
    return new Promise((resolve, reject) => {
      let client: LineSocket | null = null;
      const socket = connect({
        host: HOST,
        port: spec.port,
        onread: {
          buffer: READ_BUFFER,
          callback: (bytes: number, buffer: Uint8Array) => {
            if (client) client.#onData(buffer as Buffer, bytes);
            return true;
          },
        },
      });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error('connect timed out'));
      }, spec.timeoutMs);
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        client = new LineSocket(socket, spec);
        resolve(client);
      });
    });
  }

  received(): number {
    return this.#count;
  }

  closed(): boolean {
    return this.#closed;
  }

  write(text: string): void {
    if (!this.#closed) this.#socket.write(text);
  }

  /** One chat line: the text and LF. */
  send(text: string): void {
    this.write(`${text}\n`);
  }

  close(): void {
    this.#closed = true;
    this.#socket.destroy();
  }

  /** Resolves with the first line (from now on) that passes `test`; bounded by the spec's timeout. */
  waitFor(test: (line: string) => boolean, what: string): Promise<string> {
    return new Promise((resolve, reject) => {
      if (this.#closed) return reject(new Error(`closed before ${what}`));
      const timer = setTimeout(() => {
        this.#waiter = null;
        reject(new Error(`timed out waiting for ${what}`));
      }, this.#spec.timeoutMs);
      this.#waiter = { test, resolve, reject, timer };
    });
  }

  /** Ends the handshake: from now on a receiver only counts newlines. */
  ready(): void {
    this.#handshaking = false;
    this.#partial = '';
  }

  /** `buffer` is shared: only its first `bytes` bytes are this socket's, and only during the call. */
  #onData(buffer: Buffer, bytes: number): void {
    let lines = 0;
    for (let i = 0; i < bytes; i++) if (buffer[i] === NL) lines++;
    this.#count += lines;
    if (this.#handshaking || this.role === 'probe') this.#splitLines(buffer.toString('utf8', 0, bytes));
  }

  #splitLines(chunk: string): void {
    const text = this.#partial + chunk;
    let start = 0;
    let end = text.indexOf('\n', start);
    while (end !== -1) {
      const line = text.charCodeAt(end - 1) === 13 ? text.slice(start, end - 1) : text.slice(start, end);
      if (this.#handshaking) this.#onHandshake(line);
      else this.#spec.observer.observe(line);
      start = end + 1;
      end = text.indexOf('\n', start);
    }
    this.#partial = text.slice(start);
  }

  #onHandshake(line: string): void {
    this.onHandshakeLine?.(line);
    const waiter = this.#waiter;
    if (waiter && waiter.test(line)) {
      clearTimeout(waiter.timer);
      this.#waiter = null;
      waiter.resolve(line);
    }
  }

  #fail(error: Error): void {
    const waiter = this.#waiter;
    if (!waiter) return;
    clearTimeout(waiter.timer);
    this.#waiter = null;
    waiter.reject(error);
  }
}
