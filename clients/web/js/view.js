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

/** A member's role as the server names it, and the mark text mode uses for it. */
const ROLE_MARK = { owner: '@', op: '@', voice: '+' };
const ROLE_TITLE = { owner: 'Owner of the room', op: 'Operator of the room', voice: 'Has a voice in the room' };

/** The badge beside a name with a role (owner, op, voice); none for anyone else. */
function roleBadge(role) {
  if (!Object.hasOwn(ROLE_MARK, role)) return [];
  const badge = el('span', `role role-${role}`, ROLE_MARK[role]);
  badge.title = ROLE_TITLE[role];
  return [badge];
}

/** name -> role, from a room's member list (users without a role are left out). */
export function rolesOf(users) {
  const roles = new Map();
  for (const user of users) if (typeof user.role === 'string') roles.set(user.username, user.role);
  return roles;
}

/**
 * One list item for a message or notice of a room. `roles` (name -> role) marks authors by
 * the role they hold in the room now: messages do not carry one, the member list does.
 */
export function itemElement(item, me, roles = new Map()) {
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
    li.append(time, ...roleBadge(roles.get(m.author)), el('span', 'author', m.author), ...guestMark(m), el('span', 'text', m.text));
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
    /** The shown room's roles (name -> role), for the badges beside authors. */
    this.roles = new Map();
  }

  /** Takes the shown room's member list; returns whether any role changed (then render again). */
  setRoles(users) {
    const next = rolesOf(users);
    const same = next.size === this.roles.size && [...next].every(([name, role]) => this.roles.get(name) === role);
    this.roles = next;
    return !same;
  }

  nearBottom() {
    return this.list.scrollHeight - this.list.scrollTop - this.list.clientHeight < 80;
  }

  scrollToBottom() {
    this.list.scrollTop = this.list.scrollHeight;
  }

  render(room, me) {
    const fragment = document.createDocumentFragment();
    for (const item of room.items) fragment.append(itemElement(item, me, this.roles));
    this.list.replaceChildren(fragment);
  }

  append(item, me) {
    const stick = this.nearBottom();
    this.list.append(itemElement(item, me, this.roles));
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
    const button = el('button', '');
    button.append(...roleBadge(user.role), el('span', 'name', user.username === me ? `${user.username} (you)` : user.username));
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
