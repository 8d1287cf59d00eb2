import type { JsonServerMessage } from '../../src/protocol/jsonl-shapes.js';
import type { ClientRequest } from './auth-requests.js';
import { DEFAULT_BACKOFF, formatDelay } from './backoff.js';
import { isChatRequest, parseInput, type InputAction } from './commands.js';
import { Completion } from './completion.js';
import type { ConnectOptions } from './connect.js';
import { InFlight, isRetryable, type Pending, type Sent } from './in-flight.js';
import { describeError, formatTarget, Link } from './link.js';
import {
  clean,
  localTime,
  renderHistory,
  renderJoined,
  renderPrivate,
  renderServerMessage,
  renderUndelivered,
  renderWelcome,
  type RenderContext,
  type WireMessage,
} from './render.js';
import { RoomTracker } from './room-tracker.js';
import { colourWanted, createStyle, type Style } from './style.js';
import { Terminal } from './terminal.js';
import { configDir, TokenFile } from './token-file.js';

/**
 * - connecting: the first TCP connect.        - naming: waiting for the user to type a name.
 * - registering: hello sent.                   - syncing: joins after hello not yet answered.
 * - ready: typed lines go straight out.        - offline: the link is waiting to reconnect.
 * - quitting: quit sent, waiting for the close.
 * Lines typed in any phase but naming and ready wait in a queue, sent in order once ready.
 * In ready, a line also waits while a request that changes what it means (join, leave, nick)
 * is unanswered: `a`, `/join qa`, `b` piped in at once says `b` in #qa, not where `a` went.
 */
type Phase = 'connecting' | 'naming' | 'registering' | 'syncing' | 'ready' | 'offline' | 'quitting';

/** Questions whose answers are secrets (passwords), asked one after another without echo. */
interface Asking {
  readonly prompts: string[];
  readonly answers: string[];
  readonly done: (answers: string[]) => void;
}

/** Errors after which a saved token is still good: the same hello is asked again shortly. */
const TRANSIENT_CODES = new Set(['shutting_down', 'store_unavailable', 'bus_unavailable', 'too_many_attempts']);

const MAX_QUEUED_LINES = 1000;
// After a reconnect, how long to keep asking for a name still held for a lost node: a little
// more than the cluster's default name TTL (30 s).
const NAME_RETRY_MS = 1000;
const NAME_RETRIES = 40;
/** A catch-up by seq in flight: where it starts, and the live messages shown meanwhile. */
interface CatchUp {
  readonly after: number;
  readonly shown: Set<number>;
}

// The server's largest history page: a gap longer than this is left for /history to page.
const CATCH_UP_LIMIT = 500;

/**
 * One run of `parley connect`: the state machine between the keyboard, the screen and the
 * server. What it builds on lives beside it: commands.ts (typed line -> request), render.ts
 * (server message -> lines), room-tracker.ts (rooms across reconnects), in-flight.ts (requests
 * awaiting answers), link.ts (the connection and its reconnects), terminal.ts (the prompt).
 */
export class ConnectSession {
  readonly #options: ConnectOptions;
  readonly #style: Style;
  readonly #interactive: boolean;
  readonly #terminal: Terminal;
  readonly #tracker: RoomTracker;
  /** Rooms whose missed messages were asked for by `seq` after a reconnect. */
  readonly #catchingUp = new Map<string, CatchUp>();
  readonly #link: Link;
  readonly #completion = new Completion();
  readonly #inFlight = new InFlight();
  readonly #timers = new Set<NodeJS.Timeout>();
  #phase: Phase = 'connecting';
  #registeredOnce = false;
  #nameRetries = 0;
  #queue: string[] = [];
  /**
   * Chat lines sent but unconfirmed when the connection dropped: resent, with the id they first
   * went out with, before anything else once the session is back. The server stores a line once
   * per id, so one that did arrive is answered with its original ack, not stored again.
   */
  #resend: Sent[] = [];
  /** The room that was current before a reconnect, made current again once rooms are back. */
  #restoreRoom: string | null = null;
  #inputEnded = false;
  /** Lines refused or unconfirmed; in script mode they make the exit code 1. */
  #undelivered = 0;
  #queuedNoticeShown = false;
  #finished = false;
  #resolve: (code: number) => void = () => undefined;
  #sigint: (() => void) | null = null;
  /** Saved logins (a token per server), under the user's config dir. */
  readonly #tokens: TokenFile;
  /**
   * The login token of this session: from the token file at start, or the last one the server
   * gave (login, register, password change). Every reconnect says hello with it.
   */
  #token: string | null = null;
  /** Log in with a password rather than as a guest (--login, /login at the name prompt, a rejected token). */
  #loginWanted: boolean;
  #asking: Asking | null = null;

