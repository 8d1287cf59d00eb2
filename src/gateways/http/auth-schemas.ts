import { z } from 'zod';
import { MAX_PASSWORD_LENGTH } from '../../core/identity.js';

/**
 * Shapes of the account and token routes. As in schemas.ts, lengths only bound parsing work:
 * the core applies the name and password rules (invalid_name, weak_password). A password's
 * bound is in UTF-16 units, four times the core's bound in characters.
 */

const name = z.string().min(1).max(200);
const password = z.string().max(MAX_PASSWORD_LENGTH * 4);

export const CredentialsBody = z.object({
  name: name.describe('Account name (the same rules as a chat name)'),
  password: password.describe('At least 8 characters'),
});

export const PasswordChangeBody = z.object({
  old: password.describe('The current password'),
  new: password.describe('The new password (at least 8 characters)'),
});

export const DeleteAccountBody = z.object({ password: password.describe('The current password, to confirm') });

// Shown back in listings and printed by `parley token list`: no control characters.
const label = z
  .string()
  .max(200)
  .regex(/^[^\p{Cc}]*$/u, 'must not contain control characters');

export const BotTokenBody = z.object({
  bot: name.describe("The bot's name: registered to the bot (no guest may use it) the first time a token is made for it"),
  label: label.default('').describe('A note for yourself, e.g. where the token is used'),
});

export const TokenParams = z.object({ id: z.string().min(1).max(200).describe('The token id from the listing (not the token)') });

export const AccountSchema = z.object({
  id: z.string().describe('Account id (messages by this account carry it as `account`)'),
  name: z.string(),
  kind: z.enum(['user', 'bot']),
  admin: z.boolean().describe('A server admin (ADMINS)'),
  createdAt: z.number().int(),
});

export const AuthReply = z.object({
  token: z.string().describe('Bearer token for `Authorization: Bearer`; valid 30 days or until logout or a password change'),
  account: AccountSchema,
});

export const MeReply = z.object({ account: AccountSchema, tokenId: z.string().describe('Id of the token this request used') });

export const TokenSummarySchema = z.object({
  id: z.string(),
  bot: z.string().describe("The bot's name"),
  label: z.string(),
  createdAt: z.number().int(),
});

export const BotTokenReply = TokenSummarySchema.extend({ token: z.string().describe('The token itself: shown only in this answer, never again') });

export const TokensReply = z.object({ tokens: z.array(TokenSummarySchema).describe('Newest first; never the tokens themselves') });
