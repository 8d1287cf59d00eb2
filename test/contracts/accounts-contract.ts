import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AccountRecord, AccountStore, TokenRecord } from '../../src/core/ports/accounts.js';

/** An account store that can be closed (every Store is one). */
export type ClosableAccounts = AccountStore & { close(): Promise<void> };

export interface AccountsFactory {
  /** A fresh, empty store. */
  create(): Promise<ClosableAccounts>;
  /** The same data, opened again after close(); absent if the store cannot outlive a process. */
  reopen?: (closed: ClosableAccounts) => Promise<ClosableAccounts>;
  /** Another node on the same data, opened beside `open`; absent for a store of one process. */
  sameData?: (open: ClosableAccounts) => Promise<ClosableAccounts>;
}

let counter = 0;
const T0 = 1_700_000_000_000;

export function user(name: string, extra: Partial<AccountRecord> = {}): AccountRecord {
  const n = ++counter;
  return { id: `acct-${n}`, name, key: name.toLowerCase(), kind: 'user', passwordHash: `$argon2id$v=19$m=19456,t=2,p=1$salt${n}$hash${n}`, ownerId: null, createdAt: T0 + n, ...extra };
}

export function bot(name: string, owner: AccountRecord | null, extra: Partial<AccountRecord> = {}): AccountRecord {
  return user(name, { kind: 'bot', passwordHash: null, ownerId: owner?.id ?? null, ...extra });
}

export function token(account: AccountRecord, extra: Partial<TokenRecord> = {}): TokenRecord {
  const n = ++counter;
  return { id: `tok-${n}`, digest: `digest-${n}`, accountId: account.id, kind: account.kind === 'bot' ? 'bot' : 'session', createdAt: T0 + n, expiresAt: account.kind === 'bot' ? null : T0 + n + 30 * 86_400_000, label: '', ...extra };
}

