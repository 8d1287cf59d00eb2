// The Parley browser client: join form, then rooms, users and messages over Socket.IO.
import { parseInput, runCommand } from './commands.js';
import { forgetLogin, loadLogin, saveLogin } from './login.js';
import { Connection } from './net.js';
import { Outbox } from './outbox.js';
import { RoomState, toMessage } from './rooms.js';
import { TypingIndicator } from './typing.js';
import { $, MessageList, renderRooms, renderStatus, renderUsers } from './view.js';

const TYPING_SEND_EVERY_MS = 2000;
const OLDER_PAGE = 50;
const GAP_PAGE = 500;
/** Bounds the catch-up after a reconnect: beyond this many pages, scrolling up loads the rest. */
const GAP_PAGES_MAX = 20;
const REJOIN_RETRY_MS = 1000;
/** Rejoins refused `name_taken` asked again, one a second: a little more than the default name TTL. */
const NAME_RETRIES = 40;

const state = {
  me: null,
  resume: undefined,
  /** Signed in: { name, token } (also in localStorage, see login.js); null for a guest. */
  login: loadLogin(),
  /** @type {Map<string, RoomState>} rooms we are in */
  rooms: new Map(),
  current: null,
  summaries: [],
  lastTypingSent: 0,
  rejoining: false,
  /** Rejoins refused because the name was still held (for a lost server's session) so far. */
  nameRetries: 0,
  /** Signed in and in our rooms on the current connection: sends may go out. */
  ready: false,
  /** The transport's state as the Connection last reported it, and why. */
  link: 'connecting',
  linkDetail: '',
  /** The room list's cursor between `/rooms` and `/rooms more`. */
  paging: { roomsNext: null },
};

const ui = {
  join: $('join'),
  joinForm: $('join-form'),
  joinName: $('join-name'),
  joinRoom: $('join-room'),
  joinError: $('join-error'),
  joinButton: $('join-button'),
  authForm: $('auth-form'),
  authName: $('auth-name'),
  authPassword: $('auth-password'),
  authError: $('auth-error'),
  signIn: $('sign-in'),
  signUp: $('sign-up'),
  signOut: $('sign-out'),
  chat: $('chat'),
  me: $('me'),
  status: $('status'),
  side: $('side'),
  panelToggle: $('panel-toggle'),
  rooms: $('rooms'),
  roomForm: $('room-form'),
  roomInput: $('room-input'),
  users: $('users'),
  userCount: $('user-count'),
  roomTitle: $('room-title'),
  roomTopic: $('room-topic'),
  leave: $('leave-button'),
  typing: $('typing'),
  composer: $('composer'),
  input: $('composer-input'),
};
const list = new MessageList($('messages'));

// ---- sending: every chat line goes through the outbox (see outbox.js) ------------------------

const outbox = new Outbox({
  send: (item) =>
    state.ready
      ? conn.request('say', { room: item.room, text: item.text, action: item.action || undefined, id: item.id })
      : Promise.resolve({ ok: false, error: { code: 'offline', text: 'Not connected.' } }),
  delivered: (item, message) => {
    unpend(item);
    addMessage(toMessage(message));
  },
  refused: (item, error) => {
    unpend(item);
    notice('error', `Not sent: ${error.text}`, state.rooms.has(item.room) ? item.room : state.current);
    if (ui.input.value === '' && item.room === state.current && !item.action) ui.input.value = item.text;
  },
});

const conn = new Connection((linkState, detail) => {
  state.link = linkState;
  state.linkDetail = detail || '';
  if (linkState !== 'connected') state.ready = false;
  renderBadge();
  if (linkState === 'connected' && state.me !== null) void rejoin();
}, () => (state.login === null ? {} : { token: state.login.token }));
// How many refusals by flood control were waited out and sent again (read by the e2e tests).
conn.onRateLimited = (count) => {
  ui.status.dataset.rateLimited = String(count);
};

/**
 * The badge says what is true for the user: "Connected" only once signed in and back in every
 * room (a bare transport connection after a restart is "Rejoining…"), and "Disconnected" when
 * nothing is retrying (the user quit, or the server said not to come back by itself).
 */
function renderBadge() {
  let shown = state.link;
  if (shown === 'connected' && state.me !== null && !state.ready) shown = 'rejoining';
  if (shown === 'offline' && !conn.socket.active) shown = 'disconnected';
  const waiting = outbox.size > 0 ? `${outbox.size} message${outbox.size === 1 ? '' : 's'} waiting to be sent` : '';
  renderStatus(ui.status, shown, [state.linkDetail, waiting].filter(Boolean).join('; '));
}

