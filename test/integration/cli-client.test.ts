import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { runConnect, type ConnectOptions } from '../../clients/cli/connect.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { LineClient } from '../helpers/tcp-client.js';

/**
 * The CLI client against the real server, in process: PassThrough streams stand in for the
 * keyboard and the screen. `terminal: true` runs the same readline terminal mode a TTY gets.
 */
type Json = Record<string, unknown>;

const servers: TestServer[] = [];
const sockets: LineClient[] = [];
const clis: Cli[] = [];
const proxies: AckDroppingProxy[] = [];

afterEach(async () => {
  for (const cli of clis.splice(0)) cli.input.end();
  for (const proxy of proxies.splice(0)) await proxy.close();
  for (const s of sockets.splice(0)) s.close();
  for (const server of servers.splice(0).reverse()) await server.dispose();
});

async function server(overrides: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
  const s = await startTestServer(overrides, { web: false });
  servers.push(s);
  return s;
}

/** A raw JSON-lines client, past hello. */
async function raw(port: number, name: string): Promise<LineClient> {
  const client = await LineClient.open(port);
  sockets.push(client);
  client.json({ type: 'hello', name, id: 'h' });
  await client.waitForJson((m) => m.type === 'welcome' && m.re === 'h');
  return client;
}

class Cli {
  readonly input = new PassThrough();
  readonly output = new PassThrough();
  bytes = '';
  readonly exit: Promise<number>;
  #waiters: Array<() => void> = [];

  constructor(options: Omit<ConnectOptions, 'input' | 'output'>, columns?: number) {
    // What a TTY output reports; readline reads it to know where typed text wraps.
    if (columns !== undefined) Object.assign(this.output, { columns });
    this.output.setEncoding('utf8');
    this.output.on('data', (chunk: string) => {
      this.bytes += chunk;
      for (const wake of this.#waiters.splice(0)) wake();
    });
    this.exit = runConnect({ color: false, ...options, input: this.input, output: this.output });
    clis.push(this);
  }

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
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 100);
        this.#waiters.push(() => (clearTimeout(timer), resolve()));
      });
    }
  }

  count(text: string): number {
    return this.text.split(text).length - 1;
  }
}

