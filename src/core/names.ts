import { chatError, type ChatError } from './errors.js';

export const MAX_NAME_LENGTH = 32;

// Letters (any script) with their combining marks, digits, and _ - . ; nothing invisible.
const NAME_CHARS = /^[\p{L}\p{N}_.\-][\p{L}\p{M}\p{N}_.\-]*$/u;

/** The key under which names compare equal: case- and width-insensitive. */
export function foldName(name: string): string {
  return name.normalize('NFKC').toLowerCase();
}

/** Returns the name as it will be shown (NFC), or an error saying why it is refused. */
export function checkName(raw: string): { name: string } | { error: ChatError } {
  const name = raw.trim().normalize('NFC');
  if (name.length === 0) return { error: chatError('invalid_name', 'A name cannot be empty.') };
  const length = [...name].length;
  if (length > MAX_NAME_LENGTH) {
    return { error: chatError('invalid_name', `A name can have at most ${MAX_NAME_LENGTH} characters.`) };
  }
  if (!NAME_CHARS.test(name)) {
    return {
      error: chatError(
        'invalid_name',
        'A name may only contain letters, digits, "_", "-" and "." (no spaces).',
      ),
    };
  }
  return { name };
}

/** Room names are case-insensitive and shown in their folded form; a leading # is optional. */
export function checkRoom(raw: string): { room: string } | { error: ChatError } {
  const trimmed = raw.trim().replace(/^#/, '');
  const room = foldName(trimmed);
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
