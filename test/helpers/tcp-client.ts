import { connect, type Socket } from 'node:net';
import { connect as connectTls, type ConnectionOptions, type TLSSocket } from 'node:tls';

/** A raw TCP test client that collects lines and waits for one matching a predicate. */
export class LineClient {
  readonly socket: Socket;
  readonly lines: string[] = [];
  #partial = '';
  #waiters: Array<{ test: (line: string) => boolean; from: number; resolve: (line: string) => void }> = [];
  closed: Promise<void>;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      const parts = (this.#partial + chunk).split('\n');
      this.#partial = parts.pop() ?? '';
      for (const part of parts) this.#push(part.replace(/\r$/, ''));
    });
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => undefined);
  }

  static open(port: number, host = '127.0.0.1'): Promise<LineClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, host, () => resolve(new LineClient(socket)));
      socket.once('error', reject);
    });
  }

  /** Over TLS (the TCP door's TLS port); resolves once the handshake is done. */
  static openTls(port: number, options: ConnectionOptions = {}, host = '127.0.0.1'): Promise<LineClient & { readonly socket: TLSSocket }> {
    return new Promise((resolve, reject) => {
      const socket = connectTls({ host, port, ...options }, () => resolve(new LineClient(socket) as LineClient & { readonly socket: TLSSocket }));
      socket.once('error', reject);
    });
  }

  send(line: string): void {
    this.socket.write(`${line}\n`);
  }

  json(value: unknown): void {
    this.send(JSON.stringify(value));
  }

  /** Resolves with the first line (received after `from`, default: any) that passes `test`. */
  waitFor(test: string | RegExp | ((line: string) => boolean), timeoutMs = 5000, from = 0): Promise<string> {
    const predicate = typeof test === 'function' ? test : typeof test === 'string' ? (l: string) => l === test : (l: string) => test.test(l);
    const found = this.lines.slice(from).find(predicate);
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${String(test)}; got:\n${this.lines.join('\n')}`)), timeoutMs);
      this.#waiters.push({ test: predicate, from, resolve: (line) => (clearTimeout(timer), resolve(line)) });
    });
  }

  /** Waits for a JSON line whose object passes `test`. */
  async waitForJson<T = Record<string, unknown>>(test: (value: Record<string, unknown>) => boolean, timeoutMs = 5000): Promise<T> {
    const line = await this.waitFor((l) => {
      try {
        return test(JSON.parse(l) as Record<string, unknown>);
      } catch {
        return false; // not JSON: not the line we wait for
      }
    }, timeoutMs);
    return JSON.parse(line) as T;
  }

  /** A text-mode client past the name prompt. */
  static async named(port: number, name: string): Promise<LineClient> {
    const client = await LineClient.open(port);
    await client.waitFor('Enter your name:');
    client.send(name);
    await client.waitFor((l) => l.startsWith(`Welcome, ${name}!`));
    return client;
  }

  close(): void {
    this.socket.destroy();
  }

  #push(line: string): void {
    this.lines.push(line);
    const index = this.lines.length - 1;
    this.#waiters = this.#waiters.filter((w) => {
      if (index < w.from || !w.test(line)) return true;
      w.resolve(line);
      return false;
    });
  }
}