  constructor(options: ConnectOptions) {
    this.#options = options;
    const input = options.input ?? process.stdin;
    const output = options.output ?? process.stdout;
    const isTty = (s: unknown): boolean => (s as { isTTY?: boolean }).isTTY === true;
    this.#interactive = options.terminal ?? (isTty(input) && isTty(output));
    this.#style = createStyle(colourWanted(options.color, output, options.env ?? process.env));
    this.#tracker = new RoomTracker(options.name ?? null);
    this.#loginWanted = options.login === true;
    this.#tokens = new TokenFile(options.configDir ?? configDir(options.env ?? process.env), options);
    const saved = this.#tokens.load();
    // A saved login is used unless the user asked for another name.
    if (saved !== null && (options.name === undefined || saved.name.toLowerCase() === options.name.toLowerCase())) {
      this.#token = saved.token;
      this.#tracker.name = saved.name;
    }
    this.#link = new Link({ host: options.host, port: options.port, tls: options.tls }, options.reconnect ?? DEFAULT_BACKOFF, {
      up: () => this.#onUp(),
      message: (message) => this.#onMessage(message),
      malformed: (line, why) => {
        const sample = clean(line).slice(0, 80);
        this.#print([this.#style.dim(`(ignored a line from the server: ${why}${sample === '' ? '' : `: ${sample}`})`)]);
      },
      down: () => this.#onDown(),
      notice: (text) => this.#print([this.#style.error(text)]),
      gaveUp: () => this.#finish(1),
    });
    this.#terminal = new Terminal(
      { input, output, terminal: this.#interactive, completer: (line) => this.#completion.complete(line) },
      { line: (line) => this.#onLine(line), end: () => this.#onInputEnd(), interrupt: () => this.#onInterrupt() },
    );
    if (!this.#interactive && options.input === undefined) {
      // Piped stdin: Ctrl-C reaches the process, not readline. Quit cleanly all the same.
      this.#sigint = () => this.#onInterrupt();
      process.on('SIGINT', this.#sigint);
    }
  }

  run(): Promise<number> {
    const done = new Promise<number>((resolve) => {
      this.#resolve = resolve;
    });
    this.#updatePrompt();
    void this.#link.start().then((error) => {
      if (error === null) return;
      this.#print([this.#style.error(`Cannot connect to ${formatTarget(this.#options)}: ${describeError(error)}`)]);
      this.#finish(1);
    });
    return done;
  }

  // ---- connection ----

  #onUp(): void {
    if (this.#token !== null) {
      this.#helloWith({ type: 'hello', token: this.#token });
      return;
    }
    const name = this.#tracker.name;
    if (name !== null && !this.#loginWanted) {
      this.#hello(name);
      return;
    }
    // The server picks the mode from the first byte and greets in text mode if the client is
    // silent, so speak JSON now (ping needs no name) rather than after the name is typed.
    this.#send({ type: 'ping' });
    if (name !== null) this.#askPassword(name);
    else this.#askName();
  }

  /** The link lost the connection (and says so); returns whether it should reconnect. */
  #onDown(): boolean {
    if (this.#phase === 'quitting' || this.#finished) {
      this.#finish(this.#exitCode());
      return false;
    }
    // A chat line without its ack may or may not have been stored: resent with the same id
    // after the reconnect (stored at most once). A private message is not stored, so cannot be
    // recognised when repeated: the user is told instead.
    const { retry, lost } = this.#inFlight.clear();
    this.#resend.push(...retry);
    for (const request of lost) {
      if (isChatRequest(request)) {
        this.#failed(renderUndelivered(this.#ctx(), 'the connection was lost before the server confirmed it', request.text));
      }
    }
    if (retry.length > 0) {
      this.#print([this.#style.dim(`(${retry.length} line(s) not yet confirmed: sent again once the connection is back)`)]);
    }
    if (this.#inputEnded && this.#queue.length === 0 && this.#resend.length === 0) {
      this.#finish(this.#exitCode());
      return false;
    }
    this.#phase = 'offline';
    this.#updatePrompt();
    return true;
  }

  // ---- naming ----

  #askName(): void {
    this.#phase = 'naming';
    const typedAhead = this.#queue.shift();
    if (typedAhead !== undefined) {
      this.#submitName(typedAhead);
      return;
    }
    if (this.#inputEnded) {
      this.#print([this.#style.error('No name given.')]);
      this.#finish(this.#interactive ? 0 : 1);
      return;
    }
    if (!this.#interactive) this.#print(['Enter your name:']);
    this.#updatePrompt();
  }

  #submitName(line: string): void {
    const name = line.trim();
    if (name === '') {
      this.#print(['Please enter a non-empty name:']);
      return;
    }
    // At the name prompt, `/login NAME` logs in instead of choosing a guest name.
    const action = parseInput(line, null);
    if (action.kind === 'account' && action.command === 'login') {
      if (action.name === undefined) {
        this.#print(['Log in as whom? Type /login NAME, or a guest name:']);
        return;
      }
      this.#loginWanted = true;
      this.#tracker.name = action.name;
      const inline = action.secrets[0];
      if (inline !== undefined) {
        this.#wipeSecretLine(line);
        this.#helloWith({ type: 'hello', name: action.name, password: inline });
      } else {
        this.#askPassword(action.name);
      }
      return;
    }
    if (this.#loginWanted) {
      this.#tracker.name = name;
      this.#askPassword(name);
      return;
    }
    this.#hello(name);
  }

  #hello(name: string): void {
    this.#tracker.name = name;
    this.#helloWith({ type: 'hello', name });
  }

  #helloWith(request: Extract<ClientRequest, { type: 'hello' }>): void {
    this.#phase = 'registering';
    this.#updatePrompt();
    this.#send(request);
  }

  /** Asks for `name`'s password (without echo), then logs in with it. */
  #askPassword(name: string): void {
    this.#phase = 'naming';
    this.#ask([`Password for ${clean(name)}: `], ([password]) => {
      this.#helloWith({ type: 'hello', name, password: password ?? '' });
    });
  }

  /**
   * Asks the questions in turn, each answer hidden, then calls `done` with the answers. A line
   * already waiting (typed or piped ahead) answers first, in order.
   */
  #ask(prompts: string[], done: (answers: string[]) => void): void {
    this.#asking = { prompts: [...prompts], answers: [], done };
    this.#terminal.hideInput(true, prompts[0]);
    while (this.#asking !== null && this.#queue.length > 0) this.#answer(this.#queue.shift() as string);
  }

  #answer(line: string): void {
    const asking = this.#asking;
    if (asking === null) return;
    asking.answers.push(line);
    asking.prompts.shift();
    const next = asking.prompts[0];
    if (next !== undefined) {
      this.#terminal.hideInput(true, next);
      return;
    }
    this.#asking = null;
    this.#terminal.hideInput(false);
    this.#updatePrompt();
    asking.done(asking.answers);
  }

  /** A line that held a password typed inline: off the screen and out of the line history. */
  #wipeSecretLine(line: string): void {
    this.#terminal.eraseSubmitted(line, this.#terminal.prompt);
    this.#terminal.forgetSubmitted(line);
  }

  /** Saves the token the server gave, for reconnects and the next start. */
  #remember(name: string, token: string): void {
    this.#token = token;
    this.#loginWanted = false;
    this.#tokens.save({ name, token });
  }

  #forgetToken(): void {
    this.#token = null;
    this.#tokens.forget();
  }

  #nameRefused(text: string, code?: string): void {
    const name = this.#tracker.name ?? '';
    this.#print([
      this.#style.error(this.#registeredOnce ? `The server refused the name "${clean(name)}" after reconnecting: ${clean(text)}` : clean(text)),
    ]);
    if (code === 'name_registered' && this.#interactive) {
      this.#print([this.#style.dim(`(to log in, type /login ${clean(name)}: the password is asked for without echo)`)]);
    }
    this.#tracker.name = null;
    // A script cannot answer a question: its next line is chat, not a name.
    if (!this.#interactive) {
      this.#undelivered += 1;
      this.#quit();
      return;
    }
    this.#askName();
  }

  // ---- input ----

  #onLine(line: string): void {
    if (this.#asking !== null) this.#answer(line);
    else if (this.#phase === 'naming') this.#submitName(line);
    else if (this.#phase === 'ready' && this.#queue.length === 0 && this.#inFlight.blockingOpen === 0) this.#handleInput(line, true);
    else this.#enqueue(line);
    this.#terminal.showPrompt();
  }

  #enqueue(line: string): void {
    if (this.#phase === 'quitting') return;
    if (this.#queue.length >= MAX_QUEUED_LINES) {
      this.#failed(renderUndelivered(this.#ctx(), 'too many lines are waiting for the connection', line));
      return;
    }
    this.#queue.push(line);
    if (this.#phase === 'offline' && !this.#queuedNoticeShown) {
      this.#queuedNoticeShown = true;
      this.#print([this.#style.dim('(not connected: what you type is sent once the connection is back)')]);
    }
  }

  /** `fresh`: the line was just typed and is still on screen (not replayed from the queue). */
  #handleInput(line: string, fresh: boolean): void {
    const action = parseInput(line, this.#tracker.current);
    if (action.kind === 'account' && action.secrets.length > 0 && fresh) this.#wipeSecretLine(line);
    switch (action.kind) {
      case 'none':
        return;
      case 'refuse':
        this.#failed(this.#style.error(action.text));
        return;
      case 'quit':
        this.#quit(action.reason);
        return;
      case 'send':
        // The line comes back rendered, with its time, once the server acknowledges it.
        if (fresh && isChatRequest(action.request)) this.#terminal.eraseSubmitted(line, this.#terminal.prompt);
        this.#send(action.request);
        return;
      case 'account':
        this.#accountCommand(action);
    }
  }

  /** /register, /login, /password, /logout while chatting. */
  #accountCommand(action: Extract<InputAction, { kind: 'account' }>): void {
    const repeat = (password: string, again: string | undefined): boolean => {
      if (again === undefined || again === password) return true;
      this.#failed(this.#style.error('The passwords do not match; nothing was changed.'));
      return false;
    };
    // Scripts answer each question with their next line: no second "repeat" line for them.
    const confirm = this.#interactive;
    switch (action.command) {
      case 'logout':
        // Forgotten here at once: even if the server never answers, this machine keeps no login.
        this.#forgetToken();
        this.#print([this.#style.dim(`(logging out; the saved login for ${formatTarget(this.#options)} is forgotten)`)]);
        this.#quit(undefined, { type: 'logout' });
        return;
      case 'login': {
        const name = action.name ?? this.#tracker.name;
        if (name === null) return;
        const inline = action.secrets[0];
        if (inline !== undefined) this.#send({ type: 'login', name, password: inline });
        else this.#ask([`Password for ${clean(name)}: `], ([password]) => this.#send({ type: 'login', name, password: password ?? '' }));
        return;
      }
      case 'register': {
        const inline = action.secrets[0];
        if (inline !== undefined) {
          this.#send({ type: 'register', password: inline });
          return;
        }
        this.#ask(confirm ? ['Choose a password: ', 'Repeat the password: '] : ['Choose a password: '], ([password = '', again]) => {
          if (repeat(password, again)) this.#send({ type: 'register', password });
        });
        return;
      }
      case 'password': {
        const [old, fresh] = action.secrets;
        if (old !== undefined && fresh !== undefined && action.secrets.length === 2) {
          this.#send({ type: 'password', old, new: fresh });
          return;
        }
        if (action.secrets.length > 0) {
          this.#failed(this.#style.error('Usage: /password (asks for the old and new passwords), or /password OLD NEW.'));
          return;
        }
        const prompts = ['Current password: ', 'New password: ', ...(confirm ? ['Repeat the new password: '] : [])];
        this.#ask(prompts, ([oldPassword = '', newPassword = '', again]) => {
          if (repeat(newPassword, again)) this.#send({ type: 'password', old: oldPassword, new: newPassword });
        });
      }
    }
  }

  #onInputEnd(): void {
    this.#inputEnded = true;
    if (this.#phase === 'naming') {
      this.#askName();
      return;
    }
    if (this.#interactive && this.#phase === 'offline') {
      this.#dropQueue('not connected');
      this.#finish(this.#exitCode());
      return;
    }
    const waitMs = this.#options.drainTimeoutMs ?? 10_000;
    this.#schedule(() => {
      const unconfirmed = this.#inFlight.chatTexts().length + this.#queue.length + this.#resend.length;
      this.#print([this.#style.error(`Gave up waiting for the server after ${formatDelay(waitMs)}: ${unconfirmed} line(s) not confirmed.`)]);
      this.#undelivered += Math.max(1, unconfirmed);
      this.#queue = [];
      this.#resend = [];
      this.#quit();
    }, waitMs);
    this.#maybeDrained();
  }

  /** After the input ended: quits once every line is sent and answered. */
  #maybeDrained(): void {
    if (this.#inputEnded && this.#phase === 'ready' && this.#asking === null && this.#queue.length === 0 && this.#resend.length === 0 && this.#inFlight.size === 0) {
      this.#quit();
    }
  }

  #onInterrupt(): void {
    if (this.#phase === 'quitting') this.#finish(this.#exitCode());
    else this.#quit();
  }

  /** `request`: what says goodbye (quit, or logout, which also revokes the token). */
  #quit(reason?: string, request?: ClientRequest): void {
    if (this.#phase === 'quitting' || this.#finished) return;
    this.#phase = 'quitting';
    this.#clearTimers();
    if (this.#interactive) this.#print([this.#style.dim('Bye.')]);
    // Nothing typed from here on is sent: stop reading, and take the prompt off the screen.
    this.#terminal.close();
    if (!this.#send(request ?? (reason === undefined ? { type: 'quit' } : { type: 'quit', reason }))) {
      this.#finish(this.#exitCode());
      return;
    }
    // The server answers bye and closes; if it does not, do not hang.
    this.#schedule(() => this.#finish(this.#exitCode()), 2000);
  }

  // ---- server messages ----

  /** False when there is no connection to send on. */
  #send(request: ClientRequest, sync?: Pending['sync']): boolean {
    const conn = this.#link.connection;
    return conn !== null && conn.send(this.#inFlight.add(request, sync));
  }

  #onMessage(message: JsonServerMessage): void {
    const pending = this.#inFlight.take('re' in message ? message.re : null);
    this.#completion.learn(message);
    switch (message.type) {
      case 'welcome':
        this.#onWelcome(message);
        break;
      case 'joined':
        this.#onJoined(message, pending);
        break;
      case 'left':
        this.#tracker.left(message.room);
        if (pending?.sync === undefined) this.#print(renderServerMessage(this.#ctx(), message));
        else this.#syncDone();
        break;
      case 'error':
        this.#onError(message, pending);
        break;
      case 'renamed':
        this.#tracker.name = message.to;
        this.#print(renderServerMessage(this.#ctx(), message));
        break;
      case 'message':
      case 'ack':
        this.#catchingUp.get(message.message.room)?.shown.add(message.message.seq);
        this.#tracker.seen(message.message);
        this.#print(renderServerMessage(this.#ctx(), message));
        break;
      case 'private_sent': {
        const request = pending?.request;
        const sent = request?.type === 'msg' ? request : undefined;
        const me = this.#tracker.name ?? '';
        this.#print([renderPrivate(this.#ctx(), 'to', message.to, me, sent?.text ?? '', sent?.action === true, message.ts)]);
        break;
      }
      case 'history':
        if (pending?.request.type === 'history' && pending.request.after !== undefined && this.#catchingUp.has(message.room)) {
          this.#onCatchUp(message.room, message.messages);
        } else {
          this.#print(renderServerMessage(this.#ctx(), message));
        }
        break;
      case 'bye':
        // Our own quit's answer needs no line; the server closing on us does.
        if (pending?.request.type === 'logout') this.#print(['Logged out.']);
        else if (pending?.request.type !== 'quit') this.#print(renderServerMessage(this.#ctx(), message));
        break;
      case 'account':
        this.#onAccount(message, pending);
        break;
      default:
        this.#print(renderServerMessage(this.#ctx(), message));
    }
    this.#updatePrompt();
    this.#drainQueue();
    this.#maybeDrained();
  }

  #onAccount(account: Extract<JsonServerMessage, { type: 'account' }>, pending: Pending | undefined): void {
    this.#tracker.name = account.name;
    this.#remember(account.name, account.token);
    const saved = `(login saved in ${this.#tokens.path})`;
    switch (pending?.request.type) {
      case 'register':
        this.#print([`Registered ${this.#style.name(clean(account.name))}: you are logged in. ${this.#style.dim(saved)}`]);
        break;
      case 'password':
        this.#print([`Password changed; every other login of ${this.#style.name(clean(account.name))} was signed out. ${this.#style.dim(saved)}`]);
        break;
      default:
        this.#print([`Logged in as ${this.#style.name(clean(account.name))}. ${this.#style.dim(saved)}`]);
    }
  }

  #onWelcome(welcome: Extract<JsonServerMessage, { type: 'welcome' }>): void {
    this.#tracker.name = welcome.name;
    if (welcome.token !== undefined) this.#remember(welcome.name, welcome.token);
    this.#nameRetries = 0;
    this.#link.settled();
    this.#queuedNoticeShown = false;
    if (!this.#registeredOnce) {
      this.#registeredOnce = true;
      this.#tracker.joined(welcome.room);
      welcome.history.forEach((m) => this.#tracker.seen(m));
      this.#print(renderServerMessage(this.#ctx(), welcome));
      if (welcome.account !== undefined) this.#print([this.#style.dim(`(logged in as ${clean(welcome.name)}; login saved in ${this.#tokens.path})`)]);
      if (this.#options.room !== undefined && this.#options.room.trim() !== '') {
        this.#send({ type: 'join', room: this.#options.room.trim() }, 'initial');
      }
    } else {
      const plan = this.#tracker.resync(welcome.room);
      this.#restoreRoom = this.#tracker.current;
      this.#print([this.#style.bold('Reconnected.'), ...renderWelcome(this.#ctx(), welcome).slice(1)]);
      if (!plan.leave.includes(welcome.room)) this.#printMissed(welcome.room, welcome.history);
      for (const room of plan.join) this.#send({ type: 'join', room }, 'resync');
      for (const room of plan.leave) this.#send({ type: 'leave', room }, 'resync');
    }
    if (this.#inFlight.syncOpen === 0) this.#ready();
    else this.#phase = 'syncing';
  }

  #onJoined(joined: Extract<JsonServerMessage, { type: 'joined' }>, pending: Pending | undefined): void {
    if (pending?.sync === 'resync') {
      // Marks what it shows as seen; a catch-up by seq must still find the rest unseen.
      this.#printMissed(joined.room, joined.history);
    } else {
      this.#tracker.joined(joined.room);
      this.#print([renderJoined(this.#ctx(), joined), ...renderHistory(this.#ctx(), joined.room, joined.history)]);
      joined.history.forEach((m) => this.#tracker.seen(m));
    }
    if (pending?.sync !== undefined) this.#syncDone();
  }

  /**
   * After a reconnect (perhaps to another node), shows what was missed in `room`: from the
   * join's recent history when it reaches back to the last message seen, else by asking for
   * everything after that `seq` (up to the server's page of 500; beyond it, /history pages back).
   */
  #printMissed(room: string, history: readonly WireMessage[]): void {
    const after = this.#tracker.lastSeq(room);
    if (after !== undefined && this.#tracker.missedMore(room, history) && this.#send({ type: 'history', room, after, limit: CATCH_UP_LIMIT })) {
      this.#catchingUp.set(room, { after, shown: new Set() });
      return;
    }
    this.#print(renderHistory(this.#ctx(), room, this.#tracker.unseen(room, history), 'missed'));
    history.forEach((m) => this.#tracker.seen(m));
  }

  #onCatchUp(room: string, messages: readonly WireMessage[]): void {
    const catchUp = this.#catchingUp.get(room);
    this.#catchingUp.delete(room);
    // Messages that arrived live while the reply was on its way were shown already; the rest
    // after the asked-for seq are the missed ones (the live ones moved "last seen" past them).
    const missed = catchUp === undefined ? this.#tracker.unseen(room, messages) : messages.filter((m) => m.seq > catchUp.after && !catchUp.shown.has(m.seq));
    this.#print(renderHistory(this.#ctx(), room, missed, 'missed'));
    messages.forEach((m) => this.#tracker.seen(m));
    if (messages.length >= CATCH_UP_LIMIT) {
      this.#print([this.#style.dim(`(more was missed in #${room} than shown: /history pages back through it)`)]);
    }
  }

  /**
   * A hello with the saved token was refused. A passing trouble (the server restarting, the
   * store down) asks again shortly with the same token; anything else means the token is no
   * good any more (revoked by a logout or a password change elsewhere, expired): it is
   * forgotten, and the user is asked for the password; a script cannot answer, so it stops.
   */
  #tokenRefused(request: Extract<ClientRequest, { type: 'hello' }>, error: Extract<JsonServerMessage, { type: 'error' }>): void {
    if (TRANSIENT_CODES.has(error.code) && this.#nameRetries < NAME_RETRIES) {
      this.#nameRetries += 1;
      this.#schedule(() => {
        if (this.#phase === 'registering' && this.#token !== null) this.#send({ ...request, id: undefined });
      }, NAME_RETRY_MS);
      return;
    }
    this.#forgetToken();
    const name = this.#tracker.name;
    this.#print([this.#style.error(`The saved login${name === null ? '' : ` of ${clean(name)}`} was not accepted: ${clean(error.text)}`)]);
    if (!this.#interactive) {
      this.#undelivered += 1;
      this.#quit();
      return;
    }
    this.#loginWanted = true;
    if (name !== null) this.#askPassword(name);
    else this.#askName();
  }

  #onError(error: Extract<JsonServerMessage, { type: 'error' }>, pending: Pending | undefined): void {
    const request = pending?.request;
    if (request?.type === 'hello' && 'token' in request) {
      this.#tokenRefused(request, error);
      return;
    }
    if (request?.type === 'hello') {
      if (this.#registeredOnce && error.code === 'name_taken' && this.#nameRetries < NAME_RETRIES) {
        // After a reconnect to another node, the name may still be held for the node that was
        // lost, until the cluster's name TTL passes: ask again rather than give it up.
        if (this.#nameRetries++ === 0) this.#print([this.#style.dim('(your name is still held by the server you were on; asking again until it is free)')]);
        this.#schedule(() => {
          if (this.#phase === 'registering') this.#send({ ...request, id: undefined });
        }, NAME_RETRY_MS);
        return;
      }
      this.#nameRefused(error.text, error.code);
      return;
    }
    if (request !== undefined && isRetryable(request) && error.code === 'shutting_down') {
      // Refused unstored while the server stops: the same line, same id, goes again after the
      // reconnect (the goodbye and the close follow this answer).
      this.#resend.push(request as Sent);
      this.#print([this.#style.dim('(the server is restarting: the line is sent again once reconnected)')]);
    } else if (request !== undefined && isChatRequest(request)) {
      this.#failed(renderUndelivered(this.#ctx(), error.text, request.text));
    } else if (pending?.sync === 'resync' && request?.type === 'join') {
      this.#tracker.left(request.room);
      this.#failed(this.#style.error(`Could not rejoin #${clean(request.room)}: ${clean(error.text)}`));
    } else if (request !== undefined) {
      this.#failed(this.#style.error(`Error: ${clean(error.text)}`));
    } else {
      // Not tied to a request (a line too long, bad JSON): shown, nothing else to undo.
      this.#print(renderServerMessage(this.#ctx(), error));
    }
    if (pending?.sync !== undefined) this.#syncDone();
  }

  /** Called after a sync answer was taken from the in-flight set. */
  #syncDone(): void {
    if (this.#inFlight.syncOpen === 0 && this.#phase === 'syncing') this.#ready();
  }

  #ready(): void {
    this.#phase = 'ready';
    if (this.#restoreRoom !== null) this.#tracker.switchTo(this.#restoreRoom);
    this.#restoreRoom = null;
    this.#updatePrompt();
    // Lines unconfirmed when the link dropped go first, in the order they were first sent.
    for (const request of this.#resend.splice(0)) this.#send(request);
    this.#drainQueue();
    this.#maybeDrained();
  }

  /** Sends queued lines in order while ready, stopping behind a join, leave or nick in flight. */
  #drainQueue(): void {
    while (this.#phase === 'ready' && this.#asking === null && this.#queue.length > 0 && this.#inFlight.blockingOpen === 0) {
      const line = this.#queue.shift() as string;
      this.#handleInput(line, false);
    }
  }

  // ---- output ----

  #ctx(): RenderContext {
    return { style: this.#style, currentRoom: this.#tracker.current, time: localTime, now: Date.now() };
  }

  #print(lines: readonly string[]): void {
    this.#terminal.print(lines);
  }

  /** Prints a refusal; in script mode it also counts against the exit code. */
  #failed(line: string): void {
    if (!this.#interactive) this.#undelivered += 1;
    this.#print([line]);
  }

  #dropQueue(why: string): void {
    if (this.#queue.length === 0) return;
    this.#failed(this.#style.error(`${this.#queue.length} typed line(s) not sent: ${why}.`));
    this.#queue = [];
  }

  #updatePrompt(): void {
    if (this.#asking !== null) return;
    if (this.#phase === 'naming') {
      this.#terminal.setPrompt('Your name: ');
      return;
    }
    const room = this.#tracker.current;
    const name = this.#tracker.name;
    const offline = this.#phase === 'offline' || (this.#phase === 'connecting' && this.#registeredOnce);
    const parts = [room === null ? '' : `[#${clean(room)}] `, name === null ? '' : this.#style.name(clean(name))];
    if (offline) parts.push(this.#style.error(' (offline)'));
    this.#terminal.setPrompt(`${parts.join('')}> `);
  }

  // ---- ending ----

  #exitCode(): number {
    return !this.#interactive && this.#undelivered > 0 ? 1 : 0;
  }

  #schedule(fn: () => void, ms: number): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      fn();
    }, ms);
    this.#timers.add(timer);
  }

  #clearTimers(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }

  #finish(code: number): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#clearTimers();
    if (this.#sigint !== null) process.off('SIGINT', this.#sigint);
    this.#link.stop();
    this.#terminal.close();
    this.#resolve(code);
  }
}
