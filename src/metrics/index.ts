import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { OnCommit } from '../store/commit-report.js';
import { defineMetrics } from './definitions.js';
import { MetricsObserver } from './observer.js';

/** What the gauges read at scrape time. */
export interface MetricSources {
  /** Rooms this node lists. */
  readonly rooms: () => number;
  /** Whether the store answers (a bounded ping). */
  readonly storeUp: () => Promise<boolean>;
  readonly busUp: () => boolean;
}

export interface Metrics {
  readonly registry: Registry;
  /** Passed to the core (ChatOptions.observer). */
  readonly observer: MetricsObserver;
  /** Passed to the store (its options' onCommit). */
  readonly onCommit: OnCommit;
  /** Sets what the scrape-time gauges read; until then they read 0. */
  watch(sources: MetricSources): void;
  /** Stops the event-loop monitor. */
  close(): void;
}

/**
 * One registry per server (not prom-client's global one, so two servers in one process, as in
 * tests, do not share counters): Node's default process metrics plus `parley_*`, every series
 * labelled with this node's id.
 */
export function createMetrics(nodeId: string): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ node: nodeId });
  collectDefaultMetrics({ register: registry });
  const loop: IntervalHistogram = monitorEventLoopDelay({ resolution: 20 });
  loop.enable();
  let sources: MetricSources | null = null;
  const m = defineMetrics(registry, {
    rooms: () => sources?.rooms() ?? 0,
    busUp: () => sources?.busUp() ?? false,
    storeUp: async () => (sources ? sources.storeUp() : false),
    eventLoopDelay: () => {
      // Nanoseconds; reset so each scrape shows the interval since the previous one.
      const delay = { p50: loop.percentile(50) / 1e9, p99: loop.percentile(99) / 1e9, max: loop.max / 1e9 };
      loop.reset();
      return delay;
    },
  });
  const observer = new MetricsObserver(m);

  return {
    registry,
    observer,
    onCommit: (report) => observer.committed(report),
    watch: (next) => {
      sources = next;
    },
    close: () => loop.disable(),
  };
}
