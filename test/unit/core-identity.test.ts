import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalBus } from '../../src/bus/local.js';
import { Chat } from '../../src/core/chat.js';
import { disconnect } from '../../src/core/disconnect.js';
import { Identity } from '../../src/core/identity.js';
import type { Outcome } from '../../src/core/types.js';
import { NodeCredentials } from '../../src/identity/credentials.js';
import { SecretError, tokenSecret } from '../../src/identity/secret.js';
import { MemoryStore } from '../../src/store/memory.js';
import { RecordingDoor } from '../helpers/recording-door.js';

let ids = 0;
async function setup(options: { allowInsecureAuth?: boolean; now?: () => number } = {}) {
  const store = new MemoryStore();
  const clock = options.now ?? (() => 1_000_000);
  const identity = new Identity({ accounts: store, credentials: new NodeCredentials('a test secret of enough length'), clock, newId: () => `id${++ids}`, failuresPerName: 3, failuresPerAddress: 10 });
  const chat = await Chat.create({ store, bus: new LocalBus(), clock, newId: () => `id${++ids}`, identity, allowInsecureAuth: options.allowInsecureAuth });
  const door = new RecordingDoor();
  const connect = (link: string) => chat.connect(door, link);
  return { chat, door, identity, store, connect };
}

const code = (outcome: Outcome) => (outcome.ok ? outcome.reply.type : outcome.error.code);
function tokenOf(outcome: Outcome): string {
  if (!outcome.ok) throw new Error(`expected ok, got ${outcome.error.code}`);
  const reply = outcome.reply;
  if (reply.type === 'registered' && reply.token) return reply.token;
  if (reply.type === 'account') return reply.token;
  throw new Error(`no token in ${reply.type}`);
}

