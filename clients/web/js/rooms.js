// What the client remembers of each room it is in: messages in `seq` order, notices between
// them, members, topic, unread count, and how far back history has been loaded.

/** Normalises a stored message (history, acks) and a live `message` event to one shape. */
export function toMessage(m) {
  return {
    id: m.id,
    room: m.room,
    seq: m.seq,
    kind: m.kind || 'chat',
    author: m.author !== undefined ? m.author : m.username,
    text: m.text,
    ts: m.ts,
    /** The author's account id; absent for a guest (anyone may take a guest's name later). */
    account: typeof m.account === 'string' ? m.account : null,
  };
}

export class RoomState {
  constructor(name) {
    this.name = name;
    /** @type {Array<{ type: 'message', message: object } | { type: 'notice', cls: string, text: string, ts: number } | { type: 'pending', item: object }>} */
    this.items = [];
    this.ids = new Set();
    /** Members, with `role` where known (see app.js, roomUsers). */
    this.users = [];
    /** Roles may have changed while the room was not shown: ask again when it is. */
    this.rolesStale = false;
    this.topic = '';
    this.unread = 0;
    this.hasMore = true;
    this.loadingOlder = false;
  }

  get lastSeq() {
    for (let i = this.items.length - 1; i >= 0; i--) if (this.items[i].type === 'message') return this.items[i].message.seq;
    return 0;
  }

  get oldestSeq() {
    for (const item of this.items) if (item.type === 'message') return item.message.seq;
    return null;
  }

  /**
   * Adds a message once (by id), in `seq` order: before the first known message with a
   * greater seq, else at the end (after any notices). Returns 'end' for the common, cheap
   * case, 'middle' when inserted earlier, or null if the message was already known.
   */
  addMessage(message) {
    if (this.ids.has(message.id)) return null;
    this.ids.add(message.id);
    let at = -1;
    for (let i = this.items.length - 1; i >= 0; i--) {
      const item = this.items[i];
      if (item.type !== 'message') continue;
      if (item.message.seq < message.seq) break;
      at = i;
    }
    if (message.seq === 1) this.hasMore = false;
    if (at === -1) {
      this.items.push({ type: 'message', message });
      return 'end';
    }
    this.items.splice(at, 0, { type: 'message', message });
    return 'middle';
  }

  /** Older messages (ascending) go before everything. */
  prependOlder(messages) {
    const fresh = messages.filter((m) => !this.ids.has(m.id));
    for (const m of fresh) this.ids.add(m.id);
    this.items.unshift(...fresh.map((message) => ({ type: 'message', message })));
    if (messages.length === 0 || messages.some((m) => m.seq === 1)) this.hasMore = false;
    return fresh.length;
  }

  /** A message typed here and not yet confirmed (see outbox.js); shown until its ack. */
  addPending(item) {
    this.items.push({ type: 'pending', item });
  }

  /** Returns whether it was there. */
  removePending(id) {
    const at = this.items.findIndex((i) => i.type === 'pending' && i.item.id === id);
    if (at >= 0) this.items.splice(at, 1);
    return at >= 0;
  }

  addNotice(cls, text, ts = Date.now()) {
    this.items.push({ type: 'notice', cls, text, ts });
  }
}