/** The one contract every AccountStore must pass; run from a test file per implementation. */
export function accountsContract(name: string, factory: AccountsFactory): void {
  describe(`AccountStore contract: ${name}`, () => {
    let store: ClosableAccounts;
    const nodes: ClosableAccounts[] = [];
    beforeEach(async () => {
      store = await factory.create();
    });
    afterEach(async () => {
      for (const other of nodes.splice(0)) await other.close();
      await store.close();
    });

    it('starts empty', async () => {
      expect(await store.accountByKey('alice')).toBeNull();
      expect(await store.accountById('acct-none')).toBeNull();
      expect(await store.tokenByDigest('digest-none')).toBeNull();
      expect(await store.tokensOf('acct-none')).toEqual([]);
    });

    it('keeps every field of users and bots as given, found by key and by id', async () => {
      const alice = user('Zoë 🌱', { key: 'zoe 🌱' });
      const helper = bot('Helper', alice);
      const free = bot('Cron', null);
      for (const account of [alice, helper, free]) expect(await store.createAccount(account)).toBe(true);
      for (const account of [alice, helper, free]) {
        expect(await store.accountByKey(account.key)).toEqual(account);
        expect(await store.accountById(account.id)).toEqual(account);
      }
      expect(await store.accountByKey('Zoë 🌱')).toBeNull(); // By key, not by name.
    });

    it('creates an account once per key: of two creations at once exactly one wins', async () => {
      const first = user('bob', { key: 'bob' });
      const second = user('BOB', { key: 'bob' });
      const results = await Promise.all([store.createAccount(first), store.createAccount(second)]);
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = results[0] ? first : second;
      const loser = results[0] ? second : first;
      expect(await store.accountByKey('bob')).toEqual(winner);
      expect(await store.accountById(loser.id)).toBeNull();
      expect(await store.createAccount(user('Bob', { key: 'bob' }))).toBe(false);
    });

    it('changes a password hash and nothing else', async () => {
      const alice = user('alice');
      await store.createAccount(alice);
      await store.setPasswordHash(alice.id, '$argon2id$new');
      expect(await store.accountById(alice.id)).toEqual({ ...alice, passwordHash: '$argon2id$new' });
      expect(await store.accountByKey(alice.key)).toEqual({ ...alice, passwordHash: '$argon2id$new' });
      await expect(store.setPasswordHash('acct-none', 'x')).resolves.toBeUndefined();
      expect(await store.accountById('acct-none')).toBeNull();
    });

    it('keeps every field of a token, found by its digest', async () => {
      const alice = user('alice');
      const helper = bot('helper', alice);
      await store.createAccount(alice);
      await store.createAccount(helper);
      const session = token(alice);
      const posting = token(helper, { label: 'deploys «prod» 🚀\nsecond line' });
      await store.addToken(session);
      await store.addToken(posting);
      expect(await store.tokenByDigest(session.digest)).toEqual(session);
      expect(await store.tokenByDigest(posting.digest)).toEqual(posting);
      expect(posting.expiresAt).toBeNull();
      expect(await store.tokenByDigest('digest-none')).toBeNull();
    });

    it('refuses a token of an account that does not exist', async () => {
      const ghost = user('ghost');
      await expect(store.addToken(token(ghost))).rejects.toThrow();
      expect(await store.tokensOf(ghost.id)).toEqual([]);
    });

    it('lists the tokens of an account and of the bots it owns, newest first, and nobody else’s', async () => {
      const alice = user('alice');
      const bob = user('bob');
      const helper = bot('helper', alice);
      const bobs = bot('bobsbot', bob);
      for (const account of [alice, bob, helper, bobs]) await store.createAccount(account);
      const a1 = token(alice, { createdAt: T0 + 10 });
      const h1 = token(helper, { createdAt: T0 + 20 });
      const a2 = token(alice, { createdAt: T0 + 30 });
      const b1 = token(bob, { createdAt: T0 + 25 });
      const x1 = token(bobs, { createdAt: T0 + 40 });
      for (const t of [a1, h1, a2, b1, x1]) await store.addToken(t);
      expect(await store.tokensOf(alice.id)).toEqual([a2, h1, a1]);
      expect(await store.tokensOf(helper.id)).toEqual([h1]);
      expect(await store.tokensOf(bob.id)).toEqual([x1, b1]);
    });

    it('deletes one token, and then finds it nowhere', async () => {
      const alice = user('alice');
      await store.createAccount(alice);
      const kept = token(alice);
      const revoked = token(alice);
      await store.addToken(kept);
      await store.addToken(revoked);
      await store.deleteToken(revoked.id);
      expect(await store.tokenByDigest(revoked.digest)).toBeNull();
      expect(await store.tokensOf(alice.id)).toEqual([kept]);
      await expect(store.deleteToken('tok-none')).resolves.toBeUndefined();
    });

    it('deletes the tokens of one kind of one account and counts them', async () => {
      const alice = user('alice');
      const bob = user('bob');
      const helper = bot('helper', alice);
      for (const account of [alice, bob, helper]) await store.createAccount(account);
      const sessions = [token(alice), token(alice)];
      const others = [token(alice, { kind: 'bot', expiresAt: null }), token(helper), token(bob)];
      for (const t of [...sessions, ...others]) await store.addToken(t);
      expect(await store.deleteTokens(alice.id, 'session')).toBe(2);
      for (const t of sessions) expect(await store.tokenByDigest(t.digest)).toBeNull();
      for (const t of others) expect(await store.tokenByDigest(t.digest)).toEqual(t);
      expect(await store.deleteTokens(alice.id, 'session')).toBe(0);
    });

    it('deletes an account with its tokens, the bots it owns and theirs; the name is free again', async () => {
      const alice = user('alice');
      const bob = user('bob');
      const helper = bot('helper', alice);
      const unowned = bot('cron', null);
      const bobs = bot('bobsbot', bob);
      for (const account of [alice, bob, helper, unowned, bobs]) await store.createAccount(account);
      const gone = [token(alice), token(helper)];
      const kept = [token(bob), token(unowned), token(bobs)];
      for (const t of [...gone, ...kept]) await store.addToken(t);
      await store.deleteAccount(alice.id);
      expect(await store.accountById(alice.id)).toBeNull();
      expect(await store.accountByKey(alice.key)).toBeNull();
      expect(await store.accountById(helper.id)).toBeNull();
      expect(await store.accountByKey(helper.key)).toBeNull();
      for (const t of gone) expect(await store.tokenByDigest(t.digest)).toBeNull();
      for (const t of kept) expect(await store.tokenByDigest(t.digest)).toEqual(t);
      for (const account of [bob, unowned, bobs]) expect(await store.accountById(account.id)).toEqual(account);
      expect(await store.createAccount(user('Alice', { key: alice.key }))).toBe(true);
      await expect(store.deleteAccount('acct-none')).resolves.toBeUndefined();
    });

    it.skipIf(!factory.sameData)('lets exactly one of two nodes create a name (skipped for a store of one process)', async () => {
      const other = await (factory.sameData as NonNullable<AccountsFactory['sameData']>)(store);
      nodes.push(other);
      const keys = Array.from({ length: 20 }, (_, i) => `race${i}`);
      const results = await Promise.all(keys.flatMap((key) => [store.createAccount(user(key, { key })), other.createAccount(user(key.toUpperCase(), { key }))]));
      for (let i = 0; i < keys.length; i++) expect([results[2 * i], results[2 * i + 1]].filter(Boolean)).toHaveLength(1);
      for (const key of keys) expect(await other.accountByKey(key)).toEqual(await store.accountByKey(key));
    });

    it.skipIf(!factory.sameData)('refuses on every node a token revoked on one (no cache; skipped for a store of one process)', async () => {
      const other = await (factory.sameData as NonNullable<AccountsFactory['sameData']>)(store);
      nodes.push(other);
      const alice = user('alice');
      await store.createAccount(alice);
      const t = token(alice);
      await store.addToken(t);
      expect(await other.tokenByDigest(t.digest)).toEqual(t);
      expect(await other.accountByKey(alice.key)).toEqual(alice);
      await store.deleteToken(t.id);
      expect(await other.tokenByDigest(t.digest)).toBeNull();
      await other.setPasswordHash(alice.id, '$argon2id$changed');
      expect((await store.accountById(alice.id))?.passwordHash).toBe('$argon2id$changed');
      await other.deleteAccount(alice.id);
      expect(await store.accountByKey(alice.key)).toBeNull();
    });

    it.skipIf(!factory.reopen)('keeps accounts and tokens across a restart (skipped for a store that cannot outlive its process)', async () => {
      const alice = user('alice');
      const helper = bot('helper', alice);
      await store.createAccount(alice);
      await store.createAccount(helper);
      const session = token(alice);
      const posting = token(helper, { label: 'ci' });
      await store.addToken(session);
      await store.addToken(posting);
      await store.close();
      store = await (factory.reopen as NonNullable<AccountsFactory['reopen']>)(store);
      expect(await store.accountByKey(alice.key)).toEqual(alice);
      expect(await store.accountById(helper.id)).toEqual(helper);
      expect(await store.tokenByDigest(session.digest)).toEqual(session);
      expect(await store.tokensOf(alice.id)).toEqual([posting, session]);
      expect(await store.createAccount(user('ALICE', { key: alice.key }))).toBe(false);
    });
  });
}
