import { describe, expect, it } from 'vitest';
import { LineDecoder, MAX_SUBNEGOTIATION_BYTES } from '../../src/protocol/line-decoder.js';

function decode(chunks: Array<string | number[]>, max = 16): { lines: string[]; overflows: number } {
  const lines: string[] = [];
  let overflows = 0;
  const decoder = new LineDecoder(max, { line: (l) => lines.push(l), overflow: () => overflows++ });
  for (const c of chunks) decoder.push(typeof c === 'string' ? Buffer.from(c) : Buffer.from(c));
  return { lines, overflows };
}

describe('LineDecoder', () => {
  it('splits merged lines and joins split ones, LF or CRLF', () => {
    expect(decode(['a\nb\r\nc', 'd\n', '\n']).lines).toEqual(['a', 'b', 'cd', '']);
  });

  it('keeps a multi-byte character split across chunks', () => {
    const euro = Buffer.from('€\n');
    expect(decode([[...euro.subarray(0, 1)], [...euro.subarray(1)]]).lines).toEqual(['€']);
  });

  it('replaces invalid UTF-8 with U+FFFD', () => {
    expect(decode([[0x61, 0xc3, 0x28, 0x0a]]).lines).toEqual(['a\uFFFD(']);
  });

  it('removes telnet negotiation, even split across chunks', () => {
    expect(decode([[0xff, 0xfd], [0x03, 0x68, 0xff], [0xfa, 0x18, 0x01, 0xff, 0xf0, 0x69, 0x0a]]).lines).toEqual(['hi']);
  });

  it('reports an over-long line once and discards it up to the newline', () => {
    const result = decode(['0123456789', '0123456789', '01234\nok\n']);
    expect(result).toEqual({ lines: ['ok'], overflows: 1 });
  });

  it('gives up on a subnegotiation that is never closed, and the input after it is data again', () => {
    // The option byte counts: the subnegotiation is at most MAX_SUBNEGOTIATION_BYTES after `IAC SB`.
    const unfinished = [0xff, 0xfa, 0x18, ...Array<number>(MAX_SUBNEGOTIATION_BYTES - 1).fill(0x41)];
    const result = decode([unfinished, [...Buffer.from('hello\nworld\n')]], 1024);
    expect(result.lines).toEqual(['hello', 'world']);
  });

  it('still removes a closed subnegotiation that contains IAC IAC', () => {
    expect(decode([[0xff, 0xfa, 0x18, 0xff, 0xff, 0x01, 0xff, 0xf0, 0x6f, 0x6b, 0x0a]]).lines).toEqual(['ok']);
  });

  it('flushes an unterminated line on request and tells whether a newline was ever seen', () => {
    const lines: string[] = [];
    const decoder = new LineDecoder(64, { line: (l) => lines.push(l), overflow: () => undefined });
    decoder.push(Buffer.from('alice'));
    expect(decoder.sawNewline).toBe(false);
    decoder.flush();
    decoder.flush();
    expect(lines).toEqual(['alice']);
    decoder.push(Buffer.from('hi\nthere'));
    expect(decoder.sawNewline).toBe(true);
    expect(lines).toEqual(['alice', 'hi']);
    expect(decoder.buffered).toBe(5);
  });
});