describe('accounts in the core', () => {
  it('registers a name, logs in from another connection, and refuses it to guests', async () => {
    const { chat, connect } = await setup();
    const first = connect('phone');
    const signed = await chat.execute(first, { type: 'signup', name: 'alice', password: 'correct horse' });
    expect(signed).toMatchObject({ ok: true, reply: { type: 'registered', name: 'alice' } });
    const guest = connect('guest');
    const refused = await chat.execute(guest, { type: 'register', name: 'ALICE' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'name_registered' } });
    expect(refused.ok ? '' : refused.error.text).toMatch(/\/login/);
    const laptop = connect('laptop');
    expect(code(await chat.execute(laptop, { type: 'login', name: 'Alice', password: 'correct horse' }))).toBe('registered');
    expect(chat.members('general')?.map((u) => u.name)).toEqual(['alice']);
  });

  it('answers a wrong password and an unknown name alike, and throttles repeated failures', async () => {
    const { chat, connect } = await setup();
    await chat.execute(connect('a'), { type: 'signup', name: 'bob', password: 'long enough' });
    const wrong = await chat.execute(connect('b'), { type: 'login', name: 'bob', password: 'nope nope', peer: '10.0.0.1' });
    const unknown = await chat.execute(connect('c'), { type: 'login', name: 'nobody', password: 'nope nope', peer: '10.0.0.2' });
    expect(wrong).toEqual(unknown);
    expect(wrong).toMatchObject({ ok: false, error: { code: 'bad_credentials' } });
    for (let i = 0; i < 2; i++) await chat.execute(connect(`x${i}`), { type: 'login', name: 'bob', password: 'nope nope', peer: '10.0.0.3' });
    const throttled = await chat.execute(connect('y'), { type: 'login', name: 'bob', password: 'long enough', peer: '10.0.0.4' });
    expect(throttled).toMatchObject({ ok: false, error: { code: 'too_many_attempts' } });
  });

  it('delivers private messages to every connection of an account, and its own messages to its other connection', async () => {
    const { chat, door, connect } = await setup();
    const phone = connect('phone');
    const token = tokenOf(await chat.execute(phone, { type: 'signup', name: 'carol', password: 'long enough' }));
    const laptop = connect('laptop');
    expect(code(await chat.execute(laptop, { type: 'resume', token }))).toBe('registered');
    const dave = connect('dave');
    await chat.execute(dave, { type: 'register', name: 'dave' });
    expect(code(await chat.execute(dave, { type: 'msg', to: 'carol', text: 'hi both' }))).toBe('private_sent');
    for (const link of ['phone', 'laptop']) expect(door.of(link).filter((e) => e.type === 'private')).toHaveLength(1);
    await chat.execute(phone, { type: 'say', room: 'general', text: 'from my phone' });
    expect(door.texts('laptop')).toEqual(['from my phone']);
    expect(door.of('dave').find((e) => e.type === 'message')).toMatchObject({ message: { author: 'carol', account: expect.any(String) } });
  });

  it('revokes the token on logout, and every login token on a password change', async () => {
    const { chat, connect } = await setup();
    const a = connect('a');
    const first = tokenOf(await chat.execute(a, { type: 'signup', name: 'erin', password: 'first password' }));
    const b = connect('b');
    const second = tokenOf(await chat.execute(b, { type: 'login', name: 'erin', password: 'first password' }));
    expect(code(await chat.execute(b, { type: 'logout' }))).toBe('bye');
    expect(code(await chat.execute(connect('c'), { type: 'resume', token: second }))).toBe('bad_token');
    const changed = tokenOf(await chat.execute(a, { type: 'password', old: 'first password', new: 'second password' }));
    expect(code(await chat.execute(connect('d'), { type: 'resume', token: first }))).toBe('bad_token');
    expect(code(await chat.execute(connect('e'), { type: 'resume', token: changed }))).toBe('registered');
    expect(code(await chat.execute(connect('f'), { type: 'login', name: 'erin', password: 'first password' }))).toBe('bad_credentials');
  });

  it('turns a named guest into the account, renaming it when the names differ', async () => {
    const { chat, door, connect } = await setup();
    const seed = connect('seed');
    await chat.execute(seed, { type: 'signup', name: 'frank', password: 'long enough' });
    chat.disconnect(seed, disconnect('quit'));
    const witness = connect('witness');
    await chat.execute(witness, { type: 'register', name: 'witness' });
    const guest = connect('guest');
    await chat.execute(guest, { type: 'register', name: 'visitor' });
    expect(code(await chat.execute(guest, { type: 'login', name: 'frank', password: 'long enough' }))).toBe('account');
    expect(chat.nameOf(guest)).toBe('frank');
    expect(door.of('witness').some((e) => e.type === 'rename' && e.from === 'visitor' && e.to === 'frank')).toBe(true);
    expect(code(await chat.execute(connect('other'), { type: 'register', name: 'visitor' }))).toBe('registered');
    expect(code(await chat.execute(guest, { type: 'nick', name: 'someone' }))).toBe('forbidden');
  });

  it('registers the name a guest is using, and refuses passwords over a plain remote connection', async () => {
    const { chat, connect } = await setup();
    const guest = connect('g');
    await chat.execute(guest, { type: 'register', name: 'gina' });
    expect(code(await chat.execute(guest, { type: 'signup', password: 'long enough', secure: false }))).toBe('insecure_transport');
    expect(code(await chat.execute(guest, { type: 'signup', password: 'short', secure: true }))).toBe('weak_password');
    expect(code(await chat.execute(guest, { type: 'signup', password: 'long enough', secure: true }))).toBe('account');
    chat.disconnect(guest, disconnect('quit'));
    expect(code(await chat.execute(connect('h'), { type: 'register', name: 'gina' }))).toBe('name_registered');
    const allowed = await setup({ allowInsecureAuth: true });
    const other = allowed.connect('o');
    expect(code(await allowed.chat.execute(other, { type: 'signup', name: 'hank', password: 'long enough', secure: false }))).toBe('registered');
  });

  it('does not register a name that someone connected is using', async () => {
    const { chat, connect } = await setup();
    await chat.execute(connect('guest'), { type: 'register', name: 'jill' });
    expect(code(await chat.execute(connect('other'), { type: 'signup', name: 'JILL', password: 'long enough' }))).toBe('name_taken');
    expect(await chat.nameInUse('jill')).toBe(true);
    expect(await chat.nameInUse('nobody-here')).toBe(false);
  });

  it('makes bot tokens that post under the bot account, which nobody else may use', async () => {
    const { chat, identity, connect } = await setup();
    const owner = connect('o');
    await chat.execute(owner, { type: 'signup', name: 'ivy', password: 'long enough' });
    const ivy = await identity.login('ivy', 'long enough');
    if (!ivy.ok) throw new Error('login failed');
    const made = await identity.createBotToken(ivy.value.account, 'deploybot', 'ci');
    if (!made.ok) throw new Error(made.error.text);
    const authed = await identity.authenticate(made.value.token);
    expect(authed).toMatchObject({ ok: true, value: { account: { name: 'deploybot', kind: 'bot' } } });
    const posted = await chat.postAs('ignored', 'ops', 'deployed', 'chat', undefined, made.value.bot);
    expect(posted).toMatchObject({ ok: true, reply: { message: { author: 'deploybot', account: made.value.bot.id } } });
    expect(code(await chat.execute(connect('x'), { type: 'register', name: 'deploybot' }))).toBe('name_registered');
    expect(code(await chat.execute(connect('y'), { type: 'resume', token: made.value.token }))).toBe('forbidden');
    expect(await identity.revokeOwned(ivy.value.account, made.value.record.id)).toEqual({ ok: true, value: null });
    expect((await identity.authenticate(made.value.token)).ok).toBe(false);
  });
});

describe('the token secret (JWT_SECRET)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-secret-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is required in production, taken from the environment when set', () => {
    expect(() => tokenSecret({ jwtSecret: '', nodeEnv: 'production', dataDir: dir })).toThrow(SecretError);
    expect(() => tokenSecret({ jwtSecret: 'short', nodeEnv: 'production', dataDir: dir })).toThrow(/at least 16/);
    expect(tokenSecret({ jwtSecret: 'x'.repeat(32), nodeEnv: 'production', dataDir: dir })).toBe('x'.repeat(32));
  });

  it('is made once in development and kept under DATA_DIR with 0600 permissions', () => {
    const made = tokenSecret({ jwtSecret: '', nodeEnv: 'development', dataDir: dir });
    expect(made.length).toBeGreaterThanOrEqual(32);
    expect(statSync(join(dir, 'token-secret')).mode & 0o777).toBe(0o600);
    expect(tokenSecret({ jwtSecret: '', nodeEnv: 'development', dataDir: dir })).toBe(made);
  });
});
