import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LocalBus } from '../../src/bus/local.js';
import { Chat } from '../../src/core/chat.js';
import { checkName, foldName } from '../../src/core/names.js';
import type { Outcome } from '../../src/core/types.js';
import { MemoryStore } from '../../src/store/memory.js';
import { fuzzParams } from '../helpers/fuzz.js';
import { RecordingDoor } from '../helpers/recording-door.js';

const INVISIBLE = /\p{Default_Ignorable_Code_Point}/u;

// Pieces of names, weighted towards the troublesome: look-alikes across scripts, fullwidth,
// combining marks, joiners and fillers, case pairs that fold to more than one letter.
const piece = fc.oneof(
  fc.constantFrom(...'abcdeilmnoprsuvwxyzABEIKMOPTX0123456789_.-'),
  fc.constantFrom('а', 'е', 'о', 'р', 'с', 'ѕ', 'і', 'В', 'М', 'Н', 'Т', 'α', 'ο', 'ρ', 'Α', 'Β', 'Ε', 'Κ', 'ν', 'ς', 'Σ'),
  fc.constantFrom('ａ', 'Ｓ', '𝐚', 'ℌ', 'ﬁ', 'ß', 'ẞ', 'İ', 'ı', 'ǅ', 'µ', 'ſ', 'rn', 'Ꭺ', 'ꓮ'),
  fc.constantFrom('\u0301', '\u0308', '\u0327', '\u034f', '\u200b', '\u200c', '\u200d', '\u2060', '\u3164', '\u115f', '\u1160', '\uffa0', '\ufe0f', '\u{e0061}', '\u00ad', '\ufeff'),
  fc.integer({ min: 0, max: 0x10ffff }).filter((n) => n < 0xd800 || n > 0xdfff).map((n) => String.fromCodePoint(n)),
);
const rawName = fc.array(piece, { minLength: 1, maxLength: 12 }).map((parts) => parts.join(''));

// A look-alike of a Latin name, made the ways an attacker would.
const LOOKALIKE: Record<string, readonly string[]> = {
  a: ['а', 'ａ', '𝐚', 'A', 'Α'],
  b: ['B', 'В', 'Β'],
  c: ['с', 'C', 'С'],
  e: ['е', 'E', 'Е', 'Ε'],
  i: ['I', 'l', '1', 'і', 'ı'],
  l: ['I', '1', 'L'],
  m: ['rn', 'M', 'М'],
  o: ['0', 'о', 'ο', 'O', 'О', 'Ο'],
  p: ['р', 'ρ', 'P', 'Р', 'Ρ'],
  s: ['ѕ', 'S', 'ſ'],
  x: ['х', 'X', 'Х', 'Χ'],
  y: ['у', 'Y'],
};
const latinName = fc.string({ unit: fc.constantFrom(...'abcegilmnopstxy'), minLength: 1, maxLength: 10 });
const spoofOf = (name: string) =>
  fc.tuple(...[...name].map((letter) => fc.constantFrom(letter, ...(LOOKALIKE[letter] ?? [])))).map((parts) => parts.join(''));
const INVISIBLES = ['\u034f', '\u200b', '\u200d', '\u2060', '\ufe0f', '\u{e0061}'];

const codeOf = (outcome: Outcome): string => (outcome.ok ? 'ok' : outcome.error.code);

describe('names (fuzz)', () => {
  it('foldName is idempotent and the shown name keeps the key of what was typed', () => {
    fc.assert(
      fc.property(rawName, (raw) => {
        const key = foldName(raw);
        expect(foldName(key)).toBe(key);
        const checked = checkName(raw);
        if ('name' in checked) {
          expect(foldName(checked.name)).toBe(foldName(raw.trim()));
          expect(foldName(checked.name.toUpperCase())).toBe(foldName(checked.name));
        }
      }),
      fuzzParams(2000),
    );
  });

  it('checkName never admits a default-ignorable code point', () => {
    fc.assert(
      fc.property(rawName, (raw) => {
        const checked = checkName(raw);
        if ('name' in checked) {
          expect(checked.name).not.toMatch(INVISIBLE);
          expect(checked.name.normalize('NFKC')).not.toMatch(INVISIBLE);
        }
      }),
      fuzzParams(2000),
    );
  });

  it('through the core, a second name with the same key is refused (taken, or invalid)', async () => {
    let ids = 0;
    await fc.assert(
      fc.asyncProperty(
        latinName.chain((name) => fc.tuple(fc.constant(name), spoofOf(name), fc.constantFrom('', ...INVISIBLES), fc.nat(10))),
        async ([name, spoof, invisible, at]) => {
          const cut = Math.min(at, spoof.length);
          const variant = spoof.slice(0, cut) + invisible + spoof.slice(cut);
          const chat = await Chat.create({ store: new MemoryStore(), bus: new LocalBus(), clock: () => 1_000, newId: () => `id${++ids}` });
          try {
            const door = new RecordingDoor();
            const first = chat.connect(door, 'first');
            const held = await chat.execute(first, { type: 'register', name });
            if (!held.ok) {
              // Only a reserved name may be refused here (a random name can spell "server").
              expect(held.error.code).toBe('invalid_name');
              return;
            }
            const second = chat.connect(door, 'second');
            const outcome = await chat.execute(second, { type: 'register', name: variant });
            expect(foldName(variant)).toBe(foldName(name));
            expect(codeOf(outcome), JSON.stringify(variant)).toBe('error' in checkName(variant) ? 'invalid_name' : 'name_taken');
          } finally {
            chat.close();
          }
        },
      ),
      fuzzParams(),
    );
  });
});
