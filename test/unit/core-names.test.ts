import { describe, expect, it } from 'vitest';
import { LocalBus } from '../../src/bus/local.js';
import { Chat } from '../../src/core/chat.js';
import { BOT_NAME, checkName, checkRoom, foldName, reservedNames, SERVER_NAME } from '../../src/core/names.js';
import type { Outcome } from '../../src/core/types.js';
import { MemoryStore } from '../../src/store/memory.js';
import { RecordingDoor } from '../helpers/recording-door.js';

let ids = 0;
const newChat = (): Promise<Chat> =>
  Chat.create({ store: new MemoryStore(), bus: new LocalBus(), clock: () => 1_000, newId: () => `id${++ids}` });

const refusal = (raw: string): string | null => {
  const checked = checkName(raw);
  return 'error' in checked ? checked.error.text : null;
};
const errorCode = (outcome: Outcome): string => (outcome.ok ? 'ok' : outcome.error.code);

describe('foldName: one key for names that look alike', () => {
  it.each([
    ['alice', 'ALICE', 'case'],
    ['Straße', 'STRASSE', 'full case folding'],
    ['server', 'ＳＥＲＶＥＲ', 'fullwidth'],
    ['alice', '𝐚𝐥𝐢𝐜𝐞', 'mathematical bold'],
    ['alice', 'аlice', 'Cyrillic а'],
    ['ace', 'асе', 'whole-script Cyrillic, small letters'],
    ['scope', 'ѕсоре', 'Cyrillic dze, es, o, er, ie'],
    ['BOB', 'ВОВ', 'Cyrillic capitals whose small letters differ (в is not b)'],
    ['bob', 'вов', 'Cyrillic small letters, through their capitals'],
    ['ABE', 'ΑΒΕ', 'Greek capitals'],
    ['opo', 'ορο', 'Greek small omicron and rho'],
    ['KOPA', 'ΚΟΡΑ', 'Greek capitals kappa, omicron, rho, alpha'],
    ['m', 'rn', 'r + n looks like m (confusables data)'],
    ['bob', 'b0b', 'digit zero'],
    ['bill', 'bi11', 'digit one'],
    ['Ian', 'lan', 'capital I and small l'],
    ['José', 'Jose\u0301', 'precomposed and combining acute'],
    ['alice', 'alice\u034f', 'combining grapheme joiner'],
    ['alice', 'al\u200dice', 'zero-width joiner'],
    ['alice', 'al\u200bi\u2060ce', 'zero-width space and word joiner'],
    ['alice', 'alice\ufe0f', 'variation selector'],
    ['alice', 'alice\u{e0061}', 'tag character'],
  ])('%s and %s are one name (%s)', (a, b) => {
    expect(foldName(b)).toBe(foldName(a));
  });

  it.each([
    ['alice', 'alicia'],
    ['bob', 'rob'],
    ['Дмитрий', 'Dmitry'],
    ['ann', 'anne'],
    ['user2', 'user3'],
    ['李小龙', '李小虎'],
  ])('%s and %s stay two names', (a, b) => {
    expect(foldName(a)).not.toBe(foldName(b));
  });

  it('is idempotent and blind to case, width and normalisation form', () => {
    for (const name of ['Zoë', 'Дмитрий_2.0', 'ΝΙΚΟΣ', 'm', 'b0b', 'ǅemal', 'İstanbul', 'ﬁsh']) {
      const key = foldName(name);
      expect(foldName(key), name).toBe(key);
      expect(foldName(name.toUpperCase()), name).toBe(key);
      expect(foldName(name.toLowerCase()), name).toBe(key);
      expect(foldName(name.normalize('NFD')), name).toBe(key);
      expect(foldName(name.normalize('NFKC')), name).toBe(key);
    }
  });
});

describe('checkName: invisible characters', () => {
  it.each([
    ['\u3164', 'Hangul filler'],
    ['\u3164\u3164\u3164', 'Hangul fillers'],
    ['\u115f\u1160', 'Hangul choseong and jungseong fillers'],
    ['\uffa0', 'halfwidth Hangul filler'],
    ['\u200b', 'zero-width space'],
    ['\u034f\u034f', 'combining grapheme joiners'],
    ['\u{e0041}\u{e0042}', 'tag characters'],
  ])('refuses a name made only of invisible characters (%j, %s)', (raw) => {
    expect(refusal(raw)).toBe('A name cannot be made only of invisible characters.');
  });

  it.each([
    ['alice\u034f', 'U+034F'],
    ['al\u200bice', 'U+200B'],
    ['al\u200cice', 'U+200C'],
    ['al\u200dice', 'U+200D'],
    ['al\u200eice', 'U+200E'],
    ['al\u200fice', 'U+200F'],
    ['al\u2060ice', 'U+2060'],
    ['al\u2064ice', 'U+2064'],
    ['al\u206fice', 'U+206F'],
    ['al\u3164ice', 'U+3164'],
    ['al\u115fice', 'U+115F'],
    ['al\u1160ice', 'U+1160'],
    ['al\uffa0ice', 'U+FFA0'],
    ['alice\ufe0f', 'U+FE0F'],
    ['alice\u{e0100}', 'U+E0100'],
    ['alice\u{e0001}', 'U+E0001'],
    ['alice\u{e0061}', 'U+E0061'],
    ['al\u00adice', 'U+00AD'],
    ['al\u180bice', 'U+180B'],
    ['al\ufeffice', 'U+FEFF'],
    ['al\u061cice', 'U+061C'],
  ])('refuses %j and names %s', (raw, codePoint) => {
    expect(refusal(raw)).toBe(`A name cannot contain invisible characters (${codePoint}).`);
  });

  it('still admits visible letters of any script, with their marks', () => {
    for (const name of ['alice', 'Zoë', 'Jose\u0301', 'Дмитрий_2.0', 'ΝΙΚΟΣ', '李小龙', 'हिन्दी', 'm', 'rn', '-']) {
      expect(refusal(name), name).toBeNull();
    }
  });
});

