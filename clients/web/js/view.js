// Rendering. Every piece of user text goes through textContent, never innerHTML, so no
// message, name or topic can inject markup (the CSP forbids inline scripts besides).

export const $ = (id) => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing from index.html`);
  return el;
};

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export function shortTime(ts) {
  return new Date(ts).toLocaleTimeString([], { hour: 'numeric', minute: '2-digit' });
}

/** One list item for a message or notice of a room. */
export function itemElement(item, me) {
  if (item.type === 'notice') {
    const li = el('li', `msg ${item.cls}`);
    li.append(el('span', 'time', shortTime(item.ts)), el('span', 'text', item.text));
    return li;
  }
  if (item.type === 'pending') {
    const { id, text, action } = item.item;
    const li = el('li', `msg own pending${action ? ' action' : ''}`);
    li.dataset.pending = id;
    li.title = 'Not confirmed by the server yet; sent again once the connection is back.';
    const body = action ? [el('span', 'text', `* ${me} ${text}`)] : [el('span', 'author', me), el('span', 'text', text)];
    li.append(el('span', 'time', 'sending…'), ...body);
    return li;
  }
  const m = item.message;
  const own = m.author === me;
  const li = el('li', `msg${own ? ' own' : ''}${m.kind === 'action' ? ' action' : ''}${m.kind === 'topic' ? ' system' : ''}`);
  li.dataset.seq = String(m.seq);
  li.dataset.id = m.id;
  const time = el('time', 'time', shortTime(m.ts));
  time.dateTime = new Date(m.ts).toISOString();
  if (m.kind === 'action') {
    li.append(time, el('span', 'text', `* ${m.author} ${m.text}`));
  } else if (m.kind === 'topic') {
    li.append(time, el('span', 'text', `${m.author} set the topic to: ${m.text}`));
  } else {
    li.append(time, el('span', 'author', m.author), ...guestMark(m), el('span', 'text', m.text));
  }
  if (m.account === null && m.kind !== 'topic') li.classList.add('by-guest');
  return li;
}

/** A guest author (no account) is marked: the same name may be someone else another day. */
function guestMark(m) {
  if (m.account !== null) return [];
  const mark = el('span', 'guest', 'guest');
  mark.title = 'Not signed in: the name is not reserved to this person.';
  return [mark];
}

export class MessageList {
  constructor(list) {
    this.list = list;
  }

  nearBottom() {
    return this.list.scrollHeight - this.list.scrollTop - this.list.clientHeight < 80;
  }

  scrollToBottom() {
    this.list.scrollTop = this.list.scrollHeight;
  }

  render(room, me) {
    const fragment = document.createDocumentFragment();
    for (const item of room.items) fragment.append(itemElement(item, me));
    this.list.replaceChildren(fragment);
  }

  append(item, me) {
    const stick = this.nearBottom();
    this.list.append(itemElement(item, me));
    if (stick) this.scrollToBottom();
  }

  /** Takes a pending message off the list (its ack came, or it was refused). */
  removePending(id) {
    for (const li of this.list.querySelectorAll('li.pending')) if (li.dataset.pending === id) li.remove();
  }

  /** Re-renders with older items on top, keeping what the reader looks at in place. */
  renderKeepingPosition(room, me) {
    const fromBottom = this.list.scrollHeight - this.list.scrollTop;
    this.render(room, me);
    this.list.scrollTop = this.list.scrollHeight - fromBottom;
  }
}

export function renderUsers(list, countEl, users, me, onPick) {
  const fragment = document.createDocumentFragment();
  for (const user of users) {
    const li = el('li');
    const button = el('button', '', user.username === me ? `${user.username} (you)` : user.username);
    button.type = 'button';
    button.title = user.username === me ? 'You' : `Send ${user.username} a private message`;
    button.addEventListener('click', () => onPick(user.username));
    li.append(button);
    fragment.append(li);
  }
  list.replaceChildren(fragment);
  countEl.textContent = `(${users.length})`;
}

/** The room list: the server's rooms plus the ones we are in; ours are marked. */
export function renderRooms(list, summaries, rooms, current, onPick) {
  const names = new Set(summaries.map((s) => s.name));
  for (const name of rooms.keys()) names.add(name);
  const byName = new Map(summaries.map((s) => [s.name, s]));
  const fragment = document.createDocumentFragment();
  for (const name of [...names].sort()) {
    const state = rooms.get(name);
    const li = el('li');
    const button = el('button', state ? 'joined' : '');
    button.type = 'button';
    button.append(el('span', 'name', `#${name}`));
    const members = state ? state.users.length : (byName.get(name)?.members ?? 0);
    button.append(el('span', 'meta', String(members)));
    if (state && state.unread > 0) button.append(el('span', 'badge', String(state.unread)));
    if (name === current) button.setAttribute('aria-current', 'true');
    button.title = state ? `Show #${name}` : `Join #${name}`;
    button.addEventListener('click', () => onPick(name));
    li.append(button);
    fragment.append(li);
  }
  list.replaceChildren(fragment);
}

export function typingText(names) {
  if (names.length === 0) return '';
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return 'Several people are typing…';
}

const STATUS_TEXT = {
  connecting: 'Connecting…',
  connected: 'Connected',
  rejoining: 'Rejoining…',
  reconnecting: 'Reconnecting…',
  offline: 'Offline, retrying…',
  disconnected: 'Disconnected',
};

export function renderStatus(statusEl, state, detail) {
  statusEl.dataset.state = state;
  statusEl.textContent = STATUS_TEXT[state] || state;
  statusEl.title = detail || '';
}
