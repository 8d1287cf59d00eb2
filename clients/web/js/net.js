// The connection to the server: socket.io with automatic reconnect, and requests answered by
// an ack ({ ok: true, ... } or { ok: false, error: { code, text } }), bounded by a timeout.
// Wire shapes: src/protocol/socketio-shapes.ts and docs/protocol.md "## Socket.IO".

const REQUEST_TIMEOUT_MS = 8000;

export class Connection {
  /** @param {(state: 'connecting'|'connected'|'reconnecting'|'offline', detail?: string) => void} onState */
  constructor(onState) {
    // `io` is the global from /socket.io/socket.io.min.js.
    this.socket = globalThis.io({
      reconnectionDelay: 500,
      reconnectionDelayMax: 5000,
      timeout: 8000,
    });
    this.onState = onState;
    onState('connecting');
    this.socket.on('connect', () => onState('connected'));
    this.socket.on('disconnect', (reason) => onState('reconnecting', reason));
    this.socket.on('connect_error', (error) => onState('offline', error && error.message));
    this.socket.io.on('reconnect_attempt', (attempt) => onState('reconnecting', `attempt ${attempt}`));
  }

  get connected() {
    return this.socket.connected;
  }

  /** Resolves true once connected (at once if already), false after `timeoutMs`. */
  ready(timeoutMs = REQUEST_TIMEOUT_MS) {
    if (this.socket.connected) return Promise.resolve(true);
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

  /** Resolves with the server's ack, or an error ack when offline or on timeout; never rejects. */
  async request(event, payload = {}) {
    // While disconnected, socket.io would buffer the request and send it before we have
    // rejoined, where it could only fail; say so now instead.
    if (!this.socket.connected) return { ok: false, error: { code: 'offline', text: 'Not connected to the server.' } };
    try {
      return await this.socket.timeout(REQUEST_TIMEOUT_MS).emitWithAck(event, payload);
    } catch (error) {
      return { ok: false, error: { code: 'timeout', text: `No answer from the server (${String(error && error.message)}).` } };
    }
  }
}
