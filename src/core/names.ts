import unhomoglyph from 'unhomoglyph';
import { chatError, type ChatError } from './errors.js';

export const MAX_NAME_LENGTH = 32;

/** Who speaks for the server itself: operator lines (`[SERVER]: ...`). */
export const SERVER_NAME = 'SERVER';
/** Who speaks for the server in the Socket.IO door's notices (joins, leaves, welcome). */
export const BOT_NAME = 'Parley Bot';

/**
 * Names nobody may take, because the server speaks under them. Compared by `foldName` with
 * `_ - .` and spaces ignored, so `Parley_Bot`, `parley.bot`, `ＳＥＲＶＥＲ` and `S-E-R-V-E-R`
 * are refused too.
 */
export const reservedNames: readonly string[] = [SERVER_NAME, BOT_NAME];

// Letters (any script) with their combining marks, digits, and _ - . ; no spaces or controls.
const NAME_CHARS = /^[\p{L}\p{N}_.\-][\p{L}\p{M}\p{N}_.\-]*$/u;

// Code points that render as nothing (joiners, fillers, variation selectors, tags...): a name
// or room holding one looks like another name or like nothing at all.
const INVISIBLE = /\p{Default_Ignorable_Code_Point}/u;
const INVISIBLE_ALL = /\p{Default_Ignorable_Code_Point}/gu;

// Scripts whose letters are routinely confused with each other. UTS #39's "moderately
// restrictive" profile never lets two of these share one identifier; it catches look-alikes
// that the (older) confusables data of the skeleton does not list.
const LOOKALIKE_SCRIPTS = [
  { name: 'Latin', letters: /\p{Script=Latin}/u },
  { name: 'Greek', letters: /\p{Script=Greek}/u },
  { name: 'Cyrillic', letters: /\p{Script=Cyrillic}/u },
] as const;

const SEPARATORS = /[\s_.\-]/gu;

// One round of the key. Case is folded twice around the UTS #39 skeleton mapping (NFD,
// default-ignorables removed, prototypes, NFD): first to upper case, so capitals that look
// alike across scripts meet (Cyrillic `ВОВ` and Latin `BOB`, whose lower cases `вов` and `bob`
// the data does not relate), then to lower case, so small letters that look alike meet
// (`m` and `rn`, Cyrillic `а` and Latin `a`). The key depends only on the upper case of the
// name, which is what makes it case-insensitive.
function keyRound(text: string): string {
  const upper = text.normalize('NFKC').toUpperCase().normalize('NFD').replace(INVISIBLE_ALL, '');
  const lower = unhomoglyph(upper).normalize('NFD').toLowerCase();
  return unhomoglyph(lower).normalize('NFD').toLowerCase();
}

/**
 * The key under which names compare equal: the UTS #39 confusable skeleton of the name after
 * NFKC, taken in upper and in lower case (see keyRound), so `alice`, `ALICE`, `ａｌｉｃｅ`,
 * Cyrillic `аlice` and `АLICE` are one name, `rn` is `m` and `b0b` is `bob`. Capital I looks
 * like small l, so with case folded i, I, l, L and 1 are one letter here. Not for display (`m`
 * becomes `rn`). foldName(foldName(x)) === foldName(x).
 *
 * Stability: the key is compared live (names held by sessions, across nodes) and persisted
 * only as the store's retry key (`sends.author_key`, 24 h); changing this function only means
 * a retry sent across the upgrade is not recognised as one, and nodes of one cluster must run
 * the same version of it.
 */
export function foldName(name: string): string {
  let key = keyRound(name);
  // The mapping may produce what folding changes again (`0` becomes capital `O`); a few more
  // rounds reach the fixed point, which keeps the key idempotent.
  for (let round = 0; round < 4; round += 1) {
    const next = keyRound(key);
    if (next === key) break;
    key = next;
  }
  return key;
}

/** Case- and width-insensitive form (NFKC, lower case): how rooms are compared and shown. */
function foldCase(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

function describeCodePoint(char: string): string {
  return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The first invisible code point of the text or of its NFKC form, as `U+XXXX`, if any. */
function firstInvisible(text: string): string | null {
  const found = INVISIBLE.exec(text) ?? INVISIBLE.exec(text.normalize('NFKC'));
  return found ? describeCodePoint(found[0]) : null;
}

const RESERVED_KEYS = new Map(reservedNames.map((name) => [reservedKey(name), name]));

function reservedKey(name: string): string {
  return foldName(name).replace(SEPARATORS, '');
}

/** The reserved name this name looks like, if any. */
export function reservedLookalike(name: string): string | null {
  return RESERVED_KEYS.get(reservedKey(name)) ?? null;
}

function mixedScripts(name: string): string[] {
  const compatible = name.normalize('NFKC');
  return LOOKALIKE_SCRIPTS.filter((script) => script.letters.test(compatible)).map((script) => script.name);
}

const invalid = (text: string): { error: ChatError } => ({ error: chatError('invalid_name', text) });

/** Returns the name as it will be shown (NFC), or an error saying why it is refused. */
export function checkName(raw: string): { name: string } | { error: ChatError } {
  const name = raw.trim().normalize('NFC');
  if (name.length === 0) return invalid('A name cannot be empty.');
  if (name.replace(INVISIBLE_ALL, '').trim().length === 0) {
    return invalid('A name cannot be made only of invisible characters.');
  }
  const hidden = firstInvisible(name);
  if (hidden !== null) return invalid(`A name cannot contain invisible characters (${hidden}).`);
  if ([...name].length > MAX_NAME_LENGTH) return invalid(`A name can have at most ${MAX_NAME_LENGTH} characters.`);
  if (!NAME_CHARS.test(name)) {
    return invalid('A name may only contain letters, digits, "_", "-" and "." (no spaces).');
  }
  const scripts = mixedScripts(name);
  if (scripts.length > 1) {
    return invalid(`A name cannot mix ${scripts.join(' and ')} letters (they look alike).`);
  }
  const reserved = reservedLookalike(name);
  if (reserved !== null) return invalid(`"${name}" is reserved: the server speaks as "${reserved}".`);
  return { name };
}

/** Room names are case-insensitive and shown in their folded form; a leading # is optional. */
export function checkRoom(raw: string): { room: string } | { error: ChatError } {
  const trimmed = raw.trim().replace(/^#/, '');
  const hidden = firstInvisible(trimmed);
  if (hidden !== null) {
    return { error: chatError('invalid_room', `A room name cannot contain invisible characters (${hidden}).`) };
  }
  const room = foldCase(trimmed);
  if (room.length === 0) return { error: chatError('invalid_room', 'A room name cannot be empty.') };
  if ([...room].length > MAX_NAME_LENGTH || !NAME_CHARS.test(room)) {
    return {
      error: chatError(
        'invalid_room',
        `A room name has 1 to ${MAX_NAME_LENGTH} letters, digits, "_", "-" or ".".`,
      ),
    };
  }
  return { room };
}
