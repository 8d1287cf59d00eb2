import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { HOST } from '../../lib/ports.js';
import type { BenchClient, ClientSpec, Role } from '../client.js';
import { FrameReader, textFrame, type FrameSink } from './ws-frames.js';

const READ_BUFFER = Buffer.allocUnsafe(256 * 1024);
const TEXT = 1;
const CLOSE = 8;
const HANDSHAKE_KEEP = 64 * 1024;

/**
 * A counting Socket.IO receiver that speaks the wire protocol itself (WebSocket upgrade,
 * Engine.IO v4 open/ping, Socket.IO v5 connect and events) over a raw TCP socket: during the
 * handshake it reads packets; afterwards it only parses frame headers and counts text frames
 * (events), answering Engine.IO pings. The cheap counterpart of a line-counting TCP receiver;
 * probes and senders use socket.io-client itself (socketio.ts).
 */
export function openSocketIoRaw(spec: ClientSpec): Promise<BenchClient> {
  return new Promise((resolve, reject) => {
    let client: RawClient | null = null;
    const socket = connect({
      host: HOST,
      port: spec.port,
      onread: {
        buffer: READ_BUFFER,
        callback: (bytes: number, buffer: Uint8Array) => {
          client?.data((buffer as Buffer).subarray(0, bytes));
          return true;
        },
      },
    });
    const timer = setTimeout(() => fail(new Error('Socket.IO handshake timed out')), spec.timeoutMs);
    const fail = (error: Error): void => {
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    };
    socket.once('error', fail);
    socket.once('connect', () => {
      client = new RawClient(socket, spec, () => {
        clearTimeout(timer);
        socket.off('error', fail);
        socket.on('error', () => client?.close());
        if (client) resolve(client);
      }, fail);
      const key = randomBytes(16).toString('base64');
      socket.write(
        `GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: ${HOST}:${spec.port}\r\nUpgrade: websocket\r\n` +
          `Connection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
  });
}

class RawClient implements BenchClient, FrameSink {
  readonly role: Role;
  readonly room: string;
  readonly #socket: Socket;
  readonly #spec: ClientSpec;
  readonly #reader: FrameReader;
  readonly #ready: () => void;
  readonly #fail: (error: Error) => void;
  #http: Buffer | null = Buffer.alloc(0);
  #stage: 'open' | 'connect' | 'join' | 'ready' = 'open';
  #count = 0;
  #closed = false;

  constructor(socket: Socket, spec: ClientSpec, ready: () => void, fail: (error: Error) => void) {
    this.#socket = socket;
    this.#spec = spec;
    this.role = spec.role;
    this.room = spec.room;
    this.#ready = ready;
    this.#fail = fail;
    this.#reader = new FrameReader(this, HANDSHAKE_KEEP);
    socket.setNoDelay(true);
    socket.on('close', () => {
      this.#closed = true;
      if (this.#stage !== 'ready') fail(new Error(`closed during the Socket.IO handshake (${this.#stage})`));
    });
  }

  data(chunk: Buffer): void {
    if (this.#http === null) return this.#reader.push(chunk);
    const head = Buffer.concat([this.#http, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end === -1) {
      this.#http = head;
      return;
    }
    const status = head.subarray(0, head.indexOf('\r\n')).toString('latin1');
    this.#http = null;
    if (!/^HTTP\/1\.1 101/.test(status)) return this.#fail(new Error(`WebSocket upgrade refused: ${status}`));
    const rest = head.subarray(end + 4);
    if (rest.length > 0) this.#reader.push(Buffer.from(rest));
  }

  frame(opcode: number, length: number, payload: Buffer | null): void {
    if (opcode === CLOSE) return this.close();
    if (opcode !== TEXT) return;
    if (payload !== null && length === 1 && payload[0] === 0x32) {
      this.#write('3'); // Engine.IO ping -> pong
      return;
    }
    this.#count++;
    if (this.#stage !== 'ready' && payload !== null) this.#handshake(payload.toString('utf8'));
  }

  #handshake(packet: string): void {
    if (this.#stage === 'open' && packet.startsWith('0')) {
      this.#stage = 'connect';
      this.#write('40');
    } else if (this.#stage === 'connect' && packet.startsWith('40')) {
      this.#stage = 'join';
      this.#write(`42${JSON.stringify(['joinRoom', { username: this.#spec.name, room: this.#spec.room }])}`);
    } else if (this.#stage === 'connect' && packet.startsWith('44')) {
      this.#fail(new Error(`Socket.IO connect refused: ${packet.slice(0, 200)}`));
    } else if (this.#stage === 'join' && packet.startsWith('42')) {
      this.#stage = 'ready';
      this.#reader.keepUpTo = 1;
      this.#ready();
    }
  }

  #write(packet: string): void {
    if (!this.#closed) this.#socket.write(textFrame(packet));
  }

  received(): number {
    return this.#count;
  }

  closed(): boolean {
    return this.#closed;
  }

  send(text: string): void {
    this.#write(`42${JSON.stringify(['chatMessage', text])}`);
  }

  close(): void {
    this.#closed = true;
    this.#socket.destroy();
  }
}
