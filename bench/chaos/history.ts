import type { StoredMessage } from './audit.js';
import { JsonLineClient } from './json-client.js';

const PAGE = 500;
// 500 pages of 500: far beyond any chaos run; a bound so a broken server cannot loop us.
const MAX_PAGES = 500;

/** Every stored message of each room, oldest first, read through the JSON-lines door. */
export async function readHistory(port: number, rooms: readonly string[], timeoutMs: number): Promise<Map<string, StoredMessage[]>> {
  const client = await JsonLineClient.open(port, timeoutMs);
  try {
    const out = new Map<string, StoredMessage[]>();
    for (const room of rooms) {
      const messages: StoredMessage[] = [];
      for (let page = 0; page < MAX_PAGES; page++) {
        const after = messages.at(-1)?.seq ?? 0;
        const reply = await client.request({ type: 'history', room, after, limit: PAGE, id: `h-${room}-${page}` }, timeoutMs);
        if (reply.type === 'error' && reply.code === 'no_such_room') break;
        if (reply.type !== 'history' || !reply.messages) throw new Error(`history of #${room} answered ${JSON.stringify(reply)}`);
        messages.push(...reply.messages);
        if (reply.messages.length < PAGE) break;
      }
      out.set(room, messages);
    }
    return out;
  } finally {
    client.close();
  }
}
