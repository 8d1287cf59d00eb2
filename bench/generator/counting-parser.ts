import { EventEmitter } from 'node:events';

/**
 * A Socket.IO parser (socket.io-client's `parser` option) for receivers that only count:
 * EVENT packets (`2[...]`) are counted and dropped without JSON parsing; every other packet
 * (CONNECT, DISCONNECT, CONNECT_ERROR, ACK) is decoded so the connection works as usual.
 * The wire format is Socket.IO protocol v5, text only (the benchmark sends no binary).
 */
export interface Counter {
  count: number;
}

interface Packet {
  type: number;
  nsp: string;
  id?: number;
  data?: unknown;
}

const EVENT = 2;
const BINARY_EVENT = 5;

class Encoder {
  encode(packet: Packet): string[] {
    if (packet.type === BINARY_EVENT) throw new Error('counting parser: binary packets are not supported');
    let out = String(packet.type);
    if (packet.nsp && packet.nsp !== '/') out += `${packet.nsp},`;
    if (packet.id !== undefined) out += String(packet.id);
    if (packet.data !== undefined) out += JSON.stringify(packet.data);
    return [out];
  }
}

function decode(text: string): Packet {
  const type = text.charCodeAt(0) - 48;
  let i = 1;
  let nsp = '/';
  if (text[i] === '/') {
    const comma = text.indexOf(',', i);
    const end = comma === -1 ? text.length : comma;
    nsp = text.slice(i, end);
    i = end + 1;
  }
  let idText = '';
  while (i < text.length && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) idText += text[i++];
  const packet: Packet = { type, nsp };
  if (idText !== '') packet.id = Number(idText);
  if (i < text.length) packet.data = JSON.parse(text.slice(i)) as unknown;
  return packet;
}

/** Builds the `parser` option for one client; its events are added to `counter.count`. */
export function countingParser(counter: Counter): { Encoder: new () => Encoder; Decoder: new () => EventEmitter } {
  class CountingDecoder extends EventEmitter {
    add(data: unknown): void {
      if (typeof data !== 'string') throw new Error('counting parser: binary frames are not supported');
      if (data.charCodeAt(0) - 48 === EVENT) {
        counter.count++;
        return;
      }
      this.emit('decoded', decode(data));
    }

    destroy(): void {
      this.removeAllListeners();
    }
  }
  return { Encoder, Decoder: CountingDecoder };
}
