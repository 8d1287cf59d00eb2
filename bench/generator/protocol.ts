/**
 * Messages between the harness (parent) and the load generator (a separate, pinned process),
 * over the Node IPC channel. Every request carries an id and gets exactly one Response.
 */
import type { LatencySummary } from '../lib/stats.js';

/** How a client talks to a server. */
export type Dialect =
  /** Parley TCP text mode: name line, `/join ROOM`, `/leave general`, chat lines `name: text`. */
  | 'parley-text'
  /** The seeds' TCP server: first line is the name, then raw lines relayed to everyone else. */
  | 'naive-text'
  /** IRC: NICK/USER, JOIN #room, PRIVMSG #room :text. */
  | 'irc'
  /** Socket.IO classic events: joinRoom {username, room}, chatMessage, `message` events. */
  | 'socketio';

export interface Endpoint {
  readonly dialect: Dialect;
  readonly port: number;
  /**
   * Every node of a cluster (`port` first among them). Receivers (and probes) are spread over
   * them round robin in join order, senders likewise, each role counted across all rooms.
   */
  readonly ports?: readonly number[];
  /** The room new sessions start in (Parley: general); joined rooms other than it are left. */
  readonly defaultRoom?: string;
}

/** One room's population. Probes are receivers that also parse and time every message. */
export interface RoomPlan {
  readonly room: string;
  readonly receivers: number;
  readonly probes: number;
  readonly senders: number;
}

export type Request =
  | {
      readonly op: 'setup';
      readonly id: number;
      readonly endpoint: Endpoint;
      readonly rooms: readonly RoomPlan[];
      /** Connections being opened at once. */
      readonly concurrency: number;
      readonly timeoutMs: number;
    }
  | {
      readonly op: 'step';
      readonly id: number;
      /** Offered messages per second, over all senders. */
      readonly rate: number;
      readonly durationMs: number;
      /** After sending stops, how long to wait for the last deliveries. */
      readonly drainMs: number;
      readonly payloadBytes: number;
    }
  | {
      readonly op: 'idle';
      readonly id: number;
      readonly endpoint: Endpoint;
      readonly count: number;
      /** Clients per room (spread so that join notices stay O(roomSize) per join). */
      readonly roomSize: number;
      readonly concurrency: number;
      readonly timeoutMs: number;
    }
  | { readonly op: 'teardown'; readonly id: number }
  | { readonly op: 'exit'; readonly id: number };

export interface SetupResult {
  readonly connected: number;
  readonly ms: number;
}

export interface StepResult {
  /** Messages the generator wrote. */
  readonly sent: number;
  /** Sum over sent messages of the receivers in its room. */
  readonly expected: number;
  /** Lines (or events) counted at receivers during the step and its drain. */
  readonly delivered: number;
  readonly sendMs: number;
  /** From the start of sending until the last delivery or the end of the drain. */
  readonly activeMs: number;
  readonly latency: LatencySummary;
  /** Generator CPU over the active window, percent of one core. */
  readonly generatorCpuPct: number;
  /** Clients whose connection closed during the step. */
  readonly disconnects: number;
}

export type Response =
  | { readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly id: number; readonly ok: false; readonly error: string };