function unpend(item) {
  state.rooms.get(item.room)?.removePending(item.id);
  if (item.room === state.current) list.removePending(item.id);
  renderBadge();
}

let flushRetry = null;
async function flushOutbox() {
  const done = await outbox.flush();
  renderBadge();
  // A timeout while still connected: nothing else will trigger the next try, so schedule one.
  if (!done && state.ready && flushRetry === null) {
    flushRetry = setTimeout(() => {
      flushRetry = null;
      void flushOutbox();
    }, REJOIN_RETRY_MS * 3);
  }
}

/** Queues a chat line (or /me action) in the current room; shown as "sending…" until its ack. */
function say(text, action = false) {
  const room = state.rooms.get(state.current);
  if (!room) return;
  const item = outbox.add(room.name, text, action);
  room.addPending(item);
  list.append(room.items[room.items.length - 1], state.me);
  renderBadge();
  // A page the server told to stay away (idle, quit) comes back when its user says something.
  if (!conn.connected) conn.reconnect();
  void flushOutbox();
}

// ---- rooms --------------------------------------------------------------------------------

function roomState(name) {
  let room = state.rooms.get(name);
  if (!room) {
    room = new RoomState(name);
    state.rooms.set(name, room);
  }
  return room;
}

/** Records a join ack (or the hello ack's room) in the room's state. */
function applyJoined(reply) {
  const room = roomState(reply.room);
  room.topic = reply.topic || '';
  room.users = reply.users || [];
  let added = 0;
  for (const m of reply.history || []) if (room.addMessage(toMessage(m))) added++;
  return { room, added };
}

function show(name) {
  const room = state.rooms.get(name);
  if (!room) return;
  state.current = name;
  room.unread = 0;
  ui.roomTitle.textContent = `#${name}`;
  ui.roomTopic.textContent = room.topic;
  ui.leave.disabled = state.rooms.size <= 1;
  list.setRoles(room.users);
  list.render(room, state.me);
  list.scrollToBottom();
  renderUsers(ui.users, ui.userCount, room.users, state.me, pickUser);
  renderRoomList();
  typing.render();
  if (room.rolesStale) refreshRolesSoon(name);
  void fillViewport(room);
}

function renderRoomList() {
  renderRooms(ui.rooms, state.summaries, state.rooms, state.current, pickRoom);
}

async function refreshRoomList() {
  const reply = await conn.request('rooms');
  if (reply.ok) {
    state.summaries = reply.rooms;
    renderRoomList();
  }
}

let roomListTimer = null;
function refreshRoomListSoon() {
  roomListTimer ??= setTimeout(() => {
    roomListTimer = null;
    void refreshRoomList();
  }, 500);
}

async function joinRoom(name) {
  const reply = await conn.request('join', { room: name });
  if (!reply.ok) return notice('error', reply.error.text);
  applyJoined(reply);
  show(reply.room);
  refreshRoomListSoon();
}

async function leaveRoom(name) {
  if (state.rooms.size <= 1) return notice('error', 'This is your last room; join another one first.');
  const reply = await conn.request('leave', { room: name });
  if (!reply.ok) return notice('error', reply.error.text);
  state.rooms.delete(reply.room);
  if (state.current === reply.room) show(state.rooms.keys().next().value);
  refreshRoomListSoon();
}

function pickRoom(name) {
  closePanel();
  if (state.rooms.has(name)) show(name);
  else void joinRoom(name);
}

function pickUser(name) {
  closePanel();
  if (name === state.me) return;
  ui.input.value = `/msg ${name} `;
  ui.input.focus();
}

// ---- messages -----------------------------------------------------------------------------

function notice(cls, text, roomName = state.current) {
  const room = roomName && state.rooms.get(roomName);
  if (!room) {
    ui.joinError.textContent = text;
    return;
  }
  room.addNotice(cls, text);
  if (roomName === state.current) list.append(room.items[room.items.length - 1], state.me);
}

