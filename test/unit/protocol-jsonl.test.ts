import { describe, expect, it } from 'vitest';
import { decodeJsonLine } from '../../src/protocol/jsonl.js';

describe('decodeJsonLine', () => {
  it('passes the request id of say and action as the client id (the idempotency key)', () => {
    expect(decodeJsonLine('{"type":"say","room":"g","text":"hi","id":7}', null)).toEqual({
      kind: 'command',
      re: 7,
      command: { type: 'say', room: 'g', text: 'hi', clientId: '7' },
    });
    expect(decodeJsonLine('{"type":"action","room":"g","text":"waves","id":"c1"}', null)).toMatchObject({ command: { clientId: 'c1' } });
    expect(decodeJsonLine('{"type":"say","room":"g","text":"hi"}', null)).toEqual({ kind: 'command', re: null, command: { type: 'say', room: 'g', text: 'hi' } });
  });

  it('decodes a rooms page request', () => {
    expect(decodeJsonLine('{"type":"rooms","limit":10,"after":"dev"}', null)).toEqual({
      kind: 'command',
      re: null,
      command: { type: 'rooms', limit: 10, after: 'dev' },
    });
  });

  it('answers bad input itself, with the request id when there is one', () => {
    expect(decodeJsonLine('   ', null)).toEqual({ kind: 'none' });
    expect(decodeJsonLine('{nope', null)).toMatchObject({ kind: 'answer', message: { type: 'error', code: 'bad_request', re: null } });
    expect(decodeJsonLine('{"type":"launch","id":"x"}', null)).toMatchObject({ message: { code: 'unknown_command', re: 'x' } });
    expect(decodeJsonLine('null', null)).toMatchObject({ message: { code: 'bad_request' } });
    expect(decodeJsonLine('{"type":"command","line":"/nick a b","id":1}', null)).toMatchObject({ message: { code: 'usage', re: 1 } });
    expect(decodeJsonLine('{"type":"command","line":"me waves","id":2}', 'dev')).toEqual({
      kind: 'command',
      re: 2,
      command: { type: 'action', room: 'dev', text: 'waves' },
    });
  });
});
