import { chatError, type ChatError } from './errors.js';
import { checkName, foldName } from './names.js';
import { singleLine } from './sanitize.js';
import type { AccountRecord, AccountStore, TokenRecord } from './ports/accounts.js';
import type { Credentials } from './ports/credentials.js';
import { Throttle } from './throttle.js';

export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 1024;
export const MAX_LABEL_LENGTH = 100;
const DAY = 24 * 60 * 60 * 1000;

export interface IdentityOptions {
  readonly accounts: AccountStore;
  readonly credentials: Credentials;
  readonly clock: () => number;
  readonly newId: () => string;
  /** How long a login token lasts (default 30 days). */
  readonly sessionTtlMs?: number;
  /** Failed attempts allowed per name and per address in `throttleWindowMs` (default 5 and 20 in 15 min). */
  readonly failuresPerName?: number;
  readonly failuresPerAddress?: number;
  readonly throttleWindowMs?: number;
  /** Account names (any case) that are server admins. */
  readonly admins?: readonly string[];
}

/** Who a request comes from, for throttling: the peer address as the door saw it. */
export interface Attempt {
  readonly peer?: string;
}

export interface Authenticated {
  readonly account: AccountRecord;
  /** The token that authenticated it (new on a password login), and its stored handle. */
  readonly token: string;
  readonly tokenId: string;
}

type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ChatError };
const ok = <T>(value: T): Result<T> => ({ ok: true, value });
const fail = <T>(error: ChatError): Result<T> => ({ ok: false, error });

// The same words for an unknown name and a wrong password, so a reply does not tell which names exist.
const BAD_CREDENTIALS = chatError('bad_credentials', 'Wrong name or password.');

/**
 * Accounts, passwords and tokens: the rules, with storage and hashing behind ports. Answers with
 * chat errors as data; the chat core decides what a login does to a session.
 */
export class Identity {
  readonly #accounts: AccountStore;
  readonly #credentials: Credentials;
  readonly #clock: () => number;
  readonly #newId: () => string;
  readonly #sessionTtlMs: number;
  readonly #byName: Throttle;
  readonly #byAddress: Throttle;
  readonly #admins: ReadonlySet<string>;

  constructor(options: IdentityOptions) {
    this.#accounts = options.accounts;
    this.#credentials = options.credentials;
    this.#clock = options.clock;
    this.#newId = options.newId;
    this.#sessionTtlMs = options.sessionTtlMs ?? 30 * DAY;
    const windowMs = options.throttleWindowMs ?? 15 * 60 * 1000;
    this.#byName = new Throttle(options.failuresPerName ?? 5, windowMs, options.clock);
    this.#byAddress = new Throttle(options.failuresPerAddress ?? 20, windowMs, options.clock);
    this.#admins = new Set((options.admins ?? []).map(foldName));
  }

  isAdmin(account: AccountRecord): boolean {
    return account.kind === 'user' && this.#admins.has(account.key);
  }

