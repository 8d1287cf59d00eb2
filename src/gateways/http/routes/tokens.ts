import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import type { Identity } from '../../../core/identity.js';
import type { TokenRecord } from '../../../core/ports/accounts.js';
import { requireUser, unwrap, viaAccounts, type AuthDeps } from '../auth.js';
import { BotTokenBody, BotTokenReply, TokenParams, TokensReply, type TokenSummarySchema } from '../auth-schemas.js';
import { ErrorSchema } from '../schemas.js';
import { BEARER } from './auth.js';

type TokenSummary = z.output<typeof TokenSummarySchema>;

/** The caller's bot tokens with their bots' names; login tokens are not listed. */
async function botTokensOf(identity: Identity, accountId: string): Promise<TokenSummary[]> {
  const tokens = (await identity.tokensOf(accountId)).filter((t: TokenRecord) => t.kind === 'bot');
  const names = new Map<string, string>();
  for (const id of new Set(tokens.map((t) => t.accountId))) names.set(id, (await identity.accountById(id))?.name ?? '');
  return tokens.map((t) => ({ id: t.id, bot: names.get(t.accountId) ?? '', label: t.label, createdAt: t.createdAt }));
}

/** Bot tokens: made, listed and revoked by a logged-in person (an admin may use any bot's name). */
export function tokenRoutes(app: FastifyInstance, deps: AuthDeps): void {
  app.post<{ Body: z.output<typeof BotTokenBody> }>(
    '/api/tokens',
    {
      schema: {
        tags: ['tokens'],
        summary: 'Make a posting token for a bot; the token is shown in this answer only',
        description:
          'The first token for a name registers the bot, owned by the caller; more tokens for it may be made by its owner or an admin. ' +
          'A name held by a person or by someone else\'s bot: 409 name_registered.',
        security: BEARER,
        body: BotTokenBody,
        response: { 201: BotTokenReply, 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 409: ErrorSchema, 501: ErrorSchema, 503: ErrorSchema },
      },
    },
    async (request, reply) => {
      const caller = await requireUser(deps, request);
      const made = unwrap(await viaAccounts(deps, (identity) => identity.createBotToken(caller.account, request.body.bot, request.body.label)));
      return reply.code(201).send({ id: made.record.id, bot: made.bot.name, label: made.record.label, createdAt: made.record.createdAt, token: made.token });
    },
  );

  app.get(
    '/api/tokens',
    {
      schema: {
        tags: ['tokens'],
        summary: "The caller's bot tokens: ids, bots, labels, creation times (never the tokens)",
        security: BEARER,
        response: { 200: TokensReply, 401: ErrorSchema, 403: ErrorSchema, 501: ErrorSchema, 503: ErrorSchema },
      },
    },
    async (request) => {
      const caller = await requireUser(deps, request);
      return { tokens: await viaAccounts(deps, (identity) => botTokensOf(identity, caller.account.id)) };
    },
  );

  app.delete<{ Params: z.output<typeof TokenParams> }>(
    '/api/tokens/:id',
    {
      schema: {
        tags: ['tokens'],
        summary: 'Revoke one of your tokens (an admin: any token) by its id',
        security: BEARER,
        params: TokenParams,
        response: { 204: { type: 'null' }, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 501: ErrorSchema, 503: ErrorSchema },
      },
    },
    async (request, reply) => {
      const caller = await requireUser(deps, request);
      unwrap(await viaAccounts(deps, (identity) => identity.revokeOwned(caller.account, request.params.id)));
      return reply.code(204).send();
    },
  );
}
