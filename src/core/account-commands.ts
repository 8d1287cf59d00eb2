import { disconnect, type Disconnect } from './disconnect.js';
import { chatError, type ChatError } from './errors.js';
import type { Authenticated, Identity } from './identity.js';
import { ownerOf, type ClaimResult } from './name-registry.js';
import { checkRoom, foldName } from './names.js';
import { isPortUnavailable } from './ports/unavailable.js';
import type { Session } from './session.js';
import type { Command, Outcome, Reply } from './types.js';

/** What the account commands need of the chat: names, joins and ends, as the chat does them. */
export interface AccountHost {
  readonly defaultRoom: string;
  /** Gives the session the name (a guest may not take a registered one); null when done. */
  claimName(session: Session, name: string, previousOwner: string): Promise<ChatError | null>;
  join(session: Session, room: string): Promise<Outcome>;
  reown(session: Session, key: string, previousOwner: string): Promise<ClaimResult>;
  announceRename(session: Session, from: string, to: string): void;
  /** Whether someone connected, on any node, holds the name. */
  nameInUse(name: string): Promise<boolean>;
  end(session: Session, why: Disconnect): void;
}

type Of<T extends Command['type']> = Extract<Command, { type: T }>;
type Result = { ok: true; value: Authenticated } | { ok: false; error: ChatError };

const ok = (reply: Reply): Outcome => ({ ok: true, reply });
const fail = (error: ChatError): Outcome => ({ ok: false, error });

/**
 * login, resume (token), signup, logout and password for a session: Identity checks the
 * credentials; this decides what they do to the session. An unnamed session registers as the
 * account; a named guest becomes it (renamed if the names differ).
 */
export class AccountCommands {
  readonly #identity: Identity | null;
  readonly #allowInsecureAuth: boolean;
  readonly #host: AccountHost;

  constructor(identity: Identity | null, allowInsecureAuth: boolean, host: AccountHost) {
    this.#identity = identity;
    this.#allowInsecureAuth = allowInsecureAuth;
    this.#host = host;
  }

  login(session: Session, c: Of<'login'>): Promise<Outcome> {
    return this.#withIdentity(c.secure, async (identity) => this.#enter(session, await identity.login(c.name, c.password, { peer: c.peer }), c.room));
  }

  resume(session: Session, c: Of<'resume'>): Promise<Outcome> {
    return this.#withIdentity(undefined, async (identity) => this.#enter(session, await identity.authenticate(c.token, { peer: c.peer }), c.room));
  }

  signup(session: Session, c: Of<'signup'>): Promise<Outcome> {
    return this.#withIdentity(c.secure, async (identity) => {
      if (session.account !== null) return fail(chatError('forbidden', 'You are already logged in.'));
      const name = c.name ?? session.name;
      if (name === null) return fail(chatError('usage', 'Choose a name to register.'));
      // A name in use by someone else connected is theirs while they are here.
      if ((session.name === null || foldName(name) !== foldName(session.name)) && (await this.#host.nameInUse(name))) {
        return fail(chatError('name_taken', `Name "${name}" is already taken.`));
      }
      return this.#enter(session, await identity.register(name, c.password, { peer: c.peer }), c.room);
    });
  }

  logout(session: Session): Promise<Outcome> {
    return this.#withIdentity(undefined, async (identity) => {
      if (session.account === null || session.tokenId === null) return fail(chatError('not_logged_in'));
      await identity.revoke(session.tokenId);
      this.#host.end(session, disconnect('quit', 'Logged out'));
      return ok({ type: 'bye' });
    });
  }

  password(session: Session, c: Of<'password'>): Promise<Outcome> {
    return this.#withIdentity(c.secure, async (identity) => {
      if (session.account === null) return fail(chatError('not_logged_in'));
      const changed = await identity.changePassword(session.account.id, c.old, c.new, { peer: c.peer });
      if (!changed.ok) return fail(changed.error);
      session.tokenId = changed.value.tokenId;
      return ok({ type: 'account', name: changed.value.account.name, account: changed.value.account.id, token: changed.value.token });
    });
  }

  /** Runs `work` when the server has accounts and a password (if `secure` is given) may cross this connection. */
  async #withIdentity(secure: boolean | undefined, work: (identity: Identity) => Promise<Outcome>): Promise<Outcome> {
    if (this.#identity === null) return fail(chatError('unknown_command', 'This server has no accounts.'));
    if (secure === false && !this.#allowInsecureAuth) {
      return fail(chatError('insecure_transport', 'Passwords are only accepted over TLS (or from this machine): connect with TLS, or ask the operator about ALLOW_INSECURE_AUTH.'));
    }
    try {
      return await work(this.#identity);
    } catch (error) {
      // The account store is the history store: the same outage, the same answer.
      if (isPortUnavailable(error)) return fail(chatError('bus_unavailable'));
      return fail(chatError('store_unavailable', `Accounts are unavailable: ${String(error)}`));
    }
  }

  async #enter(session: Session, result: Result, room: string | undefined): Promise<Outcome> {
    if (!result.ok) return fail(result.error);
    const { account, token, tokenId } = result.value;
    if (account.kind !== 'user') return fail(chatError('forbidden', 'A bot token posts through the HTTP API; it cannot log in to chat.'));
    if (session.account !== null && session.account.id !== account.id) return fail(chatError('forbidden', 'Log out first to log in as someone else.'));
    const previousOwner = ownerOf(session);
    const wasNamed = session.name;
    session.account = account;
    session.tokenId = tokenId;
    if (wasNamed === null) {
      const firstRoom = checkRoom(room ?? this.#host.defaultRoom);
      if ('error' in firstRoom) return undo(session, firstRoom.error);
      const claimed = await this.#host.claimName(session, account.name, previousOwner);
      if (claimed) return undo(session, claimed);
      const joined = await this.#host.join(session, firstRoom.room);
      if (!joined.ok || joined.reply.type !== 'joined') return joined;
      return ok({ type: 'registered', name: account.name, joined: joined.reply, account: account.id, token });
    }
    if (foldName(wasNamed) !== account.key) {
      const claimed = await this.#host.claimName(session, account.name, previousOwner);
      if (claimed) return undo(session, claimed);
      this.#host.announceRename(session, wasNamed, account.name);
    } else {
      // Signing up keeps the name: only its owner in the Names port changes.
      const claimed = await this.#host.reown(session, account.key, previousOwner);
      if (claimed !== 'ok') return undo(session, chatError(claimed === 'unavailable' ? 'bus_unavailable' : 'name_taken'));
    }
    return ok({ type: 'account', name: account.name, account: account.id, token });
  }
}

function undo(session: Session, error: ChatError): Outcome {
  session.account = null;
  session.tokenId = null;
  return fail(error);
}
