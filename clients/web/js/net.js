// The connection to the server: socket.io, and requests answered by an ack ({ ok: true, ... }
// or { ok: false, error: { code, text } }), bounded by a timeout.
// Wire shapes: src/protocol/socketio-shapes.ts and docs/protocol.md "## Socket.IO".
//
// Reconnecting: socket.io reconnects by itself after a network drop, but not after the server
// disconnects the socket (reason "io server disconnect"), which is what a graceful restart does
// (`bye` { code: 'shutdown' }, then the disconnect). Then this class calls connect() itself
// after a backoff; if the server is still down, socket.io's own retries take over from there.

const REQUEST_TIMEOUT_MS = 8000;
const BACKOFF_FIRST_MS = 500;
const BACKOFF_MAX_MS = 10_000;
/**
 * A request refused `rate_limited` (flood control, docs/protocol.md "Flood control") was not
 * carried out: it is sent again once `retryAfterMs` has passed, up to this many times. Waiting
 * the server's time keeps the page far below the refusals that would disconnect it.
 */
const RATE_LIMIT_RETRIES = 60;
/** When a `rate_limited` answer carries no usable `retryAfterMs`. */
const RATE_LIMIT_FALLBACK_MS = 1000;
/** Requests that are not worth sending late: a typing notice is stale by then. */
const NOT_RETRIED = new Set(['typing']);

/**
 * `bye` codes after which reconnecting by itself would be wrong: the user quit, another tab
 * took the session over, or the server closed it for idling or flooding (coming straight back
 * would repeat that). The page stays offline until the user sends something.
 */
const STAY_OFFLINE = new Set(['quit', 'replaced', 'idle', 'flood']);

/** @typedef {'connecting'|'connected'|'reconnecting'|'offline'} LinkState */

export class Connection {
  /**
   * @param {(state: LinkState, detail?: string) => void} onState
   * @param {() => object} auth the handshake's `auth` ({ token } when signed in), asked again
   *   at every (re)connect, so signing in or out takes effect on the next connection.
   */
  constructor(onState, auth = () => ({})) {
    // `io` is the global from /socket.io/socket.io.min.js.
    this.socket = globalThis.io({
      auth: (callback) => callback(auth()),
      reconnectionDelay: BACKOFF_FIRST_MS,
      reconnectionDelayMax: 5000,
      timeout: 8000,
    });
    this.onState = onState;
    /** The last `bye` the server sent on this connection, if any: { reason, code }. */
    this.bye = null;
    this.quitting = false;
    this.attempt = 0;
    this.timer = null;
    /**
     * Until when (Date.now()) the server asked us to hold back: every request waits for it
     * before going out, so requests made while one waits out a refusal keep their order behind
     * it instead of overtaking it (and spending budget only to be refused as well).
     */
    this.holdUntil = 0;
    /** How many `rate_limited` refusals were waited out and sent again (shown by the status badge). */
    this.rateLimitedRetries = 0;
    onState('connecting');
    this.socket.on('connect', () => {
      this.bye = null;
      // A new connection has budgets of its own: an old refusal's wait no longer applies.
      this.holdUntil = 0;
      onState('connected');
    });
    this.socket.on('bye', (bye) => {
      this.bye = bye && typeof bye === 'object' ? bye : { reason: String(bye), code: undefined };
    });
    this.socket.on('disconnect', (reason) => this.#disconnected(reason));
    this.socket.on('connect_error', (error) => onState('offline', error && error.message));
    this.socket.io.on('reconnect_attempt', (attempt) => onState('reconnecting', `attempt ${attempt}`));
  }

  get connected() {
    return this.socket.connected;
  }

  /** Resolves true once connected (at once if already), false after `timeoutMs`. */
  ready(timeoutMs = REQUEST_TIMEOUT_MS) {
    if (this.socket.connected) return Promise.resolve(true);
    if (!this.socket.active) this.reconnect();
    return new Promise((resolve) => {
      const done = (value) => {
        clearTimeout(timer);
        this.socket.off('connect', onConnect);
        resolve(value);
      };
      const onConnect = () => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.socket.on('connect', onConnect);
    });
  }

  on(event, handler) {
    this.socket.on(event, handler);
  }

  /** Connects again now (after a stay-offline goodbye, or a quit), if not connected or trying. */
  reconnect() {
    clearTimeout(this.timer);
    this.timer = null;
    this.quitting = false;
    if (!this.socket.connected && !this.socket.active) {
      this.onState('connecting');
      this.socket.connect();
    }
  }

  /** Leaves: closes the connection and does not come back until reconnect(). */
  quit() {
    this.quitting = true;
    clearTimeout(this.timer);
    this.timer = null;
    this.socket.disconnect();
  }

  /**
   * Resolves with the server's ack, or an error ack when offline or on timeout; never rejects.
   * A `rate_limited` refusal is waited out and the request sent again (see RATE_LIMIT_RETRIES).
   */
  async request(event, payload = {}) {
    const retry = !NOT_RETRIED.has(event);
    for (let attempt = 0; ; attempt++) {
      await this.#held();
      const reply = await this.#requestOnce(event, payload);
      if (reply.ok || reply.error.code !== 'rate_limited' || !retry || attempt >= RATE_LIMIT_RETRIES) return reply;
      const wait = Number(reply.error.retryAfterMs);
      const ms = Number.isFinite(wait) && wait >= 0 ? Math.min(wait, 60_000) : RATE_LIMIT_FALLBACK_MS;
      this.holdUntil = Math.max(this.holdUntil, Date.now() + ms);
      this.rateLimitedRetries += 1;
      this.onRateLimited?.(this.rateLimitedRetries);
    }
  }

  /** Waits until the server's last `retryAfterMs` has passed (at once when it has). */
  async #held() {
    for (let wait = this.holdUntil - Date.now(); wait > 0; wait = this.holdUntil - Date.now()) {
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  async #requestOnce(event, payload) {
    // While disconnected, socket.io would buffer the request and send it before we have
    // rejoined, where it could only fail; say so now instead.
    if (!this.socket.connected) return { ok: false, error: { code: 'offline', text: 'Not connected to the server.' } };
    try {
      return await this.socket.timeout(REQUEST_TIMEOUT_MS).emitWithAck(event, payload);
    } catch (error) {
      // A timeout, or the connection dropped before the answer ("socket has been disconnected").
      return { ok: false, error: { code: 'timeout', text: `No answer from the server (${String(error && error.message)}).` } };
    }
  }

  #disconnected(reason) {
    if (this.quitting || reason === 'io client disconnect') {
      this.onState('offline', 'You left the chat.');
      return;
    }
    if (reason !== 'io server disconnect') {
      // A network drop or a closed transport: socket.io reconnects by itself.
      this.onState('reconnecting', reason);
      return;
    }
    const bye = this.bye;
    if (bye && STAY_OFFLINE.has(bye.code)) {
      this.onState('offline', bye.reason);
      return;
    }
    const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** Math.min(this.attempt, 10));
    this.attempt += 1;
    // Jitter spreads the reconnects of every open page after a restart over the interval.
    const wait = Math.round(delay / 2 + Math.random() * (delay / 2));
    this.onState('reconnecting', bye ? bye.reason : 'Disconnected by the server');
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.socket.connected && !this.socket.active) this.socket.connect();
    }, wait);
  }

  /** The session is whole again (rejoined): the next outage starts from the first delay. */
  settled() {
    this.attempt = 0;
  }
}
