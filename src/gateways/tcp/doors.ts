import type { Disconnect } from '../../core/disconnect.js';
import type { Door } from '../../core/door.js';
import type { ChatEvent } from '../../core/types.js';
import { eventMessage, encodeLine } from '../../protocol/jsonl.js';
import { EOL, eventLines } from '../../protocol/text.js';

/** What a door needs of a connection: write, close with a reason, or cut it after a fault. */
export interface Outlet {
  send(data: string | Buffer): void;
  close(reason: Disconnect): void;
  fail(error: unknown): void;
}

/** What a text-mode door needs to know about a recipient: its current room. */
export interface TextLink {
  readonly connection: Outlet;
  currentRoom(): string | null;
}

/**
 * Text mode: each event is encoded at most twice (plain, and with the `[#room] ` prefix on
 * every line for recipients whose current room is another), then the same Buffer goes to
 * every recipient.
 */
export class TextDoor implements Door<TextLink> {
  readonly name = 'tcp-text';
  readonly echoOwnMessages = false;

  deliver(event: ChatEvent, to: ReadonlySet<TextLink>, except?: TextLink): void {
    if (event.type === 'disconnect') return closeAll(to, event);
    const encoded = eventLines(event);
    if (encoded === null) return;
    const room = encoded.room;
    let plain: Buffer | null = null;
    let prefixed: Buffer | null = null;
    forEachLink(to, except, (link) => {
      const elsewhere = room !== null && link.currentRoom() !== room;
      if (elsewhere) link.connection.send((prefixed ??= joinLines(encoded.lines, `[#${room}] `)));
      else link.connection.send((plain ??= joinLines(encoded.lines, '')));
    });
  }
}

function joinLines(lines: readonly string[], prefix: string): Buffer {
  return Buffer.from(lines.map((line) => `${prefix}${line}${EOL}`).join(''));
}

export interface JsonLink {
  readonly connection: Outlet;
}

/** JSON-lines mode: one encode per event for all recipients. */
export class JsonDoor implements Door<JsonLink> {
  readonly name = 'tcp-json';
  readonly echoOwnMessages = false;

  deliver(event: ChatEvent, to: ReadonlySet<JsonLink>, except?: JsonLink): void {
    if (event.type === 'disconnect') return closeAll(to, event);
    const bytes = Buffer.from(encodeLine(eventMessage(event)));
    forEachLink(to, except, (link) => link.connection.send(bytes));
  }
}

/**
 * Runs `write` for each recipient; one that throws is cut (and logged by its connection)
 * and the loop goes on: a broken connection must not cost its siblings the event.
 */
function forEachLink<L extends { readonly connection: Outlet }>(to: ReadonlySet<L>, except: L | undefined, write: (link: L) => void): void {
  for (const link of to) {
    if (link === except) continue;
    try {
      write(link);
    } catch (error) {
      link.connection.fail(error);
    }
  }
}

/** The connection's own farewell line says why; see LineHandler.farewell. */
function closeAll(to: ReadonlySet<{ readonly connection: Outlet }>, why: Disconnect): void {
  const reason: Disconnect = { code: why.code, reason: why.reason };
  forEachLink(to, undefined, (link) => link.connection.close(reason));
}
