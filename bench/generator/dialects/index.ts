import type { Dialect } from '../protocol.js';
import type { BenchClient, ClientSpec } from '../client.js';
import { openIrc } from './irc.js';
import { openNaiveText } from './naive-text.js';
import { openParleyText } from './parley-text.js';
import { openSocketIo } from './socketio.js';
import { openSocketIoRaw } from './socketio-raw.js';

const OPENERS: Readonly<Record<Dialect, (spec: ClientSpec) => Promise<BenchClient>>> = {
  'parley-text': openParleyText,
  'naive-text': openNaiveText,
  irc: openIrc,
  // Counting receivers speak the protocol over a raw socket; probes and senders use socket.io-client.
  socketio: (spec) => (spec.role === 'receiver' ? openSocketIoRaw(spec) : openSocketIo(spec)),
};

/** Connects, registers and joins; resolves once the client can send and count. */
export function openClient(dialect: Dialect, spec: ClientSpec): Promise<BenchClient> {
  return OPENERS[dialect](spec);
}
