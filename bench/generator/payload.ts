import { performance } from 'node:perf_hooks';

/** Microseconds on the generator's monotonic clock; senders and probes share the process. */
export function nowUs(): number {
  return Math.round(performance.now() * 1000);
}

/** A chat text of about `bytes` bytes that starts with its send time: `t=<µs> xxxx…`. */
export function makePayload(bytes: number): (sentUs: number) => string {
  const pad = 'x'.repeat(Math.max(0, bytes));
  return (sentUs) => {
    const head = `t=${sentUs} `;
    return head + pad.slice(0, Math.max(1, bytes - head.length));
  };
}

/** The send time inside a delivered line or text, or -1 when there is none. */
export function parseSentUs(text: string): number {
  const at = text.indexOf('t=');
  if (at < 0) return -1;
  let value = 0;
  let i = at + 2;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    value = value * 10 + c;
  }
  return i === at + 2 ? -1 : value;
}
