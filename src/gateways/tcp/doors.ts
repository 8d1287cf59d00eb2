import type { Disconnect } from '../../core/disconnect.js';
import type { Door } from '../../core/door.js';
import type { ChatEvent } from '../../core/types.js';
import { eventMessage, encodeLine } from '../../protocol/jsonl.js';
import { EOL, eventLine } from '../../protocol/text.js';
import type { TcpConnection } from './connection.js';

/** What a text-mode door needs to know about a recipient: its current room. */
export interface TextLink {
  readonly connection: TcpConnection;
  currentRoom(): string | null;
}

/**
 * Text mode: each event is encoded at most twice (plain, and with the `[#room] ` prefix for
 * recipients whose current room is another), then the same Buffer goes to every recipient.
 */
export class TextDoor implements Door<TextLink> {
  readonly name = 'tcp-text';
  readonly echoOwnMessages = false;

  deliver(event: ChatEvent, to: ReadonlySet<TextLink>, except?: TextLink): void {
    if (event.type === 'disconnect') return closeAll(to, event);
    const encoded = eventLine(event);
    if (encoded === null) return;
    let plain: Buffer | null = null;
    let prefixed: Buffer | null = null;
    for (const link of to) {
      if (link === except) continue;
      const elsewhere = encoded.room !== null && link.currentRoom() !== encoded.room;
      if (elsewhere) link.connection.send((prefixed ??= Buffer.from(`[#${encoded.room}] ${encoded.line}${EOL}`)));
      else link.connection.send((plain ??= Buffer.from(`${encoded.line}${EOL}`)));
    }
  }
}

export interface JsonLink {
  readonly connection: TcpConnection;
}

/** JSON-lines mode: one encode per event for all recipients. */
export class JsonDoor implements Door<JsonLink> {
  readonly name = 'tcp-json';
  readonly echoOwnMessages = false;

  deliver(event: ChatEvent, to: ReadonlySet<JsonLink>, except?: JsonLink): void {
    if (event.type === 'disconnect') return closeAll(to, event);
    const bytes = Buffer.from(encodeLine(eventMessage(event)));
    for (const link of to) {
      if (link !== except) link.connection.send(bytes);
    }
  }
}

/** The connection's own farewell line says why; see LineHandler.farewell. */
function closeAll(to: ReadonlySet<{ readonly connection: TcpConnection }>, why: Disconnect): void {
  const reason: Disconnect = { code: why.code, reason: why.reason };
  for (const link of to) link.connection.close(reason);
}
