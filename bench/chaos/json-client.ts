import { connect, type Socket } from 'node:net';

/** A reply or event from the JSON-lines door, as far as the audit needs to read it. */
export interface Reply {
  readonly type: string;
  readonly re?: unknown;
  readonly code?: string;
  readonly message?: { id: string; room: string; seq: number; text: string };
  readonly messages?: Array<{ id: string; room: string; seq: number; text: string }>;
  readonly [key: string]: unknown;
}

const HOST = '127.0.0.1';

/**
 * A minimal JSON-lines client for audits. It speaks first (`{`), skips lines that are not JSON
 * until its first reply (a server may greet in text before it sees the `{`), and hands every
 * later line to `onReply`. It never retries by itself: the audit decides what to resend.
 */
export class JsonLineClient {
  readonly #socket: Socket;
  #partial = '';
  #seenJson = false;
  #closed = false;
  /** Lines after the first JSON reply that were not JSON: a protocol violation to report. */
  readonly garbage: string[] = [];
  readonly closed: Promise<void>;
  onReply: (reply: Reply) => void = () => undefined;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.setEncoding('utf8');
    socket.setNoDelay(true);
    socket.on('data', (chunk: string) => this.#read(chunk));
    // A killed server resets connections: that is the event under test, not a failure here.
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) =>
      socket.once('close', () => {
        this.#closed = true;
        resolve();
      }),
    );
  }

  static open(port: number, timeoutMs: number): Promise<JsonLineClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: HOST, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`connect to ${HOST}:${port} timed out`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeListener('error', onError);
        resolve(new JsonLineClient(socket));
      });
      const onError = (error: Error): void => {
        clearTimeout(timer);
        reject(error);
      };
      socket.once('error', onError);
    });
  }

  get isClosed(): boolean {
    return this.#closed;
  }

  send(request: Record<string, unknown>): boolean {
    if (this.#closed || this.#socket.destroyed) return false;
    this.#socket.write(`${JSON.stringify(request)}\n`);
    return true;
  }

  /** Sends a request and waits for the answer that carries its id (bounded). */
  request(request: Record<string, unknown> & { id: string }, timeoutMs: number): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const previous = this.onReply;
      const timer = setTimeout(() => {
        this.onReply = previous;
        reject(new Error(`no answer to ${request.type} (${request.id}) within ${timeoutMs} ms`));
      }, timeoutMs);
      this.onReply = (reply) => {
        if (reply.re !== request.id) return previous(reply);
        clearTimeout(timer);
        this.onReply = previous;
        resolve(reply);
      };
      if (!this.send(request)) {
        clearTimeout(timer);
        this.onReply = previous;
        reject(new Error(`connection closed before ${request.type} (${request.id})`));
      }
    });
  }

  close(): void {
    this.#socket.destroy();
  }

  #read(chunk: string): void {
    const parts = (this.#partial + chunk).split('\n');
    this.#partial = parts.pop() ?? '';
    for (const raw of parts) {
      const line = raw.replace(/\r$/, '');
      const reply = parseReply(line);
      if (reply === null) {
        if (this.#seenJson) this.garbage.push(line);
        continue;
      }
      this.#seenJson = true;
      this.onReply(reply);
    }
  }
}

function parseReply(line: string): Reply | null {
  if (!line.startsWith('{')) return null;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    if (error instanceof SyntaxError) return null;
    throw error;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const type = (value as { type?: unknown }).type;
  return typeof type === 'string' ? (value as Reply) : null;
}
