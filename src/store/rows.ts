import type { AccountRecord, TokenRecord } from '../core/ports/accounts.js';
import type { ChatMessage, MessageKind } from '../core/types.js';

// Rows as the SQL stores (SQLite and PostgreSQL) select them: the same column names in both,
// so one mapping serves both. Columns hold what the records hold; only null/absent differ.

/** A message row (int8 columns arrive as numbers; see postgres/store.ts). */
export interface MessageRow {
  id: string;
  room: string;
  seq: number;
  kind: MessageKind;
  author: string;
  text: string;
  ts: number;
  account: string | null;
}

export const MESSAGE_COLUMNS = 'id, room, seq, kind, author, text, ts, account';

/** A guest's message has no `account` field at all (not `account: undefined`), as the core makes it. */
export function messageFromRow(row: MessageRow): ChatMessage {
  const { account, ...fields } = row;
  return account === null ? fields : { ...fields, account };
}

export interface AccountRow {
  id: string;
  key: string;
  name: string;
  kind: AccountRecord['kind'];
  password_hash: string | null;
  owner_id: string | null;
  created_at: number;
}

export const ACCOUNT_COLUMNS = 'id, key, name, kind, password_hash, owner_id, created_at';

export function accountFromRow(row: AccountRow): AccountRecord {
  return { id: row.id, name: row.name, key: row.key, kind: row.kind, passwordHash: row.password_hash, ownerId: row.owner_id, createdAt: row.created_at };
}

export interface TokenRow {
  id: string;
  digest: string;
  account_id: string;
  kind: TokenRecord['kind'];
  created_at: number;
  expires_at: number | null;
  label: string;
}

export const TOKEN_COLUMNS = 'id, digest, account_id, kind, created_at, expires_at, label';

export function tokenFromRow(row: TokenRow): TokenRecord {
  return { id: row.id, digest: row.digest, accountId: row.account_id, kind: row.kind, createdAt: row.created_at, expiresAt: row.expires_at, label: row.label };
}