  /** Whether an account (user or bot) holds this name key: guests may not use it. */
  async isRegistered(key: string): Promise<boolean> {
    return (await this.#accounts.accountByKey(key)) !== null;
  }

  /** Registers `name` with a password and logs in (a session token is made). */
  async register(name: string, password: string, attempt: Attempt = {}): Promise<Result<Authenticated>> {
    const throttled = this.#throttled(null, attempt);
    if (throttled) return fail(throttled);
    const checked = checkName(name);
    if ('error' in checked) return fail(checked.error);
    const weak = passwordProblem(password);
    if (weak) return fail(weak);
    const account: AccountRecord = {
      id: this.#newId(),
      name: checked.name,
      key: foldName(checked.name),
      kind: 'user',
      passwordHash: await this.#credentials.hashPassword(password),
      ownerId: null,
      createdAt: this.#clock(),
    };
    if (!(await this.#accounts.createAccount(account))) {
      this.#failed(null, attempt);
      return fail(chatError('name_registered', `The name "${checked.name}" is already registered.`));
    }
    return ok(await this.#issueSession(account));
  }

  async login(name: string, password: string, attempt: Attempt = {}): Promise<Result<Authenticated>> {
    const key = foldName(name.trim());
    const throttled = this.#throttled(key, attempt);
    if (throttled) return fail(throttled);
    const account = await this.#accounts.accountByKey(key);
    const valid = account !== null && account.kind === 'user' && account.passwordHash !== null && (await this.#credentials.verifyPassword(account.passwordHash, password));
    if (!valid || account === null) {
      this.#failed(key, attempt);
      return fail(BAD_CREDENTIALS);
    }
    this.#byName.succeed(key);
    return ok(await this.#issueSession(account));
  }

  /** The account a bearer token stands for, if the token is live. */
  async authenticate(token: string, attempt: Attempt = {}): Promise<Result<Authenticated>> {
    const throttled = this.#throttled(null, attempt);
    if (throttled) return fail(throttled);
    const record = await this.#accounts.tokenByDigest(this.#credentials.digest(token));
    if (record === null || (record.expiresAt !== null && record.expiresAt <= this.#clock())) {
      this.#failed(null, attempt);
      return fail(chatError('bad_token', 'That token is not valid (revoked, expired or unknown); log in again.'));
    }
    const account = await this.#accounts.accountById(record.accountId);
    if (account === null) return fail(chatError('bad_token', 'That token is not valid (revoked, expired or unknown); log in again.'));
    return ok({ account, token, tokenId: record.id });
  }

  /** Revokes one token (a logout). */
  async revoke(tokenId: string): Promise<void> {
    await this.#accounts.deleteToken(tokenId);
  }

  /** Changes a password after checking the old one; every login token of the account is revoked, and a new one returned. */
  async changePassword(accountId: string, oldPassword: string, newPassword: string, attempt: Attempt = {}): Promise<Result<Authenticated>> {
    const account = await this.#accounts.accountById(accountId);
    if (account === null || account.passwordHash === null) return fail(BAD_CREDENTIALS);
    const throttled = this.#throttled(account.key, attempt);
    if (throttled) return fail(throttled);
    if (!(await this.#credentials.verifyPassword(account.passwordHash, oldPassword))) {
      this.#failed(account.key, attempt);
      return fail(BAD_CREDENTIALS);
    }
    const weak = passwordProblem(newPassword);
    if (weak) return fail(weak);
    await this.#accounts.setPasswordHash(account.id, await this.#credentials.hashPassword(newPassword));
    await this.#accounts.deleteTokens(account.id, 'session');
    return ok(await this.#issueSession(account));
  }

  /** Deletes an account after checking its password; its tokens and bots go with it. */
  async deleteAccount(accountId: string, password: string, attempt: Attempt = {}): Promise<Result<AccountRecord>> {
    const account = await this.#accounts.accountById(accountId);
    if (account === null || account.passwordHash === null) return fail(BAD_CREDENTIALS);
    const throttled = this.#throttled(account.key, attempt);
    if (throttled) return fail(throttled);
    if (!(await this.#credentials.verifyPassword(account.passwordHash, password))) {
      this.#failed(account.key, attempt);
      return fail(BAD_CREDENTIALS);
    }
    await this.#accounts.deleteAccount(account.id);
    return ok(account);
  }

  /**
   * A posting token for the bot `botName`, made by `owner` (a user, or null on the server's
   * machine). The bot's name is reserved like an account's; an owner may add tokens to its own bots.
   */
  async createBotToken(owner: AccountRecord | null, botName: string, label = ''): Promise<Result<{ token: string; record: TokenRecord; bot: AccountRecord }>> {
    const checked = checkName(botName);
    if ('error' in checked) return fail(checked.error);
    const key = foldName(checked.name);
    let bot = await this.#accounts.accountByKey(key);
    if (bot === null) {
      const made: AccountRecord = { id: this.#newId(), name: checked.name, key, kind: 'bot', passwordHash: null, ownerId: owner?.id ?? null, createdAt: this.#clock() };
      if (!(await this.#accounts.createAccount(made))) return fail(chatError('name_registered', `The name "${checked.name}" is already registered.`));
      bot = made;
    } else if (bot.kind !== 'bot' || (owner !== null && bot.ownerId !== owner.id && !this.isAdmin(owner))) {
      return fail(chatError('name_registered', `The name "${checked.name}" is already registered.`));
    }
    const token = this.#credentials.newToken();
    // A label is shown back in listings: one clean line, bounded.
    const shown = [...singleLine(label).trim()].slice(0, MAX_LABEL_LENGTH).join('');
    const record: TokenRecord = { id: this.#newId(), digest: this.#credentials.digest(token), accountId: bot.id, kind: 'bot', createdAt: this.#clock(), expiresAt: null, label: shown };
    await this.#accounts.addToken(record);
    return ok({ token, record, bot });
  }

  /** An account by id (a token's bot, for listings). */
  accountById(id: string): Promise<AccountRecord | null> {
    return this.#accounts.accountById(id);
  }

  tokensOf(accountId: string): Promise<TokenRecord[]> {
    return this.#accounts.tokensOf(accountId);
  }

  /** Revokes a token that `owner` may see (its own, or one of its bots'). */
  async revokeOwned(owner: AccountRecord, tokenId: string): Promise<Result<null>> {
    const mine = (await this.#accounts.tokensOf(owner.id)).some((t) => t.id === tokenId);
    if (!mine && !this.isAdmin(owner)) return fail(chatError('no_such_token', 'No such token.'));
    await this.#accounts.deleteToken(tokenId);
    return ok(null);
  }

  async #issueSession(account: AccountRecord): Promise<Authenticated> {
    const token = this.#credentials.newToken();
    const now = this.#clock();
    const record: TokenRecord = { id: this.#newId(), digest: this.#credentials.digest(token), accountId: account.id, kind: 'session', createdAt: now, expiresAt: now + this.#sessionTtlMs, label: '' };
    await this.#accounts.addToken(record);
    return { account, token, tokenId: record.id };
  }

  #throttled(key: string | null, attempt: Attempt): ChatError | null {
    const wait = Math.max(key === null ? 0 : this.#byName.waitFor(`name:${key}`), attempt.peer === undefined ? 0 : this.#byAddress.waitFor(`peer:${attempt.peer}`));
    if (wait === 0) return null;
    return { ...chatError('too_many_attempts', `Too many failed attempts; try again in ${Math.ceil(wait / 1000)} s.`), retryAfterMs: wait };
  }

  #failed(key: string | null, attempt: Attempt): void {
    if (key !== null) this.#byName.fail(`name:${key}`);
    if (attempt.peer !== undefined) this.#byAddress.fail(`peer:${attempt.peer}`);
  }
}

/** Why a new password is refused, or null. Length only (NIST 800-63B): no composition rules. */
export function passwordProblem(password: string): ChatError | null {
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) return chatError('weak_password', `A password needs at least ${MIN_PASSWORD_LENGTH} characters.`);
  if (length > MAX_PASSWORD_LENGTH) return chatError('weak_password', `A password can have at most ${MAX_PASSWORD_LENGTH} characters.`);
  return null;
}