function addMessage(message) {
  const room = state.rooms.get(message.room);
  if (!room) return;
  const where = room.addMessage(message);
  if (where === null) return;
  if (message.room !== state.current) {
    room.unread++;
    renderRoomList();
  } else if (where === 'end') {
    list.append(room.items[room.items.length - 1], state.me);
  } else {
    list.renderKeepingPosition(room, state.me);
  }
  if (message.kind === 'topic') {
    room.topic = message.text;
    if (message.room === state.current) ui.roomTopic.textContent = room.topic;
  }
  typing.stop(message.room, message.author);
}

/** Loads older history when the reader nears the top, or when the list does not fill the view. */
async function loadOlder(room) {
  if (!room.hasMore || room.loadingOlder) return;
  const before = room.oldestSeq;
  if (before === null) {
    room.hasMore = false;
    return;
  }
  room.loadingOlder = true;
  const reply = await conn.request('history', { room: room.name, before, limit: OLDER_PAGE });
  room.loadingOlder = false;
  if (!reply.ok) return notice('error', reply.error.text, room.name);
  const added = room.prependOlder(reply.messages.map(toMessage));
  if (reply.messages.length < OLDER_PAGE) room.hasMore = false;
  if (added > 0 && room.name === state.current) list.renderKeepingPosition(room, state.me);
}

async function fillViewport(room) {
  for (let pages = 0; pages < 20 && room.name === state.current && room.hasMore; pages++) {
    if (list.list.scrollHeight > list.list.clientHeight + 40) return;
    await loadOlder(room);
  }
}

list.list.addEventListener('scroll', () => {
  const room = state.current && state.rooms.get(state.current);
  if (room && list.list.scrollTop < 60) void loadOlder(room);
});

// ---- typing -------------------------------------------------------------------------------

const typing = new TypingIndicator(ui.typing, () => state.current);

conn.on('typing', ({ room, user }) => {
  if (user && user.username !== state.me && state.rooms.has(room)) typing.seen(room, user.username);
});

// Tell the room at most every TYPING_SEND_EVERY_MS while the user types (not for commands).
ui.input.addEventListener('input', () => {
  const now = Date.now();
  if (!state.current || ui.input.value === '' || ui.input.value.startsWith('/')) return;
  if (now - state.lastTypingSent < TYPING_SEND_EVERY_MS) return;
  state.lastTypingSent = now;
  void conn.request('typing', { room: state.current });
});

// ---- server events ------------------------------------------------------------------------

/**
 * Kicked or banned: the server has taken us out of the room, so the page lets it go (a rejoin
 * after a reconnect must not take us back). The last room stays shown with the notice: the
 * user joins another from there.
 */
function takenOut(roomName, why) {
  if (state.rooms.size <= 1) return;
  state.rooms.delete(roomName);
  if (state.current === roomName) show(state.rooms.keys().next().value);
  else renderRoomList();
  notice('system', `${why} You are no longer in #${roomName}.`);
}

/** The words of a role change's notice (src/protocol/moderation-text.ts), as opposed to joins and leaves. */
const ROLE_NOTICE = / an operator of #| as an operator of #| a voice in #|'s voice in #| owns #\S+\.$/;

conn.on('message', (m) => {
  if (state.me === null) return;
  if (m.system) {
    const roomName = m.room && state.rooms.has(m.room) ? m.room : state.current;
    notice('system', m.text, roomName);
    // A role changed (see roomUsers below): the notices of op, deop, voice, devoice and owner.
    if (m.room && state.rooms.has(m.room) && ROLE_NOTICE.test(m.text)) refreshRolesSoon(m.room);
    if (m.room && state.rooms.has(m.room) && m.text.startsWith(`${state.me} was kicked from #${m.room} by `)) takenOut(m.room, m.text);
    if (m.room && state.rooms.has(m.room) && m.text.startsWith(`${state.me} was banned from #${m.room} by `)) takenOut(m.room, m.text);
    return;
  }
  addMessage(toMessage(m));
});

// `roomUsers` lists members without their roles (the `who`, `join` and `hello` acks carry them),
// and a role change arrives only as a notice. So a list is kept with the roles known so far,
// and the roles are asked for again (`who`) when someone new appears or a notice comes.
conn.on('roomUsers', ({ room, users }) => {
  const known = state.rooms.get(room);
  if (!known) return;
  const before = new Map(known.users.map((u) => [u.username, u]));
  const newcomer = users.some((u) => !before.has(u.username));
  known.users = users.map((u) => (u.role === undefined && before.get(u.username)?.role !== undefined ? { ...u, role: before.get(u.username).role } : u));
  if (newcomer && !users.some((u) => u.role !== undefined)) refreshRolesSoon(room);
  usersChanged(known);
  refreshRoomListSoon();
});

