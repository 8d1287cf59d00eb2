import { io, type Socket } from 'socket.io-client';
import { HOST } from '../../lib/ports.js';
import type { BenchClient, ClientSpec, Role } from '../client.js';
import { countingParser, type Counter } from '../counting-parser.js';

interface ChatEventShape {
  readonly text?: unknown;
}

/**
 * Socket.IO client over the websocket transport. Receivers and senders use the counting
 * parser (events are counted, not parsed); probes use the normal parser and time `message`.
 * Joined once any event arrives after `joinRoom` (welcome, roomUsers or a join notice).
 */
export async function openSocketIo(spec: ClientSpec): Promise<BenchClient> {
  const counter: Counter = { count: 0 };
  const probe = spec.role === 'probe';
  const socket = io(`http://${HOST}:${spec.port}`, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    timeout: spec.timeoutMs,
    ...(probe ? {} : { parser: countingParser(counter) }),
  });
  if (probe) {
    socket.onAny(() => counter.count++);
    socket.on('message', (message: ChatEventShape) => {
      if (typeof message?.text === 'string') spec.observer.observe(message.text);
    });
  }
  try {
    await waitUntil(socket, spec.timeoutMs, 'connect', () => socket.connected);
    const before = counter.count;
    socket.emit('joinRoom', { username: spec.name, room: spec.room });
    await waitUntil(socket, spec.timeoutMs, 'joinRoom answer', () => counter.count > before);
  } catch (error) {
    socket.disconnect();
    throw error;
  }
  return new SocketIoClient(socket, counter, spec.role, spec.room);
}

/** Polls `done` every 5 ms; fails on connect_error, disconnect or the deadline. */
function waitUntil(socket: Socket, timeoutMs: number, what: string, done: () => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + timeoutMs;
    const finish = (error: Error | null): void => {
      clearInterval(timer);
      socket.off('connect_error', onError);
      socket.off('disconnect', onDisconnect);
      if (error) reject(error);
      else resolve();
    };
    const onError = (error: Error): void => finish(new Error(`${what}: ${error.message}`));
    const onDisconnect = (reason: string): void => finish(new Error(`${what}: disconnected (${reason})`));
    const timer = setInterval(() => {
      if (done()) finish(null);
      else if (Date.now() > deadline) finish(new Error(`timed out waiting for ${what}`));
    }, 5);
    socket.on('connect_error', onError);
    socket.on('disconnect', onDisconnect);
  });
}

class SocketIoClient implements BenchClient {
  #closed = false;

  constructor(
    readonly socket: Socket,
    readonly counter: Counter,
    readonly role: Role,
    readonly room: string,
  ) {
    socket.on('disconnect', () => {
      this.#closed = true;
    });
  }

  received(): number {
    return this.counter.count;
  }

  closed(): boolean {
    return this.#closed;
  }

  send(text: string): void {
    this.socket.emit('chatMessage', text);
  }

  close(): void {
    this.#closed = true;
    this.socket.disconnect();
  }
}
