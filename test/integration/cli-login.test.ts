import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { runConnect, type ConnectOptions } from '../../clients/cli/connect.js';
import { TOKEN_FILE_NAME } from '../../clients/cli/token-file.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { LineClient } from '../helpers/tcp-client.js';

/**
 * `parley connect` logins: --login's hidden password prompt, the token file, reusing it on the
 * next start and after reconnects, /logout, /register, /password, a rejected token.
 *
 * Most tests talk to AccountsDouble, a small JSON-lines server speaking only the account
 * requests of docs/protocol.md ("Accounts"): the client's behaviour is tested here whether or
 * not the real doors and stores have accounts yet. The last block runs the same flow against
 * the real server, and skips (saying why) while the server on this branch has no accounts.
 */
type Json = Record<string, unknown>;

const PASSWORD = 'correct horse battery';

class AccountsDouble {
  readonly received: Json[] = [];
  readonly passwords = new Map<string, string>([['alice', PASSWORD]]);
  /** token -> account name */
  readonly tokens = new Map<string, string>();
  readonly #sockets = new Set<Socket>();
  #server: Server | null = null;
  #next = 1;
  port = 0;

  async start(): Promise<this> {
    const server = createServer((socket) => this.#accept(socket));
    this.#server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  /** Drops every connection (as a lost network would); the listener stays. */
  dropAll(): void {
    for (const socket of this.#sockets) socket.destroy();
  }

  async close(): Promise<void> {
    this.dropAll();
    const server = this.#server;
    if (server !== null) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  hellos(): Json[] {
    return this.received.filter((m) => m.type === 'hello');
  }

  #accept(socket: Socket): void {
    this.#sockets.add(socket);
    socket.on('close', () => this.#sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.setEncoding('utf8');
    let buffered = '';
    const session: { name: string | null; token: string | null } = { name: null, token: null };
    socket.on('data', (chunk: string) => {
      const lines = (buffered + chunk).split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) if (line.trim() !== '') this.#handle(socket, session, JSON.parse(line) as Json);
    });
  }

  #mint(name: string): string {
    const token = `tok-${name}-${this.#next++}`;
    this.tokens.set(token, name);
    return token;
  }

  #handle(socket: Socket, session: { name: string | null; token: string | null }, m: Json): void {
    this.received.push(m);
    const re = m.id ?? null;
    const send = (value: Json): void => void socket.write(`${JSON.stringify({ re, ...value })}\n`);
    const error = (code: string, text: string): void => send({ type: 'error', code, text });
    const welcome = (name: string, token?: string): void => {
      session.name = name;
      session.token = token ?? null;
      send({ type: 'welcome', name, room: 'general', topic: '', users: [{ name }], history: [], ...(token === undefined ? {} : { account: `acc-${name}`, token }) });
    };
    switch (m.type) {
      case 'ping':
        return send({ type: 'pong' });
      case 'hello': {
        if (typeof m.token === 'string') {
          const name = this.tokens.get(m.token);
          return name === undefined ? error('bad_token', 'This login has expired or was revoked; log in again.') : welcome(name, m.token);
        }
        const name = String(m.name);
        if (typeof m.password === 'string') {
          return this.passwords.get(name) === m.password ? welcome(name, this.#mint(name)) : error('bad_credentials', 'Wrong name or password.');
        }
        return this.passwords.has(name) ? error('name_registered', `The name "${name}" is registered: log in with /login ${name} PASSWORD, or choose another.`) : welcome(name);
      }
      case 'register': {
        const name = session.name ?? '';
        this.passwords.set(name, String(m.password));
        const token = this.#mint(name);
        session.token = token;
        return send({ type: 'account', name, account: `acc-${name}`, token });
      }
      case 'password': {
        const name = session.name ?? '';
        if (this.passwords.get(name) !== m.old) return error('bad_credentials', 'Wrong name or password.');
        this.passwords.set(name, String(m.new));
        for (const [token, owner] of this.tokens) if (owner === name) this.tokens.delete(token);
        const token = this.#mint(name);
        session.token = token;
        return send({ type: 'account', name, account: `acc-${name}`, token });
      }
      case 'logout':
        if (session.token !== null) this.tokens.delete(session.token);
        send({ type: 'bye', reason: 'Logged out.', code: 'quit' });
        socket.end();
        return;
      case 'quit':
        send({ type: 'bye', reason: 'Bye.', code: 'quit' });
        socket.end();
        return;
      case 'say':
        return send({ type: 'ack', message: { id: `m${this.#next++}`, seq: 1, room: m.room, author: session.name, text: m.text, kind: 'message', ts: Date.now() } });
      default:
        return error('unknown_command', 'Not in this double.');
    }
  }
}

const doubles: AccountsDouble[] = [];
const dirs: string[] = [];
const clis: Cli[] = [];
const servers: TestServer[] = [];
const sockets: LineClient[] = [];

afterEach(async () => {
  for (const cli of clis.splice(0)) cli.input.end();
  for (const d of doubles.splice(0)) await d.close();
  for (const s of sockets.splice(0)) s.close();
  for (const s of servers.splice(0)) await s.dispose();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function double(): Promise<AccountsDouble> {
  const d = await new AccountsDouble().start();
  doubles.push(d);
  return d;
}

/** A fresh $XDG_CONFIG_HOME. */
function configHome(): string {
  const dir = mkdtempSync(join(tmpdir(), 'parley-config-'));
  dirs.push(dir);
  return dir;
}

const tokenPath = (home: string): string => join(home, 'parley', TOKEN_FILE_NAME);
const savedTokens = (home: string): Record<string, { name: string; token: string }> =>
  (JSON.parse(readFileSync(tokenPath(home), 'utf8')) as { servers: Record<string, { name: string; token: string }> }).servers;

class Cli {
  readonly input = new PassThrough();
  readonly output = new PassThrough();
  bytes = '';
  readonly exit: Promise<number>;

  constructor(options: Omit<ConnectOptions, 'input' | 'output'>) {
    this.output.setEncoding('utf8');
    this.output.on('data', (chunk: string) => {
      this.bytes += chunk;
    });
    this.exit = runConnect({ color: false, ...options, input: this.input, output: this.output });
    clis.push(this);
  }

  /** Everything written to the screen, escape sequences removed. */
  get text(): string {
    return stripVTControlCharacters(this.bytes);
  }

  type(line: string): void {
    this.input.write(`${line}\n`);
  }

  async waitFor(test: string | RegExp, timeoutMs = 8000): Promise<void> {
    const ok = (): boolean => (typeof test === 'string' ? this.text.includes(test) : test.test(this.text));
    const deadline = Date.now() + timeoutMs;
    while (!ok()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(test)}; output:\n${this.text}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

async function until(test: () => boolean, what: string, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const target = (d: AccountsDouble): { host: string; port: number } => ({ host: '127.0.0.1', port: d.port });

describe('parley connect --login (against an accounts double)', () => {
  it('asks for the password without echoing it, and saves the token 0600 under XDG_CONFIG_HOME/parley', async () => {
    const d = await double();
    const home = configHome();
    const cli = new Cli({ ...target(d), name: 'alice', login: true, terminal: true, env: { XDG_CONFIG_HOME: home } });
    await cli.waitFor('Password for alice: ');
    cli.type(PASSWORD);
    await cli.waitFor('Welcome, alice!');
    await cli.waitFor('[#general] alice> ');

    expect(cli.bytes).not.toContain(PASSWORD);
    expect(d.hellos()).toEqual([expect.objectContaining({ type: 'hello', name: 'alice', password: PASSWORD })]);
    const saved = savedTokens(home);
    expect(saved).toEqual({ [`127.0.0.1:${d.port}`]: { name: 'alice', token: 'tok-alice-1' } });
    expect(statSync(tokenPath(home)).mode & 0o777).toBe(0o600);
    expect(statSync(join(home, 'parley')).mode & 0o777).toBe(0o700);
  });

  it('keeps the typed password out of the line history (the up arrow does not bring it back)', async () => {
    const d = await double();
    const cli = new Cli({ ...target(d), name: 'alice', login: true, terminal: true, env: { XDG_CONFIG_HOME: configHome() } });
    await cli.waitFor('Password for alice: ');
    cli.type(PASSWORD);
    await cli.waitFor('[#general] alice> ');
    cli.type('first line');
    await cli.waitFor('alice: first line');
    const before = cli.bytes.length;
    // Up twice, then Enter: history holds only "first line", so the second step goes past its
    // oldest entry to an empty line (nothing sent). With the password kept in history, the
    // second step would bring it back and Enter would say it in the room.
    // (Keys written apart: readline reads an escape sequence cut by more input as a bare ESC.)
    for (const key of ['\u001b[A', '\u001b[A', '\r']) {
      cli.input.write(key);
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    cli.type('marker');
    await until(() => d.received.some((m) => m.type === 'say' && m.text === 'marker'), 'the marker line');
    expect(d.received.filter((m) => m.type === 'say').map((m) => m.text)).toEqual(['first line', 'marker']);
    expect(cli.bytes.slice(before)).not.toContain(PASSWORD);
  });

  it('reads the password as the next line when input is piped, still never from argv', async () => {
    const d = await double();
    const home = configHome();
    const cli = new Cli({ ...target(d), name: 'alice', login: true, terminal: false, env: { XDG_CONFIG_HOME: home } });
    cli.type(PASSWORD);
    cli.type('hello from a script');
    cli.input.end();
    expect(await cli.exit).toBe(0);
    expect(d.received.find((m) => m.type === 'say')).toMatchObject({ text: 'hello from a script' });
    expect(cli.text).not.toContain(PASSWORD);
    expect(savedTokens(home)[`127.0.0.1:${d.port}`]?.name).toBe('alice');
  });

  it('uses the saved token on the next start and after a reconnect; /logout revokes and forgets it', async () => {
    const d = await double();
    const home = configHome();
    const env = { XDG_CONFIG_HOME: home };
    const first = new Cli({ ...target(d), name: 'alice', login: true, terminal: true, env });
    await first.waitFor('Password for alice: ');
    first.type(PASSWORD);
    await first.waitFor('[#general] alice> ');
    first.type('/quit');
    expect(await first.exit).toBe(0);

    // Next start: no name, no --login, no password typed.
    const second = new Cli({ ...target(d), terminal: true, env, reconnect: { initialMs: 50, maxMs: 100 } });
    await second.waitFor('Welcome, alice!');
    expect(second.text).not.toContain('Password');
    expect(second.text).not.toContain('Your name');
    expect(d.hellos().at(-1)).toEqual(expect.objectContaining({ token: 'tok-alice-1' }));
    expect(d.hellos().at(-1)).not.toHaveProperty('password');

    d.dropAll();
    await second.waitFor('Reconnected.');
    expect(d.hellos().at(-1)).toEqual(expect.objectContaining({ token: 'tok-alice-1' }));

    second.type('/logout');
    expect(await second.exit).toBe(0);
    expect(d.received.at(-1)).toMatchObject({ type: 'logout' });
    expect(d.tokens.has('tok-alice-1')).toBe(false);
    expect(savedTokens(home)).toEqual({});

    // Forgotten: the next start asks for a name again.
    const third = new Cli({ ...target(d), terminal: true, env });
    await third.waitFor('Your name: ');
    expect(d.hellos()).toHaveLength(3);
  });

  it('falls back to asking for the password when the saved token is refused', async () => {
    const d = await double();
    const home = configHome();
    mkdirSync(join(home, 'parley'), { recursive: true });
    writeFileSync(tokenPath(home), JSON.stringify({ version: 1, servers: { [`127.0.0.1:${d.port}`]: { name: 'alice', token: 'revoked' } } }));
    const cli = new Cli({ ...target(d), terminal: true, env: { XDG_CONFIG_HOME: home } });
    await cli.waitFor('The saved login of alice was not accepted: This login has expired or was revoked');
    await cli.waitFor('Password for alice: ');
    cli.type(PASSWORD);
    await cli.waitFor('Welcome, alice!');
    expect(cli.bytes).not.toContain(PASSWORD);
    expect(savedTokens(home)[`127.0.0.1:${d.port}`]).toEqual({ name: 'alice', token: 'tok-alice-1' });
  });

  it('keeps logins of other servers when saving and forgetting one', async () => {
    const d = await double();
    const home = configHome();
    mkdirSync(join(home, 'parley'), { recursive: true });
    const other = { name: 'bob', token: 'elsewhere' };
    writeFileSync(tokenPath(home), JSON.stringify({ version: 1, servers: { 'chat.example:4000': other } }));
    const cli = new Cli({ ...target(d), name: 'alice', login: true, terminal: false, env: { XDG_CONFIG_HOME: home } });
    cli.type(PASSWORD);
    cli.type('/logout');
    expect(await cli.exit).toBe(0);
    expect(savedTokens(home)).toEqual({ 'chat.example:4000': other });
  });

  it('/register and /password prompt without echo and save the new token', async () => {
    const d = await double();
    const home = configHome();
    const cli = new Cli({ ...target(d), name: 'carol', terminal: true, env: { XDG_CONFIG_HOME: home } });
    await cli.waitFor('[#general] carol> ');
    cli.type('/register');
    await cli.waitFor('Choose a password: ');
    cli.type('first secret');
    await cli.waitFor('Repeat the password: ');
    cli.type('first secret');
    await cli.waitFor('Registered carol: you are logged in.');
    expect(d.received.find((m) => m.type === 'register')).toMatchObject({ password: 'first secret' });
    expect(savedTokens(home)[`127.0.0.1:${d.port}`]).toEqual({ name: 'carol', token: 'tok-carol-1' });

    cli.type('/password');
    await cli.waitFor('Current password: ');
    cli.type('first secret');
    await cli.waitFor('New password: ');
    cli.type('second secret');
    await cli.waitFor('Repeat the new password: ');
    cli.type('second secret');
    await cli.waitFor('Password changed');
    expect(d.received.find((m) => m.type === 'password')).toMatchObject({ old: 'first secret', new: 'second secret' });
    expect(savedTokens(home)[`127.0.0.1:${d.port}`]).toEqual({ name: 'carol', token: 'tok-carol-2' });
    expect(cli.bytes).not.toContain('first secret');
    expect(cli.bytes).not.toContain('second secret');
  });

  it('refuses a /register whose two passwords differ, sending nothing', async () => {
    const d = await double();
    const cli = new Cli({ ...target(d), name: 'dave', terminal: true, env: { XDG_CONFIG_HOME: configHome() } });
    await cli.waitFor('[#general] dave> ');
    cli.type('/register');
    await cli.waitFor('Choose a password: ');
    cli.type('one');
    await cli.waitFor('Repeat the password: ');
    cli.type('two');
    await cli.waitFor('The passwords do not match; nothing was changed.');
    expect(d.received.some((m) => m.type === 'register')).toBe(false);
  });

  it('at the name prompt, a registered name says how to log in, and /login NAME asks for the password', async () => {
    const d = await double();
    const cli = new Cli({ ...target(d), terminal: true, env: { XDG_CONFIG_HOME: configHome() } });
    await cli.waitFor('Your name: ');
    cli.type('alice');
    await cli.waitFor('(to log in, type /login alice: the password is asked for without echo)');
    cli.type('/login alice');
    await cli.waitFor('Password for alice: ');
    cli.type(PASSWORD);
    await cli.waitFor('Welcome, alice!');
    expect(cli.bytes).not.toContain(PASSWORD);
  });
});

/**
 * The real server: waits for the doors branch (JSON-lines hello with a password, register,
 * logout) and a store with accounts. Until both are merged, the probe below answers something
 * other than bad_credentials and the test is skipped with that reason.
 */
describe('parley connect logins against the real server', () => {
  it('registers, reuses the saved token on the next start, and logs out', async (ctx) => {
    const s = await startTestServer({}, { web: false });
    servers.push(s);
    const probe = await LineClient.open(s.tcpPort);
    sockets.push(probe);
    probe.json({ type: 'hello', name: 'probe-user', password: 'not the password', id: 'p' });
    const answer = await probe.waitForJson<Json>((m) => m.re === 'p');
    if (answer.code !== 'bad_credentials') {
      ctx.skip(`the server on this branch has no JSON-lines logins yet (probe answered ${JSON.stringify(answer.code ?? answer.type)}); waits for the doors and stores branches`);
    }
    const home = configHome();
    const env = { XDG_CONFIG_HOME: home };
    const port = { host: '127.0.0.1', port: s.tcpPort };
    const first = new Cli({ ...port, name: 'erin', terminal: true, env });
    await first.waitFor('[#general] erin> ');
    first.type('/register');
    first.type('a long enough password 1');
    first.type('a long enough password 1');
    await first.waitFor('Registered erin');
    expect(statSync(tokenPath(home)).mode & 0o777).toBe(0o600);
    first.type('/quit');
    expect(await first.exit).toBe(0);

    const second = new Cli({ ...port, terminal: true, env });
    await second.waitFor('Welcome, erin!');
    second.type('/logout');
    expect(await second.exit).toBe(0);
    expect(savedTokens(home)).toEqual({});
  });
});