function usersChanged(room) {
  if (room.name !== state.current) return;
  renderUsers(ui.users, ui.userCount, room.users, state.me, pickUser);
  if (list.setRoles(room.users)) list.renderKeepingPosition(room, state.me);
}

const ROLES_REFRESH_MS = 1000;
const rolesTimers = new Map();
/** Asks the server for the room's members with their roles, at most once a second per room. */
function refreshRolesSoon(roomName) {
  const room = state.rooms.get(roomName);
  if (!room) return;
  if (roomName !== state.current) {
    room.rolesStale = true;
    return;
  }
  if (rolesTimers.has(roomName)) return;
  rolesTimers.set(roomName, setTimeout(async () => {
    rolesTimers.delete(roomName);
    const reply = await conn.request('who', { room: roomName });
    const known = state.rooms.get(roomName);
    if (!reply.ok || !known) return;
    known.rolesStale = false;
    known.users = reply.users;
    usersChanged(known);
  }, ROLES_REFRESH_MS));
}

conn.on('private', (pm) => {
  const text = pm.action ? `[PM from ${pm.from}] * ${pm.from} ${pm.text}` : `[PM from ${pm.from}]: ${pm.text}`;
  notice('private', text);
});

conn.on('error', (error) => notice('error', error && error.text ? error.text : 'Error.'));
conn.on('bye', (bye) => {
  const reason = bye && typeof bye.reason === 'string' ? bye.reason : 'closed';
  const back = bye && bye.code === 'shutdown' ? ' Reconnecting when it is back…' : '';
  if (state.me !== null) notice('system', `Disconnected by the server: ${reason}${back}`);
});

// ---- joining and rejoining ----------------------------------------------------------------

/** Signed in: with the saved token; a guest: with the name (and the resume token of the last session). */
async function hello(name) {
  const payload = state.login === null ? { name, resume: state.resume } : { token: state.login.token };
  const reply = await conn.request('hello', payload);
  if (reply.ok) enteredAs(reply);
  return reply;
}

/** Records who the server says we are; a reply with a token is a login to keep across reloads. */
function enteredAs(reply) {
  state.me = reply.name;
  if (typeof reply.resume === 'string') state.resume = reply.resume;
  if (typeof reply.token === 'string' && reply.token !== '') {
    state.login = { name: reply.name, token: reply.token };
    saveLogin(reply.name, reply.token);
  }
  renderMe();
}

function renderMe() {
  ui.me.textContent = state.me === null ? '' : state.login === null ? `${state.me} (guest)` : state.me;
  ui.signOut.hidden = state.me === null || state.login === null;
}

/** After hello (or sign-up): shows the chat, in `wanted` if given (the server starts everyone in its default room). */
async function enterChat(reply, wanted) {
  const home = applyJoined(reply).room;
  state.ready = true;
  renderBadge();
  ui.join.hidden = true;
  ui.chat.hidden = false;
  ui.me.hidden = false;
  ui.panelToggle.hidden = false;
  renderMe();
  show(home.name);
  if (wanted !== null && wanted.toLowerCase() !== home.name) {
    await joinRoom(wanted);
    if (state.current !== home.name) await leaveRoom(home.name);
  }
  await refreshRoomList();
  ui.input.focus();
}

ui.joinForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  ui.joinError.textContent = '';
  const name = ui.joinName.value.trim();
  const wanted = ui.joinRoom.value.trim().replace(/^#/, '') || 'general';
  if (name === '') {
    ui.joinError.textContent = 'Please enter a name.';
    ui.joinName.focus();
    return;
  }
  ui.joinButton.disabled = true;
  try {
    if (!(await conn.ready())) {
      ui.joinError.textContent = 'Cannot reach the server; it will keep trying. Try again in a moment.';
      return;
    }
    // Joining as a guest is not signed in: a login left from before (after /quit) is not used.
    if (state.login !== null) {
      forgetLogin();
      state.login = null;
    }
    const reply = await hello(name);
    if (!reply.ok) {
      ui.joinError.textContent = reply.error.text;
      ui.joinName.focus();
      return;
    }
    await enterChat(reply, wanted);
  } finally {
    ui.joinButton.disabled = false;
  }
});

// ---- accounts: sign in, sign up, sign out, and staying signed in across reloads ------------