describe('parley connect (CLI client) against the real server', () => {
  it('shows the welcome and history, sends and receives, switches rooms, and exits 0 on Ctrl-D', async () => {
    const s = await server();
    const bob = await raw(s.tcpPort, 'bob');
    bob.json({ type: 'say', room: 'general', text: 'earlier words', id: 1 });
    await bob.waitForJson((m) => m.type === 'ack');

    const cli = new Cli({ host: '127.0.0.1', port: s.tcpPort, name: 'alice', terminal: true });
    await cli.waitFor('Welcome, alice! You are in #general with 1 other user.');
    expect(cli.text).toMatch(/--- last 1 message in #general ---\n\[\d\d:\d\d\] bob: earlier words\n--- end of history ---/);
    await cli.waitFor('[#general] alice> ');

    cli.type('hello from the cli');
    const got = await bob.waitForJson<{ message: Json }>((m) => m.type === 'message');
    expect(got.message).toMatchObject({ author: 'alice', text: 'hello from the cli', room: 'general' });
    await cli.waitFor(/\[\d\d:\d\d\] alice: hello from the cli/);

    bob.json({ type: 'say', room: 'general', text: 'hi alice', id: 2 });
    await cli.waitFor(/\[\d\d:\d\d\] bob: hi alice/);

    cli.type('/join dev');
    await cli.waitFor('You joined #dev (topic: none). 1 user here.');
    await cli.waitFor('[#dev] alice> ');
    bob.json({ type: 'join', room: 'dev', id: 3 });
    await cli.waitFor('bob has joined the chat.');
    cli.type('in dev now');
    const inDev = await bob.waitForJson<{ message: Json }>((m) => m.type === 'message' && (m.message as Json).room === 'dev');
    expect(inDev.message.text).toBe('in dev now');
    // An event of the other room carries its name.
    bob.json({ type: 'say', room: 'general', text: 'back in general', id: 4 });
    await cli.waitFor(/\[#general\] bob: back in general/);

    cli.type('/who');
    await cli.waitFor('Users in #dev (2): alice, bob');

    cli.input.write('\x04'); // Ctrl-D on an empty line
    expect(await cli.exit).toBe(0);
    await bob.waitForJson((m) => m.type === 'leave' && (m.user as Json).name === 'alice');
  });

  it('redraws the prompt and the half-typed line under an incoming message', async () => {
    const s = await server();
    const bob = await raw(s.tcpPort, 'bob');
    const cli = new Cli({ host: '127.0.0.1', port: s.tcpPort, name: 'alice', terminal: true });
    await cli.waitFor('[#general] alice> ');
    cli.input.write('half typ');
    await cli.waitFor('alice> half typ');
    bob.json({ type: 'say', room: 'general', text: 'interrupting', id: 1 });
    await cli.waitFor(/bob: interrupting/);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const screen = emulate(cli.bytes);
    expect(screen.at(-2)).toMatch(/^\[\d\d:\d\d\] bob: interrupting$/);
    expect(screen.at(-1)).toBe('[#general] alice> half typ');
    expect(screen.filter((l) => l.includes('half typ'))).toHaveLength(1);

    cli.input.write('ed\r');
    await cli.waitFor(/alice: half typed/);
    // The submitted line is replaced by its acknowledged, timestamped form.
    const after = emulate(cli.bytes);
    expect(after.filter((l) => l.includes('half typed'))).toEqual([expect.stringMatching(/^\[\d\d:\d\d\] alice: half typed$/)]);
    expect(after.at(-1)).toBe('[#general] alice>'); // the emulator trims trailing spaces

    cli.input.write('\x03'); // Ctrl-C
    expect(await cli.exit).toBe(0);
  });

  it('keeps a long, wrapped input intact under incoming messages', async () => {
    const s = await server();
    const bob = await raw(s.tcpPort, 'bob');
    const cli = new Cli({ host: '127.0.0.1', port: s.tcpPort, name: 'alice', terminal: true }, 40);
    await cli.waitFor('[#general] alice> ');
    const long = 'a long line that wraps over more than one row of a narrow terminal';
    cli.input.write(long); // one chunk, as a paste arrives
    await cli.waitFor('terminal');
    for (const [i, text] of ['first', 'second'].entries()) {
      if (i === 1) cli.input.write('\x1b[D\x1b[D'); // cursor left twice: still on the last row
      bob.json({ type: 'say', room: 'general', text, id: i });
      await cli.waitFor(`bob: ${text}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    const screen = emulate(cli.bytes, 40);
    const prompt = `[#general] alice> ${long}`;
    const wrapped = Array.from({ length: Math.ceil(prompt.length / 40) }, (_, i) => prompt.slice(i * 40, i * 40 + 40).trimEnd());
    expect(screen.slice(-wrapped.length - 2)).toEqual([
      expect.stringMatching(/^\[\d\d:\d\d\] bob: first$/),
      expect.stringMatching(/^\[\d\d:\d\d\] bob: second$/),
      ...wrapped,
    ]);
    cli.input.write('\x03');
    expect(await cli.exit).toBe(0);
  });

  it('asks for the name, and again when it is taken', async () => {
    const s = await server();
    await raw(s.tcpPort, 'alice');
    const cli = new Cli({ host: '127.0.0.1', port: s.tcpPort, terminal: true });
    await cli.waitFor('Your name: ');
    // A person takes a while to type: longer than the server waits before assuming text mode.
    await new Promise((resolve) => setTimeout(resolve, 400));
    cli.type('alice');
    await cli.waitFor(/already taken/i);
    cli.type('alice2');
    await cli.waitFor('Welcome, alice2!');
    await cli.waitFor('[#general] alice2> ');
    cli.type('/quit');
    expect(await cli.exit).toBe(0);
    expect(cli.text).not.toContain('ignored a line');
  });

  it('reconnects with backoff after the server restarts, and rejoins its rooms', async () => {
    const first = await server();
    const cli = new Cli({
      host: '127.0.0.1',
      port: first.tcpPort,
      name: 'alice',
      room: 'dev',
      terminal: true,
      reconnect: { initialMs: 100, maxMs: 400 },
    });
    await cli.waitFor('[#dev] alice> ');
    const bob = await raw(first.tcpPort, 'bob');
    bob.json({ type: 'join', room: 'dev', id: 1 });
    bob.json({ type: 'say', room: 'dev', text: 'seen before the restart', id: 2 });
    await cli.waitFor(/bob: seen before the restart/);

    await first.stop();
    await cli.waitFor('Connection lost; reconnecting in 100ms…');
    await cli.waitFor('[#dev] alice (offline)> ');
    await cli.waitFor(/Reconnect failed \(.*ECONNREFUSED.*\); retrying in 200ms…/);

    const second = await server({ tcpPort: first.tcpPort, dataDir: first.dataDir });
    await cli.waitFor('Reconnected.');
    await cli.waitFor('[#dev] alice> ');
    // Rejoined history already seen is not shown twice.
    expect(cli.count('seen before the restart')).toBe(1);

    const carol = await raw(second.tcpPort, 'carol');
    carol.json({ type: 'join', room: 'dev', id: 1 });
    await carol.waitForJson((m) => m.type === 'joined');
    cli.type('after the restart');
    const got = await carol.waitForJson<{ message: Json }>((m) => m.type === 'message');
    expect(got.message).toMatchObject({ author: 'alice', room: 'dev', text: 'after the restart' });

    cli.input.end();
    expect(await cli.exit).toBe(0);
  });

  it('after a reconnect shows every message missed while away, once, even past the join history', async () => {
    const first = await server();
    const cli = new Cli({ host: '127.0.0.1', port: first.tcpPort, name: 'alice', room: 'dev', terminal: true, reconnect: { initialMs: 300, maxMs: 300 } });
    await cli.waitFor('[#dev] alice> ');
    expect((await first.server.chat.postAs('bot', 'dev', 'before 0')).ok).toBe(true);
    await cli.waitFor(/bot: before 0/);
    await first.stop();
    await cli.waitFor('Connection lost; reconnecting in 300ms…');
    const second = await server({ tcpPort: first.tcpPort, dataDir: first.dataDir });
    // More than the 20 messages a join shows: the client must ask for the rest by seq.
    const MISSED = 60;
    // Posted over about the time the client takes to come back, so some arrive live while the
    // catch-up by seq is on its way: each must still be shown exactly once.
    const posting = (async () => {
      for (let i = 0; i < MISSED; i++) {
        expect((await second.server.chat.postAs('bot', 'dev', `missed ${i}`)).ok).toBe(true);
        if (i >= 25) await new Promise((r) => setTimeout(r, 10));
      }
    })();
    await cli.waitFor('Reconnected.');
    await posting;
    await cli.waitFor(new RegExp(`bot: missed ${MISSED - 1}\\b`));
    // Shown once each, whether it came live (if the reconnect beat the posting) or in the catch-up.
    for (let i = 0; i < MISSED; i++) expect(cli.text.match(new RegExp(`bot: missed ${i}(?!\\d)`, 'g'))?.length ?? 0, `missed ${i}`).toBe(1);
    expect(cli.count('before 0')).toBe(1);
    cli.input.end();
    expect(await cli.exit).toBe(0);
  });

  it('after a reconnect keeps asking for its name while another session still holds it', async () => {
    const first = await server();
    const cli = new Cli({ host: '127.0.0.1', port: first.tcpPort, name: 'alice', terminal: true, reconnect: { initialMs: 300, maxMs: 300 } });
    await cli.waitFor(/Welcome, alice!/);
    await first.stop();
    const second = await server({ tcpPort: first.tcpPort, dataDir: first.dataDir });
    // As a lost node's session would, another session holds the name for a while.
    const holder = await raw(second.tcpPort, 'alice');
    await cli.waitFor(/your name is still held/);
    holder.close();
    await cli.waitFor('Reconnected.', 10_000);
    const carol = await raw(second.tcpPort, 'carol');
    cli.type('back as myself');
    const got = await carol.waitForJson<{ message: Json }>((m) => m.type === 'message');
    expect(got.message).toMatchObject({ author: 'alice', text: 'back as myself' });
    expect(cli.count('refused the name')).toBe(0);
    cli.input.end();
    expect(await cli.exit).toBe(0);
  });

  it('piped input: joins the room, sends every line, waits for the acks, exits 0 at end of input', async () => {
    const s = await server();
    const bob = await raw(s.tcpPort, 'bob');
    bob.json({ type: 'join', room: 'ops', id: 1 });
    await bob.waitForJson((m) => m.type === 'joined');
    const cli = new Cli({ host: '127.0.0.1', port: s.tcpPort, name: 'bot', room: 'ops' });
    cli.input.end('deploy started\n/me is deploying\n');
    expect(await cli.exit).toBe(0);
    await bob.waitForJson((m) => m.type === 'message' && (m.message as Json).text === 'deploy started' && (m.message as Json).room === 'ops');
    await bob.waitForJson((m) => m.type === 'message' && (m.message as Json).kind === 'action');
    expect(cli.text).toMatch(/\[\d\d:\d\d\] bot: deploy started\n\[\d\d:\d\d\] \* bot is deploying\n/);
    expect(cli.bytes).not.toContain('\x1b'); // no prompt, no colour when not a terminal
  });

  it('piped input: a refused line makes the exit code 1', async () => {
    const s = await server({ maxMessageLength: 10 });
    const cli = new Cli({ host: '127.0.0.1', port: s.tcpPort, name: 'bot' });
    cli.input.end('short\nthis line is far too long\n');
    expect(await cli.exit).toBe(1);
    expect(cli.text).toMatch(/bot: short/);
    expect(cli.text).toMatch(/Not sent: .*\("this line is far too long"\)/);
  });

  it('fails fast with a clear message when nothing listens', async () => {
    const s = await server();
    const port = s.tcpPort;
    await s.stop();
    const cli = new Cli({ host: '127.0.0.1', port, name: 'alice' });
    expect(await cli.exit).toBe(1);
    expect(cli.text).toMatch(new RegExp(`Cannot connect to 127.0.0.1:${port}: .*ECONNREFUSED`));
  });
  it('piped input applies in order: a line after /join goes to the joined room', async () => {
    const s = await server();
    const bob = await raw(s.tcpPort, 'bob');
    bob.json({ type: 'join', room: 'qa', id: 1 });
    await bob.waitForJson((m) => m.type === 'joined');
    const cli = new Cli({ host: '127.0.0.1', port: s.tcpPort, name: 'x' });
    cli.input.end('a\n/join qa\nb\n/leave qa\nc\n');
    expect(await cli.exit).toBe(0);
    const said = (text: string) => bob.waitForJson<{ message: Json }>((m) => m.type === 'message' && (m.message as Json).text === text);
    expect((await said('a')).message.room).toBe('general');
    expect((await said('b')).message.room).toBe('qa');
    expect((await said('c')).message.room).toBe('general');
  });

  it('shows a missed message once when a live one overtakes the catch-up reply after a reconnect', async () => {
    const msg = (seq: number) => ({ id: `m${seq}`, room: 'general', seq, kind: 'chat', author: 'bot', text: `n${seq}`, ts: 1_700_000_000_000 + seq });
    const line = (value: unknown) => `${JSON.stringify(value)}\n`;
    let connections = 0;
    // First connection: message 1, then the server goes away. Second: the join's history holds
    // only 40-60, so the client asks for everything after 1; message 61 arrives live before the
    // reply (2-61). Every one of 2-61 must be shown exactly once.
    const fake = createServer((socket) => {
      const nth = ++connections;
      socket.setEncoding('utf8');
      let buffered = '';
      socket.on('data', (chunk: string) => {
        buffered += chunk;
        for (let at = buffered.indexOf('\n'); at >= 0; at = buffered.indexOf('\n')) {
          const request = JSON.parse(buffered.slice(0, at)) as Json;
          buffered = buffered.slice(at + 1);
          if (request.type === 'hello' && nth === 1) {
            socket.write(line({ type: 'welcome', re: request.id, name: 'alice', room: 'general', topic: '', users: [], history: [] }));
            socket.write(line({ type: 'message', message: msg(1) }));
            setTimeout(() => socket.destroy(), 100);
          } else if (request.type === 'hello') {
            const recent = Array.from({ length: 21 }, (_, i) => msg(40 + i));
            socket.write(line({ type: 'welcome', re: request.id, name: 'alice', room: 'general', topic: '', users: [], history: recent }));
          } else if (request.type === 'history') {
            socket.write(line({ type: 'message', message: msg(61) }));
            const after = Number(request.after);
            socket.write(line({ type: 'history', re: request.id, room: 'general', messages: Array.from({ length: 61 - after }, (_, i) => msg(after + 1 + i)) }));
          } else if (request.type === 'quit') {
            socket.end(line({ type: 'bye', re: request.id, reason: 'bye', code: 'quit' }));
          }
        }
      });
    });
    await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
    try {
      const cli = new Cli({ host: '127.0.0.1', port: (fake.address() as AddressInfo).port, name: 'alice', reconnect: { initialMs: 50, maxMs: 50 } });
      await cli.waitFor('Reconnected.');
      await cli.waitFor(/bot: n2(?!\d)/);
      for (let seq = 1; seq <= 61; seq++) expect(cli.text.match(new RegExp(`bot: n${seq}(?!\\d)`, 'g'))?.length ?? 0, `n${seq}`).toBe(1);
      cli.input.end();
      expect(await cli.exit).toBe(0);
    } finally {
      await new Promise((resolve) => fake.close(resolve));
    }
  });

  it('skips the text-mode greeting before its first JSON reply, and says nothing about it', async () => {
    // Stands in for a server that greets every connection in text mode at once and switches to
    // JSON lines on the client's first "{" (what the TCP door does).
    const fake = createServer((socket) => {
      socket.write('Welcome to Parley!\r\nEnter your name:\r\n');
      socket.setEncoding('utf8');
      let buffered = '';
      socket.on('data', (chunk: string) => {
        buffered += chunk;
        for (let at = buffered.indexOf('\n'); at >= 0; at = buffered.indexOf('\n')) {
          const request = JSON.parse(buffered.slice(0, at)) as Json;
          buffered = buffered.slice(at + 1);
          if (request.type === 'hello') {
            socket.write(`${JSON.stringify({ type: 'welcome', re: request.id, name: 'alice', room: 'general', topic: '', users: [], history: [] })}\n`);
            socket.write('not json after the first reply\n');
          }
          if (request.type === 'quit') socket.end(`${JSON.stringify({ type: 'bye', re: request.id, reason: 'bye', code: 'quit' })}\n`);
        }
      });
    });
    await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
    try {
      const cli = new Cli({ host: '127.0.0.1', port: (fake.address() as AddressInfo).port, name: 'alice' });
      await cli.waitFor('Welcome, alice!');
      await cli.waitFor('(ignored a line from the server: not valid JSON: not json after the first reply)');
      cli.input.end();
      expect(await cli.exit).toBe(0);
      expect(cli.text).not.toContain('Welcome to Parley!');
      expect(cli.text).not.toContain('Enter your name');
      expect(cli.count('ignored a line')).toBe(1);
    } finally {
      await new Promise((resolve) => fake.close(resolve));
    }
  });

  it('shows a multi-line message as indented continuation lines', async () => {
    const s = await server();
    const bob = await raw(s.tcpPort, 'bob');
    const cli = new Cli({ host: '127.0.0.1', port: s.tcpPort, name: 'alice' });
    await cli.waitFor('Welcome, alice!');
    bob.json({ type: 'say', room: 'general', text: 'first line\nsecond line\nalice: not a line of its own', id: 1 });
    await cli.waitFor(/\[\d\d:\d\d\] bob: first line\n {8}second line\n {8}alice: not a line of its own\n/);
    cli.input.end();
    expect(await cli.exit).toBe(0);
  });

  it('resends a line whose ack was lost, with the same id, after the server restarts', async () => {
    const { cli, proxy } = await loseAnAckAcrossARestart();
    const says = proxy.requests.filter((r) => r.type === 'say' && r.text === 'lost in transit');
    expect(says).toHaveLength(2);
    expect(typeof says[0]?.id).toBe('string');
    expect(says[1]?.id).toBe(says[0]?.id);
    // Every other request had an id of its own, across both connections.
    const ids = proxy.requests.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length - 1);
    expect(cli.text).not.toContain('Not sent');
    cli.input.end();
    expect(await cli.exit).toBe(0);
  }, 20_000);

  it('a line resent after a lost ack is stored once (needs the TCP door to key say on its id)', async (test) => {
    const { cli, second } = await loseAnAckAcrossARestart();
    const reader = await raw(second.tcpPort, 'reader');
    // Whether this server stores a JSON-lines say once per id; until the TCP door does, the
    // client's part is covered by the test above and this one says why it did not run.
    reader.json({ type: 'join', room: 'probe', id: 'j' });
    await reader.waitForJson((m) => m.re === 'j');
    reader.json({ type: 'say', room: 'probe', text: 'probe', id: 'probe-same-id' });
    reader.json({ type: 'say', room: 'probe', text: 'probe', id: 'probe-same-id' });
    const isAck = (l: string): boolean => l.startsWith('{"type":"ack"');
    const firstAck = await reader.waitFor(isAck);
    const secondAck = await reader.waitFor(isAck, 5000, reader.lines.indexOf(firstAck) + 1);
    const acks = [firstAck, secondAck].map((l) => JSON.parse(l) as Json);
    cli.input.end();
    expect(await cli.exit).toBe(0);
    if ((acks[0]?.message as Json).id !== (acks[1]?.message as Json).id) {
      test.skip('this server does not yet key JSON-lines say on its id (TCP door); the client side is tested above');
    }
    reader.json({ type: 'history', room: 'general', limit: 50, id: 'hist' });
    const history = await reader.waitForJson<{ messages: Json[] }>((m) => m.type === 'history' && m.re === 'hist');
    expect(history.messages.filter((m) => m.text === 'lost in transit')).toHaveLength(1);
  }, 20_000);
});

/**
 * Replays what was written to the "terminal" onto a screen of unlimited width and returns its
 * rows: enough of VT100 (CR, LF as CRLF, cursor moves, erase, autowrap at `columns`) to see what
 * a person would see.
 */
function emulate(bytes: string, columns = Infinity): string[] {
  const rows: string[] = [''];
  let row = 0;
  let col = 0;
  const put = (ch: string): void => {
    if (col >= columns) {
      // Autowrap, as xterm does: the character after the last column starts the next row.
      row += 1;
      col = 0;
    }
    while (rows.length <= row) rows.push('');
    const line = (rows[row] ?? '').padEnd(col, ' ');
    rows[row] = line.slice(0, col) + ch + line.slice(col + 1);
    col += 1;
  };
  for (let i = 0; i < bytes.length; i++) {
    const ch = bytes[i] as string;
    if (ch === '\x1b') {
      const m = /^\x1b\[([0-9;]*)([A-Za-z])/.exec(bytes.slice(i));
      if (!m) continue;
      i += m[0].length - 1;
      const n = m[1] === '' ? 1 : Number((m[1] ?? '1').split(';')[0]);
      switch (m[2]) {
        case 'G': col = Math.max(0, n - 1); break;
        case 'A': row = Math.max(0, row - n); break;
        case 'B': row += n; break;
        case 'C': col += n; break;
        case 'D': col = Math.max(0, col - n); break;
        case 'J': rows[row] = (rows[row] ?? '').slice(0, col); rows.length = Math.min(rows.length, row + 1); break;
        case 'K': rows[row] = (rows[row] ?? '').slice(0, col); break;
        default: break; // colours and modes do not move anything
      }
    } else if (ch === '\n') {
      row += 1;
      col = 0;
      while (rows.length <= row) rows.push('');
    } else if (ch === '\r') {
      col = 0;
    } else {
      put(ch);
    }
  }
  return rows.slice(0, Math.max(row + 1, 1)).map((r) => r.replace(/\s+$/, ''));
}

/**
 * The CLI, behind a proxy that loses the ack of "lost in transit" (the server stored it) and
 * cuts the connection; then the server restarts on the same port and data. Returns once the
 * CLI has reconnected, resent, and said a further line.
 */
async function loseAnAckAcrossARestart(): Promise<{ cli: Cli; proxy: AckDroppingProxy; second: TestServer }> {
  const first = await server();
  const proxy = await AckDroppingProxy.start(first.tcpPort, 'lost in transit');
  proxies.push(proxy);
  const cli = new Cli({ host: '127.0.0.1', port: proxy.port, name: 'alice', terminal: true, reconnect: { initialMs: 100, maxMs: 400 } });
  await cli.waitFor('[#general] alice> ');
  cli.type('lost in transit');
  await cli.waitFor('(1 line(s) not yet confirmed: sent again once the connection is back)');
  await first.stop();
  const second = await server({ tcpPort: first.tcpPort, dataDir: first.dataDir });
  await cli.waitFor('Reconnected.');
  await cli.waitFor(/\[\d\d:\d\d\] alice: lost in transit/);
  cli.type('after the restart');
  await cli.waitFor(/\[\d\d:\d\d\] alice: after the restart/);
  return { cli, proxy, second };
}

/**
 * A TCP proxy in front of the server that records the client's JSON requests and, the first
 * time the server acknowledges a message with `dropText`, swallows that ack and cuts both
 * sockets: the message is stored, the client never hears so (a crash or a lost network between
 * the commit and the ack). Later connections pass through untouched.
 */
class AckDroppingProxy {
  readonly requests: Json[] = [];
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  #dropped = false;

  private constructor(server: Server) {
    this.#server = server;
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  static async start(target: number, dropText: string): Promise<AckDroppingProxy> {
    const server = createServer();
    const proxy = new AckDroppingProxy(server);
    server.on('connection', (client) => proxy.#pipe(client, target, dropText));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  #pipe(client: Socket, target: number, dropText: string): void {
    const upstream = createConnection(target, '127.0.0.1');
    for (const socket of [client, upstream]) {
      this.#sockets.add(socket);
      socket.on('error', () => undefined); // the other side's close follows; nothing to report
      socket.on('close', () => {
        this.#sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    eachLine(client, (line) => {
      if (line.startsWith('{')) this.requests.push(JSON.parse(line) as Json);
      upstream.write(`${line}\n`);
    });
    eachLine(upstream, (line) => {
      const reply = line.startsWith('{') ? (JSON.parse(line) as Json) : null;
      if (!this.#dropped && reply?.type === 'ack' && (reply.message as Json).text === dropText) {
        this.#dropped = true;
        client.destroy();
        upstream.destroy();
        return;
      }
      client.write(`${line}\n`);
    });
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise((resolve) => this.#server.close(resolve));
  }
}

function eachLine(socket: Socket, onLine: (line: string) => void): void {
  let buffered = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    for (let at = buffered.indexOf('\n'); at >= 0 && !socket.destroyed; at = buffered.indexOf('\n')) {
      const line = buffered.slice(0, at);
      buffered = buffered.slice(at + 1);
      onLine(line);
    }
  });
}
