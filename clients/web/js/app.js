// The Parley browser client: join form, then rooms, users and messages over Socket.IO.
import { parseInput, runCommand } from './commands.js';
import { Connection } from './net.js';
import { RoomState, toMessage } from './rooms.js';
import { TypingIndicator } from './typing.js';
import { $, MessageList, renderRooms, renderStatus, renderUsers } from './view.js';

const TYPING_SEND_EVERY_MS = 2000;
const OLDER_PAGE = 50;
const GAP_PAGE = 500;

const state = {
  me: null,
  resume: undefined,
  /** @type {Map<string, RoomState>} rooms we are in */
  rooms: new Map(),
  current: null,
  summaries: [],
  lastTypingSent: 0,
  rejoining: false,
};

const ui = {
  join: $('join'),
  joinForm: $('join-form'),
  joinName: $('join-name'),
  joinRoom: $('join-room'),
  joinError: $('join-error'),
  joinButton: $('join-button'),
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

const conn = new Connection((connState, detail) => {
  renderStatus(ui.status, connState, detail);
  if (connState === 'connected' && state.me !== null) void rejoin();
});

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
  list.render(room, state.me);
  list.scrollToBottom();
  renderUsers(ui.users, ui.userCount, room.users, state.me, pickUser);
  renderRoomList();
  typing.render();
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

conn.on('message', (m) => {
  if (state.me === null) return;
  if (m.system) {
    const roomName = m.room && state.rooms.has(m.room) ? m.room : state.current;
    notice('system', m.text, roomName);
    return;
  }
  addMessage(toMessage(m));
});

conn.on('roomUsers', ({ room, users }) => {
  const known = state.rooms.get(room);
  if (!known) return;
  known.users = users;
  if (room === state.current) renderUsers(ui.users, ui.userCount, users, state.me, pickUser);
  refreshRoomListSoon();
});

conn.on('private', (pm) => {
  const text = pm.action ? `[PM from ${pm.from}] * ${pm.from} ${pm.text}` : `[PM from ${pm.from}]: ${pm.text}`;
  notice('private', text);
});

conn.on('error', (error) => notice('error', error && error.text ? error.text : 'Error.'));
conn.on('bye', ({ reason }) => notice('system', `Disconnected by the server: ${reason}`));

// ---- joining and rejoining ----------------------------------------------------------------

async function hello(name) {
  const reply = await conn.request('hello', { name, resume: state.resume });
  if (reply.ok) {
    state.me = reply.name;
    state.resume = reply.resume;
    ui.me.textContent = reply.name;
  }
  return reply;
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
    const reply = await hello(name);
    if (!reply.ok) {
      ui.joinError.textContent = reply.error.text;
      ui.joinName.focus();
      return;
    }
    const home = applyJoined(reply).room;
    ui.join.hidden = true;
    ui.chat.hidden = false;
    ui.me.hidden = false;
    ui.panelToggle.hidden = false;
    show(home.name);
    if (wanted.toLowerCase() !== home.name) {
      await joinRoom(wanted);
      // The server starts everyone in its default room; a chosen room replaces it.
      if (state.current !== home.name) await leaveRoom(home.name);
    }
    await refreshRoomList();
    ui.input.focus();
  } finally {
    ui.joinButton.disabled = false;
  }
});

/** After a reconnect: same name, same rooms, and every message missed meanwhile. */
async function rejoin() {
  if (state.rejoining) return;
  state.rejoining = true;
  try {
    const wanted = [...state.rooms.keys()];
    const reply = await hello(state.me);
    if (!reply.ok) {
      notice('error', `Could not rejoin as ${state.me}: ${reply.error.text}`);
      return;
    }
    const missed = new Map();
    const joined = [{ room: reply.room, reply }];
    for (const name of wanted) {
      if (name === reply.room) continue;
      const j = await conn.request('join', { room: name });
      if (j.ok) joined.push({ room: j.room, reply: j });
      else notice('error', `Could not rejoin #${name}: ${j.error.text}`);
    }
    for (const { room, reply: r } of joined) {
      if (!wanted.includes(room)) continue;
      const before = state.rooms.get(room).lastSeq;
      missed.set(room, applyJoined(r).added);
      const gap = await conn.request('history', { room, after: before, limit: GAP_PAGE });
      if (gap.ok) for (const m of gap.messages) if (state.rooms.get(room).addMessage(toMessage(m))) missed.set(room, missed.get(room) + 1);
    }
    if (!wanted.includes(reply.room)) await conn.request('leave', { room: reply.room });
    for (const [room, count] of missed) {
      state.rooms.get(room).addNotice('system', count > 0 ? `Reconnected; ${count} missed message${count === 1 ? '' : 's'} shown above.` : 'Reconnected.');
    }
    if (state.current) show(state.current);
    await refreshRoomList();
  } finally {
    state.rejoining = false;
  }
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
      notice,
      addMessage,
      joinRoom,
      leaveRoom,
      renamed: (name) => {
        state.me = name;
        ui.me.textContent = name;
      },
    });
  }
  const reply = await conn.request('say', { room: state.current, text: parsed.text });
  if (reply.ok) {
    addMessage(toMessage(reply.message));
  } else {
    notice('error', reply.error.text);
    if (ui.input.value === '') ui.input.value = line;
  }
});

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