ui.authForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  ui.authError.textContent = '';
  const signUp = event.submitter === ui.signUp;
  const name = ui.authName.value.trim();
  const password = ui.authPassword.value;
  if (name === '' || password === '') {
    ui.authError.textContent = 'Please enter a name and a password.';
    (name === '' ? ui.authName : ui.authPassword).focus();
    return;
  }
  ui.signIn.disabled = true;
  ui.signUp.disabled = true;
  try {
    if (!(await conn.ready())) {
      ui.authError.textContent = 'Cannot reach the server; it will keep trying. Try again in a moment.';
      return;
    }
    let reply = await conn.request(signUp ? 'register' : 'hello', { name, password });
    if (reply.ok && reply.room === undefined && typeof reply.token === 'string') {
      // Registered, answered with the account only: come in with its token.
      state.login = { name: typeof reply.name === 'string' ? reply.name : name, token: reply.token };
      saveLogin(state.login.name, state.login.token);
      reply = await hello(name);
    } else if (reply.ok) {
      enteredAs(reply);
    }
    if (!reply.ok) {
      ui.authError.textContent = reply.error.text;
      ui.authPassword.focus();
      return;
    }
    ui.authPassword.value = '';
    await enterChat(reply, null);
  } finally {
    ui.signIn.disabled = false;
    ui.signUp.disabled = false;
  }
});

ui.signOut.addEventListener('click', async () => {
  ui.signOut.disabled = true;
  // The server revokes the token and ends the session; the page forgets it whatever the answer.
  const reply = await conn.request('logout');
  forgetLogin();
  state.login = null;
  conn.quit();
  ui.signOut.disabled = false;
  backToJoinForm(reply.ok ? 'Signed out.' : `Signed out of this page (the server did not confirm: ${reply.error.text}).`);
});

/** A reload while signed in: back in with the saved token, no form. */
async function resumeSavedLogin() {
  if (state.login === null) return;
  ui.authName.value = state.login.name;
  if (!(await conn.ready())) {
    ui.authError.textContent = 'Cannot reach the server to sign you back in; it will keep trying. Sign in again in a moment.';
    return;
  }
  if (state.me !== null || state.login === null) return;
  const reply = await hello(state.login.name);
  if (!reply.ok) {
    if (!transient(reply)) {
      // Revoked (signed out elsewhere, password changed) or expired: no use keeping it.
      forgetLogin();
      state.login = null;
    }
    ui.authError.textContent = `Please sign in again: ${reply.error.text}`;
    ui.authPassword.focus();
    return;
  }
  await enterChat(reply, null);
}

/**
 * After a reconnect: same name, same rooms, and every message missed meanwhile; then what was
 * typed but not confirmed goes out again. A rejoin cut short by another drop runs again on the
 * next connect; one the server refuses for good (the name is taken) returns to the join form.
 */
async function rejoin() {
  if (state.rejoining) return;
  state.rejoining = true;
  let again = false;
  try {
    const outcome = await rejoinRooms();
    if (outcome === 'done') {
      state.ready = true;
      conn.settled();
      renderBadge();
      void flushOutbox();
    } else if (outcome === 'retry') {
      again = true;
    }
  } finally {
    state.rejoining = false;
  }
  if (again) setTimeout(() => {
    if (conn.connected && state.me !== null && !state.ready) void rejoin();
  }, REJOIN_RETRY_MS);
}

const transient = (reply) => !reply.ok && ['offline', 'timeout', 'shutting_down'].includes(reply.error.code);

