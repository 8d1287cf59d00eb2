// Messages typed but not yet confirmed by the server, sent one after the other in the order
// typed. Each has an id of its own (a random prefix per page, then a counter); the server
// stores a `say` once per id (24 h, across restarts) and answers a repeat with the first
// message's ack. So a send whose answer never came (offline, a timeout, a dropped connection,
// a server restarting) stays here and goes again, with the same id, once the page has
// rejoined, and is never shown or stored twice.

/** Answers that mean "not stored, try again later", as opposed to a refusal of the text. */
const TRY_AGAIN = new Set(['offline', 'timeout', 'shutting_down', 'not_registered']);

function randomPrefix() {
  // getRandomValues works on plain http too, where crypto.randomUUID does not exist.
  const bytes = crypto.getRandomValues(new Uint8Array(9));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_');
}

export class Outbox {
  /**
   * @param {object} hooks
   * @param {(item) => Promise<object>} hooks.send sends one item, resolves with its ack
   * @param {(item, message) => void} hooks.delivered the server stored it (now or before)
   * @param {(item, error) => void} hooks.refused the server refused it for good
   */
  constructor(hooks) {
    this.hooks = hooks;
    this.prefix = randomPrefix();
    this.counter = 0;
    /** @type {Array<{ id: string, room: string, text: string, action: boolean }>} */
    this.items = [];
    this.flushing = false;
  }

  get size() {
    return this.items.length;
  }

  add(room, text, action = false) {
    this.counter += 1;
    const item = { id: `${this.prefix}-${this.counter}`, room, text, action };
    this.items.push(item);
    return item;
  }

  /**
   * Sends the queue head first until it is empty or an answer says "later"; that item stays at
   * the head, so order holds. Resolves false when something is left for a later flush.
   */
  async flush() {
    if (this.flushing) return this.items.length === 0;
    this.flushing = true;
    try {
      while (this.items.length > 0) {
        const item = this.items[0];
        const reply = await this.hooks.send(item);
        if (!reply.ok && TRY_AGAIN.has(reply.error.code)) return false;
        this.items.shift();
        if (reply.ok) this.hooks.delivered(item, reply.message);
        else this.hooks.refused(item, reply.error);
      }
      return true;
    } finally {
      this.flushing = false;
    }
  }
}
