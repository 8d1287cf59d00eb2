import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalBus } from '../../src/bus/local.js';
import { Chat } from '../../src/core/chat.js';
import { sanitizeText } from '../../src/core/sanitize.js';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import { fuzzParams } from '../helpers/fuzz.js';
import { RecordingDoor } from '../helpers/recording-door.js';

// Any UTF-16 code unit (lone surrogates included), weighted towards the troublesome ones.
const codeUnit = fc.oneof(
  fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n)),
  fc.constantFrom('\n', '\r', '\r\n', '\t', '\u001b[31m', '\u001b]0;x\u0007', '\u202e', '\u2028', '\ud800', '\udc00', '\u0085', '\u009b2J'),
  fc.string({ unit: 'grapheme', maxLength: 3 }),
);
const text = fc.array(codeUnit, { maxLength: 200 }).map((parts) => parts.join(''));

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const FORBIDDEN = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\r\u2028\u2029]/;

describe('sanitiser (fuzz)', () => {
  it('leaves no control, escape, bidi override, lone surrogate or tab; is idempotent', () => {
    fc.assert(
      fc.property(text, (raw) => {
        const clean = sanitizeText(raw);
        expect(clean).not.toMatch(FORBIDDEN);
        expect(clean).not.toMatch(LONE_SURROGATE);
        expect(sanitizeText(clean)).toBe(clean);
      }),
      fuzzParams(2000),
    );
  });

  const dir = mkdtempSync(join(tmpdir(), 'parley-fuzz-sanitizer-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('what others receive live is exactly what history returns from a real SQLite file', async () => {
    const store = SqliteStore.open(join(dir, 'fuzz.db'));
    let n = 0;
    const chat = await Chat.create({ store, bus: new LocalBus(), clock: () => 1_000, newId: () => `id${++n}` });
    const door = new RecordingDoor();
    const ann = chat.connect(door, 'ann');
    const ben = chat.connect(door, 'ben');
    await chat.execute(ann, { type: 'register', name: 'ann' });
    await chat.execute(ben, { type: 'register', name: 'ben' });
    try {
      await fc.assert(
      fc.asyncProperty(text, async (raw) => {
        const outcome = await chat.execute(ann, { type: 'say', room: 'general', text: raw });
        if (!outcome.ok) {
          expect(['empty_message', 'message_too_long']).toContain(outcome.error.code);
          return;
        }
        if (outcome.reply.type !== 'sent') throw new Error('expected sent');
        const live = door.of('ben').at(-1);
        const stored = await chat.history('general', { after: outcome.reply.message.seq - 1, limit: 1 });
        expect(live).toEqual({ type: 'message', message: outcome.reply.message });
        expect(stored).toEqual([outcome.reply.message]);
      }),
      fuzzParams(300),
      );
    } finally {
      await store.close();
    }
  });
});
