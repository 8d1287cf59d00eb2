import { describe, expect, it } from 'vitest';
import { LineSplitter, type SplitItem } from '../../clients/cli/line-splitter.js';
import { parseServerLine } from '../../clients/cli/connection.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const lines = (items: SplitItem[]): string[] => items.map((i) => (i.kind === 'line' ? i.line : `<oversized ${i.bytes}>`));

describe('LineSplitter', () => {
  it('splits several lines in one chunk and keeps the unterminated rest', () => {
    const s = new LineSplitter();
    expect(lines(s.push(bytes('{"a":1}\n{"b":2}\n{"c"')))).toEqual(['{"a":1}', '{"b":2}']);
    expect(lines(s.push(bytes(':3}\n')))).toEqual(['{"c":3}']);
  });

  it('joins a line split over many packets, byte by byte', () => {
    const s = new LineSplitter();
    const out: string[] = [];
    for (const b of bytes('hello world\n')) out.push(...lines(s.push(Uint8Array.of(b))));
    expect(out).toEqual(['hello world']);
  });

  it('decodes a multi-byte character cut by a packet boundary', () => {
    const s = new LineSplitter();
    const all = bytes('héllo 👋\n');
    const cut = 2; // inside the two bytes of "é"
    expect(s.push(all.subarray(0, cut))).toEqual([]);
    expect(lines(s.push(all.subarray(cut)))).toEqual(['héllo 👋']);
  });

  it('drops a CR before LF and turns invalid UTF-8 into U+FFFD', () => {
    const s = new LineSplitter();
    expect(lines(s.push(Uint8Array.of(0x61, 0xff, 0x62, 0x0d, 0x0a)))).toEqual(['a\uFFFDb']);
  });

  it('keeps empty lines as empty strings', () => {
    expect(lines(new LineSplitter().push(bytes('\n\nx\n')))).toEqual(['', '', 'x']);
  });

  it('discards an oversized line up to its newline and carries on', () => {
    const s = new LineSplitter({ maxLineBytes: 8 });
    expect(lines(s.push(bytes('0123456789')))).toEqual([]);
    expect(lines(s.push(bytes('abc\nok\n')))).toEqual(['<oversized 13>', 'ok']);
  });

  it('does not keep a reference to the caller’s buffer', () => {
    const s = new LineSplitter();
    const chunk = bytes('abc');
    s.push(chunk);
    chunk.fill(0x7a);
    expect(lines(s.push(bytes('\n')))).toEqual(['abc']);
  });

  it('returns the unterminated last line at end of stream', () => {
    const s = new LineSplitter();
    s.push(bytes('tail'));
    expect(lines(s.end())).toEqual(['tail']);
    expect(s.end()).toEqual([]);
  });
});

describe('parseServerLine', () => {
  it('accepts an object with a string type', () => {
    expect(parseServerLine('{"type":"pong","re":1}')).toEqual({ ok: true, message: { type: 'pong', re: 1 } });
  });

  it.each([
    ['{not json', 'not valid JSON'],
    ['[1,2]', 'not a JSON object'],
    ['"text"', 'not a JSON object'],
    ['null', 'not a JSON object'],
    ['{"kind":"x"}', 'no "type" field'],
    ['{"type":3}', 'no "type" field'],
  ])('rejects %s', (line, why) => {
    expect(parseServerLine(line)).toEqual({ ok: false, why });
  });
});
