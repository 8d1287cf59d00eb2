import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineDecoder } from '../../src/protocol/line-decoder.js';
import { fuzzParams } from '../helpers/fuzz.js';

const MAX = 64;

function decode(chunks: readonly Uint8Array[]): { lines: string[]; overflows: number } {
  const lines: string[] = [];
  let overflows = 0;
  const decoder = new LineDecoder(MAX, { line: (l) => lines.push(l), overflow: () => overflows++ });
  for (const chunk of chunks) decoder.push(Buffer.from(chunk));
  return { lines, overflows };
}

/** Bytes rich in what the decoder cares about: newlines, CR, telnet IAC and its commands. */
const interesting = fc.oneof(
  fc.constantFrom(0x0a, 0x0d, 0xff, 0xfa, 0xf0, 0xfb, 0xfd, 0xc3, 0x41),
  fc.integer({ min: 0, max: 255 }),
);
const bytes = fc.array(interesting, { maxLength: 600 }).map((a) => Uint8Array.from(a));

/** Splits `data` at the given cut points. */
function split(data: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const point of points) {
    chunks.push(data.subarray(start, point));
    start = point;
  }
  chunks.push(data.subarray(start));
  return chunks;
}

describe('fuzz: LineDecoder', () => {
  it('gives the same lines and overflows however the bytes are split into chunks', () => {
    fc.assert(
      fc.property(bytes, fc.array(fc.nat(), { maxLength: 20 }), (data, cuts) => {
        expect(decode(split(data, cuts))).toEqual(decode([data]));
      }),
      fuzzParams(),
    );
  });

  it('never emits a line over the limit, and reports each over-long line once', () => {
    fc.assert(
      fc.property(bytes, (data) => {
        const { lines, overflows } = decode([data]);
        for (const line of lines) expect(Buffer.byteLength(line.replace(/\uFFFD/g, '?'))).toBeLessThanOrEqual(MAX);
        // Each overflow discards one line up to its newline: never more overflows than pieces of input.
        const newlines = data.filter((b) => b === 0x0a).length;
        expect(overflows).toBeLessThanOrEqual(newlines + 1);
      }),
      fuzzParams(),
    );
  });

  it('reports a single long line exactly once however it is chunked', () => {
    fc.assert(
      fc.property(fc.integer({ min: MAX + 1, max: 4 * MAX }), fc.array(fc.nat(), { maxLength: 20 }), (length, cuts) => {
        const data = Uint8Array.from([...Array<number>(length).fill(0x61), 0x0a, 0x62, 0x0a]);
        expect(decode(split(data, cuts))).toEqual({ lines: ['b'], overflows: 1 });
      }),
      fuzzParams(),
    );
  });
});
