import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SLASH_COMMANDS, parseSlash } from '../../src/protocol/slash.js';
import { fuzzParams } from '../helpers/fuzz.js';

const names = Object.keys(SLASH_COMMANDS);
/** Lines that mostly start with a real command, then anything. */
const line = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.tuple(fc.constantFrom(...names), fc.string({ unit: 'binary', maxLength: 120 })).map(([name, rest]) => `/${name}${rest}`),
  fc.tuple(fc.constantFrom(...names), fc.array(fc.string({ maxLength: 8 }), { maxLength: 5 })).map(([name, words]) => `/${name} ${words.join(' ')}`),
);

describe('fuzz: parseSlash', () => {
  it('never throws and always returns a known kind', () => {
    fc.assert(
      fc.property(line, fc.option(fc.string({ maxLength: 20 })), (text, room) => {
        const result = parseSlash(text, room);
        expect(['command', 'help', 'error']).toContain(result.kind);
        if (result.kind === 'error') expect(['usage', 'unknown_command', 'not_in_room']).toContain(result.code);
        if (result.kind === 'command') expect(typeof result.command.type).toBe('string');
      }),
      fuzzParams(),
    );
  });
});