describe('checkName: scripts that look alike do not mix', () => {
  it.each([
    ['аlice', 'Latin and Cyrillic'],
    ['pаypal', 'Latin and Cyrillic'],
    ['αlpha', 'Latin and Greek'],
    ['Ωмега', 'Greek and Cyrillic'],
    ['aliceµ', 'Latin and Greek'], // the micro sign is Greek mu under NFKC
  ])('refuses %j (%s)', (raw, scripts) => {
    expect(refusal(raw)).toBe(`A name cannot mix ${scripts} letters (they look alike).`);
  });

  it('admits one of them with other scripts, digits and separators', () => {
    for (const name of ['Дмитрий_2.0', 'alice_李', 'νικος-7', 'Вера']) expect(refusal(name), name).toBeNull();
  });
});

describe('checkName: the server speaks under reserved names', () => {
  it('reserves the operator and the bot', () => {
    expect(reservedNames).toEqual([SERVER_NAME, BOT_NAME]);
    expect(SERVER_NAME).toBe('SERVER');
    expect(BOT_NAME).toBe('Parley Bot');
    for (const name of reservedNames) expect(refusal(name), name).not.toBeNull();
  });

  it.each(['SERVER', 'server', 'Server', 'ＳＥＲＶＥＲ', '𝐒𝐄𝐑𝐕𝐄𝐑', 'S.E.R.V.E.R', 's_e-r.ver'])('%j is refused as SERVER', (raw) => {
    expect(refusal(raw)).toBe(`"${raw}" is reserved: the server speaks as "SERVER".`);
  });

  it.each(['Parley_Bot', 'parley.bot', 'ParleyBot', 'parley-bot', 'PARLEY_B0T', 'Par1ey_Bot', 'ＰａｒｌｅｙＢｏｔ'])('%j is refused as the bot', (raw) => {
    expect(refusal(raw)).toBe(`"${raw}" is reserved: the server speaks as "Parley Bot".`);
  });

  it('leaves names that only contain a reserved one', () => {
    for (const name of ['server2', 'serverless', 'parley', 'bot', 'ParleyBotFan']) expect(refusal(name), name).toBeNull();
  });
});

describe('checkRoom', () => {
  it('keeps its rules: case- and width-insensitive, shown folded, no skeleton', () => {
    expect(checkRoom('#Lobby')).toEqual({ room: 'lobby' });
    expect(checkRoom('ＤＥＶ')).toEqual({ room: 'dev' });
    expect(checkRoom('m')).toEqual({ room: 'm' });
    expect(checkRoom('rn')).toEqual({ room: 'rn' });
    expect(checkRoom('дев')).toEqual({ room: 'дев' });
  });

  it.each([
    ['\u3164', 'U+3164'],
    ['general\u034f', 'U+034F'],
    ['#gen\u200beral', 'U+200B'],
    ['dev\ufe0f', 'U+FE0F'],
    ['\uffa0', 'U+FFA0'],
  ])('refuses invisible characters in %j', (raw, codePoint) => {
    expect(checkRoom(raw)).toEqual({
      error: { code: 'invalid_room', text: `A room name cannot contain invisible characters (${codePoint}).` },
    });
  });
});

describe('through the core: look-alikes of a held name are taken', () => {
  const pairs: ReadonlyArray<readonly [string, string]> = [
    ['alice', 'ALICE'],
    ['alice', '𝐚𝐥𝐢𝐜𝐞'],
    ['bob', 'b0b'],
    ['BOB', 'ВОВ'],
    ['ace', 'асе'],
    ['m', 'rn'],
    ['Ian', 'lan'],
    ['Straße', 'STRASSE'],
    ['José', 'Jose\u0301'],
    ['ΚΟΡΑ', 'KOPA'],
  ];

  it.each(pairs)('%s holds, %s is refused name_taken (register, then nick)', async (first, second) => {
    const chat = await newChat();
    const door = new RecordingDoor();
    const holder = chat.connect(door, 'holder');
    expect(errorCode(await chat.execute(holder, { type: 'register', name: first }))).toBe('ok');
    const other = chat.connect(door, 'other');
    expect(errorCode(await chat.execute(other, { type: 'register', name: second }))).toBe('name_taken');
    expect(errorCode(await chat.execute(other, { type: 'register', name: 'someone' }))).toBe('ok');
    expect(errorCode(await chat.execute(other, { type: 'nick', name: second }))).toBe('name_taken');
    chat.close();
  });

  it('refuses posting under a look-alike of a connected user or under a reserved name', async () => {
    const chat = await newChat();
    const door = new RecordingDoor();
    const alice = chat.connect(door, 'alice');
    expect(errorCode(await chat.execute(alice, { type: 'register', name: 'alice' }))).toBe('ok');
    expect(errorCode(await chat.postAs('a1ice', 'general', 'hi'))).toBe('name_taken');
    expect(errorCode(await chat.postAs('SERVER', 'general', 'hi'))).toBe('invalid_name');
    expect(errorCode(await chat.postAs('Parley_Bot', 'general', 'hi'))).toBe('invalid_name');
    expect(errorCode(await chat.postAs('deploy-bot', 'general', 'hi'))).toBe('ok');
    chat.close();
  });
});
