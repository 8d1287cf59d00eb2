import { summarize, type LatencySummary } from '../lib/stats.js';
import { nowUs, parseSentUs } from './payload.js';

/** Latency samples of one step, in milliseconds; bounded: samples past the capacity are dropped. */
export class LatencyRecorder {
  readonly #samples: Float64Array;
  #count = 0;

  constructor(capacity = 1 << 20) {
    this.#samples = new Float64Array(capacity);
  }

  /** Times one delivered text that carries `t=<µs>`. */
  observe(text: string): void {
    const sent = parseSentUs(text);
    if (sent < 0 || this.#count >= this.#samples.length) return;
    this.#samples[this.#count++] = (nowUs() - sent) / 1000;
  }

  reset(): void {
    this.#count = 0;
  }

  summary(): LatencySummary {
    return summarize(this.#samples, this.#count);
  }
}
