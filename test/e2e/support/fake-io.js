// A stand-in for /socket.io/socket.io.min.js: `io()` with a server double inside the page,
// speaking the rich requests the web client uses, accounts included (hello with a password or
// a token, register, logout). Accounts, tokens and messages live in sessionStorage, so they
// survive a reload of the tab as a real server's would. Lets the client's sign-in flows be
// tested in Chromium whatever the server branch supports; test/e2e/web-accounts.test.ts.
(() => {
  const load = () => JSON.parse(sessionStorage.getItem('fake-io') || '{"accounts":{},"tokens":{},"messages":[],"next":1}');
  const store = (db) => sessionStorage.setItem('fake-io', JSON.stringify(db));
  const fail = (code, text) => ({ ok: false, error: { code, text } });
  globalThis.io = (options) => {
    const handlers = new Map();
    const fire = (event, ...args) => (handlers.get(event) || []).slice().forEach((fn) => fn(...args));
    const session = { name: null, token: null };
    const welcome = (db, name, token) => {
      session.name = name;
      session.token = token;
      const account = token === null ? undefined : `acc-${name}`;
      return { ok: true, name, resume: 'r', room: 'general', topic: '', users: [{ id: '1', username: name }], history: db.messages, account, token: token ?? undefined };
    };
    const mint = (db, name) => {
      const token = `tok-${name}-${db.next++}`;
      db.tokens[token] = name;
      return token;
    };
    const handle = (event, p) => {
      const db = load();
      try {
        switch (event) {
          case 'hello':
            if (typeof p.token === 'string') return db.tokens[p.token] ? welcome(db, db.tokens[p.token], p.token) : fail('bad_token', 'This login has expired or was revoked.');
            if (typeof p.password === 'string') return db.accounts[p.name] === p.password ? welcome(db, p.name, mint(db, p.name)) : fail('bad_credentials', 'Wrong name or password.');
            return db.accounts[p.name] ? fail('name_registered', `The name "${p.name}" is registered: sign in, or choose another.`) : welcome(db, p.name, null);
          case 'register':
            if (db.accounts[p.name]) return fail('name_taken', 'Taken.');
            db.accounts[p.name] = p.password;
            return welcome(db, p.name, mint(db, p.name));
          case 'logout':
            delete db.tokens[session.token];
            return { ok: true };
          case 'say': {
            const message = { id: `m${db.next++}`, seq: db.messages.length + 1, room: p.room, author: session.name, text: p.text, kind: 'chat', ts: Date.now() };
            if (session.token !== null) message.account = `acc-${session.name}`;
            db.messages.push(message);
            return { ok: true, message };
          }
          case 'rooms':
            return { ok: true, rooms: [], next: null };
          case 'history':
            return { ok: true, room: p.room, messages: [] };
          default:
            return { ok: true, room: p && p.room };
        }
      } finally {
        store(db);
      }
    };
    const socket = {
      connected: false,
      active: false,
      io: { on() {} },
      on(event, fn) {
        handlers.set(event, [...(handlers.get(event) || []), fn]);
      },
      off(event, fn) {
        handlers.set(event, (handlers.get(event) || []).filter((f) => f !== fn));
      },
      connect() {
        socket.active = true;
        options.auth((auth) => {
          socket.handshake = auth;
          setTimeout(() => {
            socket.connected = true;
            fire('connect');
          }, 0);
        });
      },
      disconnect() {
        socket.connected = false;
        socket.active = false;
        fire('disconnect', 'io client disconnect');
      },
      timeout() {
        return { emitWithAck: async (event, payload) => handle(event, payload ?? {}) };
      },
    };
    socket.connect();
    return socket;
  };
})();