/** @returns {Promise<'done'|'retry'|'refused'>} */
async function rejoinRooms() {
  const wanted = [...state.rooms.keys()];
  const reply = await hello(state.me);
  if (transient(reply)) return 'retry';
  if (!reply.ok && reply.error.code === 'name_taken' && state.nameRetries < NAME_RETRIES) {
    // Reconnected to another server while the one we were on is gone: the name stays held for
    // that server's session until the cluster's name TTL passes (30 s by default). Ask again.
    if (state.nameRetries++ === 0) notice('system', 'Your name is still held by the server you were on; asking again until it is free…');
    return 'retry';
  }
  state.nameRetries = 0;
  if (!reply.ok) {
    if (state.login !== null) {
      // The saved token was refused (revoked or expired): signing in again is the way back.
      forgetLogin();
      state.login = null;
    }
    backToJoinForm(`Could not rejoin as ${state.me}: ${reply.error.text}`);
    return 'refused';
  }
  const missed = new Map();
  const joined = [{ room: reply.room, reply }];
  for (const name of wanted) {
    if (name === reply.room) continue;
    const j = await conn.request('join', { room: name });
    if (transient(j)) return 'retry';
    if (j.ok) joined.push({ room: j.room, reply: j });
    else {
      notice('error', `Could not rejoin #${name}: ${j.error.text}`, name);
      state.rooms.delete(name);
    }
  }
  for (const { room, reply: r } of joined) {
    if (!wanted.includes(room)) continue;
    let after = state.rooms.get(room).lastSeq;
    missed.set(room, applyJoined(r).added);
    // Page forward from the last message seen until the gap is closed (bounded).
    for (let page = 0; page < GAP_PAGES_MAX; page++) {
      const gap = await conn.request('history', { room, after, limit: GAP_PAGE });
      if (transient(gap)) return 'retry';
      if (!gap.ok) break;
      for (const m of gap.messages) if (state.rooms.get(room).addMessage(toMessage(m))) missed.set(room, missed.get(room) + 1);
      if (gap.messages.length < GAP_PAGE) break;
      after = gap.messages[gap.messages.length - 1].seq;
    }
  }
  if (!wanted.includes(reply.room)) {
    const left = await conn.request('leave', { room: reply.room });
    if (transient(left)) return 'retry';
    state.rooms.delete(reply.room);
  }
  for (const [room, count] of missed) {
    state.rooms.get(room)?.addNotice('system', count > 0 ? `Reconnected; ${count} missed message${count === 1 ? '' : 's'} shown above.` : 'Reconnected.');
  }
  if (!state.rooms.has(state.current)) state.current = state.rooms.keys().next().value ?? null;
  if (state.current) show(state.current);
  await refreshRoomList();
  return 'done';
}

/** Signed out (quit, or the name could not be taken back): the join form again, with why. */
function backToJoinForm(why) {
  const dropped = outbox.size;
  outbox.items.length = 0;
  state.me = null;
  state.ready = false;
  state.rooms.clear();
  state.current = null;
  list.list.replaceChildren();
  ui.chat.hidden = true;
  ui.me.hidden = true;
  renderMe();
  ui.panelToggle.hidden = true;
  ui.join.hidden = false;
  ui.joinError.textContent = dropped > 0 ? `${why} (${dropped} unsent message${dropped === 1 ? '' : 's'} dropped.)` : why;
  renderBadge();
  ui.joinName.focus();
}

// ---- composer -----------------------------------------------------------------------------

ui.composer.addEventListener('submit', async (event) => {
  event.preventDefault();
  const line = ui.input.value;
  if (line.trim() === '' || !state.current) return;
  ui.input.value = '';
  const parsed = parseInput(line);
  if (parsed.type === 'command') {
    return runCommand(parsed, {
      conn,
      room: state.current,
      paging: state.paging,
      notice,
      addMessage,
      joinRoom,
      leaveRoom,
      say,
      quit,
      actedOn: refreshRolesSoon,
      renamed: (name) => {
        state.me = name;
        renderMe();
      },
    });
  }
  say(parsed.text);
});

/** /quit: the server sees the connection close and tells the rooms; the page offers to join again. */
function quit() {
  conn.quit();
  backToJoinForm('You left the chat.');
  ui.joinError.textContent = 'You left the chat. Join again whenever you like.';
}

ui.leave.addEventListener('click', () => {
  if (state.current) void leaveRoom(state.current);
});

ui.roomForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const name = ui.roomInput.value.trim().replace(/^#/, '');
  if (name === '') return;
  ui.roomInput.value = '';
  pickRoom(name);
});

// ---- narrow screens: the side panel is a drawer -------------------------------------------

function closePanel() {
  ui.side.classList.remove('open');
  ui.panelToggle.setAttribute('aria-expanded', 'false');
}

ui.panelToggle.addEventListener('click', () => {
  const open = !ui.side.classList.contains('open');
  ui.side.classList.toggle('open', open);
  ui.panelToggle.setAttribute('aria-expanded', String(open));
  if (open) ui.side.querySelector('button')?.focus();
});

document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && ui.side.classList.contains('open')) {
    closePanel();
    ui.panelToggle.focus();
  }
});

setInterval(() => {
  if (state.me !== null && conn.connected) void refreshRoomList();
}, 15000);

void resumeSavedLogin();
