import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** What the gauges that are computed at scrape time read. */
export interface ScrapeReaders {
  readonly rooms: () => number;
  readonly storeUp: () => Promise<boolean>;
  readonly busUp: () => boolean;
  /** Event-loop delay in seconds since the previous scrape. */
  readonly eventLoopDelay: () => { p50: number; p99: number; max: number };
}

/**
 * Every `parley_*` metric. Labels are bounded by construction: a door name, a command type,
 * an error or disconnect code, a result; never a room or a user (their number is unbounded).
 * The node id is a default label of the whole registry (see createMetrics).
 */
export function defineMetrics(registry: Registry, read: ScrapeReaders) {
  const registers = [registry];
  return {
    connections: new Gauge({ name: 'parley_connections', help: 'Open sessions by door (each TCP or Socket.IO connection is one session)', labelNames: ['door'], registers }),
    sessionsOpened: new Counter({ name: 'parley_sessions_opened_total', help: 'Sessions opened by door', labelNames: ['door'], registers }),
    disconnects: new Counter({ name: 'parley_disconnects_total', help: 'Sessions ended, by door and disconnect code (slow_reader, flood, idle, quit, ...)', labelNames: ['door', 'code'], registers }),
    rooms: new Gauge({
      name: 'parley_rooms',
      help: 'Rooms this node lists (with members, or active within the retention)',
      registers,
      collect() {
        this.set(read.rooms());
      },
    }),
    messagesAccepted: new Counter({ name: 'parley_messages_accepted_total', help: 'Room messages stored (say, action, topic, bot and HTTP posts)', registers }),
    messagesRefused: new Counter({ name: 'parley_messages_refused_total', help: 'Messages refused, by error code', labelNames: ['reason'], registers }),
    commandsRefused: new Counter({ name: 'parley_commands_refused_total', help: 'Commands refused, by command and error code', labelNames: ['command', 'reason'], registers }),
    rateLimited: new Counter({ name: 'parley_rate_limited_total', help: 'Commands refused by a rate limit (too_many_attempts), by command', labelNames: ['command'], registers }),
    resumes: new Counter({ name: 'parley_resumes_total', help: 'Session resumes by outcome (ok or the error code)', labelNames: ['outcome'], registers }),
    deliveries: new Counter({ name: 'parley_deliveries_total', help: 'Events handed to connections, by door (one per recipient)', labelNames: ['door'], registers }),
    deliveryLatency: new Histogram({
      name: 'parley_delivery_latency_seconds',
      help: 'Time from receiving a room message to handing it to a door, by door',
      labelNames: ['door'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    storeLatency: new Histogram({
      name: 'parley_message_store_seconds',
      help: 'Time from receiving a room message to its being durable',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    commitBatchSize: new Histogram({
      name: 'parley_store_commit_batch_size',
      help: 'Messages per store commit',
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000],
      registers,
    }),
    commitDuration: new Histogram({
      name: 'parley_store_commit_duration_seconds',
      help: 'Duration of one store commit, by result (ok or failed)',
      labelNames: ['result'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    eventLoopDelay: new Gauge({
      name: 'parley_event_loop_delay_seconds',
      help: 'Event-loop delay since the previous scrape, by statistic (p50, p99, max)',
      labelNames: ['stat'],
      registers,
      collect() {
        const delay = read.eventLoopDelay();
        for (const stat of ['p50', 'p99', 'max'] as const) this.set({ stat }, delay[stat]);
      },
    }),
    storeUp: new Gauge({
      name: 'parley_store_up',
      help: '1 when the store answers a ping, else 0',
      registers,
      async collect() {
        this.set((await read.storeUp()) ? 1 : 0);
      },
    }),
    busUp: new Gauge({
      name: 'parley_bus_up',
      help: '1 when the bus is up (always 1 in one process), else 0',
      registers,
      collect() {
        this.set(read.busUp() ? 1 : 0);
      },
    }),
  };
}

export type ParleyMetricSet = ReturnType<typeof defineMetrics>;
