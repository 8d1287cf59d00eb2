import { io, type Socket } from 'socket.io-client';

export interface Received {
  readonly event: string;
  readonly payload: unknown;
}

/**
 * A socket.io-client test client that records every event it receives and waits for one that
 * matches. Used by the Socket.IO integration tests and the end-to-end test.
 */
export class SioClient {
  readonly socket: Socket;
  readonly received: Received[] = [];
  #waiters: Array<{ test: (r: Received) => boolean; from: number; resolve: (r: Received) => void }> = [];

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.onAny((event: string, payload: unknown) => this.#push({ event, payload }));
  }

  /** Connects over WebSocket only (no polling), without automatic reconnection. */
  static connect(port: number, options: { extraHeaders?: Record<string, string>; transports?: string[]; auth?: Record<string, unknown> } = {}): Promise<SioClient> {
    const socket = io(`http://127.0.0.1:${port}`, {
      transports: options.transports ?? ['websocket'],
      reconnection: false,
      forceNew: true,
      timeout: 5000,
      extraHeaders: options.extraHeaders,
      auth: options.auth,
    });
    const client = new SioClient(socket);
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(client));
      socket.once('connect_error', (error) => {
        socket.close();
        reject(error);
      });
    });
  }

  /** A classic client that has joined `room` as `username` and seen its welcome. */
  static async classic(port: number, username: string, room: string): Promise<SioClient> {
    const client = await SioClient.connect(port);
    client.socket.emit('joinRoom', { username, room });
    await client.waitFor('message', (p) => (p as { text: string }).text.startsWith('Welcome'));
    return client;
  }

  /** A rich client past `hello`. */
  static async rich(port: number, name: string): Promise<SioClient> {
    const client = await SioClient.connect(port);
    const reply = await client.request('hello', { name });
    if (!reply.ok) throw new Error(`hello failed: ${JSON.stringify(reply)}`);
    return client;
  }

  /** Sends an acknowledged request and resolves with the ack. */
  request(event: string, payload?: unknown, timeoutMs = 5000): Promise<Record<string, unknown> & { ok: boolean }> {
    const args = payload === undefined ? [] : [payload];
    return this.socket.timeout(timeoutMs).emitWithAck(event, ...args) as Promise<Record<string, unknown> & { ok: boolean }>;
  }

  /** Events of one name received so far (from index `from` of `received`). */
  all<T = Record<string, unknown>>(event: string, from = 0): T[] {
    return this.received.slice(from).filter((r) => r.event === event).map((r) => r.payload as T);
  }

  /** Resolves with the payload of the first `event` (after index `from`) that passes `test`. */
  async waitFor<T = Record<string, unknown>>(event: string, test: (payload: T) => boolean = () => true, timeoutMs = 5000, from = 0): Promise<T> {
    const match = (r: Received): boolean => r.event === event && test(r.payload as T);
    const found = this.received.slice(from).find(match);
    if (found) return found.payload as T;
    const hit = await new Promise<Received>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w.resolve !== done);
        reject(new Error(`timed out waiting for "${event}"; received:\n${this.received.map((r) => `${r.event} ${JSON.stringify(r.payload)}`).join('\n')}`));
      }, timeoutMs);
      const done = (r: Received): void => {
        clearTimeout(timer);
        resolve(r);
      };
      this.#waiters.push({ test: match, from, resolve: done });
    });
    return hit.payload as T;
  }

  /** Waits until the socket is disconnected (by the server or the network). */
  disconnected(timeoutMs = 5000): Promise<string> {
    if (!this.socket.connected) return Promise.resolve('already disconnected');
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('still connected')), timeoutMs);
      this.socket.once('disconnect', (reason) => {
        clearTimeout(timer);
        resolve(reason);
      });
    });
  }

  close(): void {
    this.socket.close();
  }

  #push(r: Received): void {
    this.received.push(r);
    const index = this.received.length - 1;
    this.#waiters = this.#waiters.filter((w) => {
      if (index < w.from || !w.test(r)) return true;
      w.resolve(r);
      return false;
    });
  }
}

/** Resolves after `ms`; for asserting that something did NOT arrive within a window. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
