import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JSON_REQUEST_TYPES } from '../../src/protocol/jsonl-shapes.js';
import { decodeJsonLine } from '../../src/protocol/jsonl.js';
import { fuzzParams } from '../helpers/fuzz.js';

/** Objects shaped like requests (a real type, fields of any JSON value), and any JSON at all. */
const requestLike = fc.record(
  {
    type: fc.oneof(fc.constantFrom(...JSON_REQUEST_TYPES), fc.jsonValue()),
    id: fc.jsonValue(),
    room: fc.oneof(fc.string({ maxLength: 10 }), fc.jsonValue()),
    text: fc.oneof(fc.string({ maxLength: 50 }), fc.jsonValue()),
    name: fc.oneof(fc.string({ maxLength: 10 }), fc.jsonValue()),
    line: fc.oneof(fc.string({ maxLength: 50 }).map((s) => `/${s}`), fc.jsonValue()),
    limit: fc.jsonValue(),
    after: fc.jsonValue(),
  },
  { requiredKeys: ['type'] },
);

function check(text: string): void {
  const result = decodeJsonLine(text, 'general');
  expect(['none', 'answer', 'command']).toContain(result.kind);
  if (result.kind === 'answer') expect(typeof result.message.type).toBe('string');
  if (result.kind === 'command') expect(typeof result.command.type).toBe('string');
}

describe('fuzz: JSON-lines decoding', () => {
  it('turns any string into an answer or a command, never a throw', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), check), fuzzParams());
  });

  it('turns any JSON value into an answer or a command, never a throw', () => {
    fc.assert(fc.property(fc.oneof(fc.jsonValue(), requestLike), (value) => check(JSON.stringify(value) ?? 'null')), fuzzParams());
  });
});
