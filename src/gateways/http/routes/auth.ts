import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { chatError } from '../../../core/errors.js';
import type { Authenticated, Identity } from '../../../core/identity.js';
import type { AccountRecord } from '../../../core/ports/accounts.js';
import { identityOf, peerOf, requirePasswordTransport, requireToken, requireUser, unwrap, viaAccounts, type AuthDeps } from '../auth.js';
import { AccountSchema, AuthReply, CredentialsBody, DeleteAccountBody, MeReply, PasswordChangeBody } from '../auth-schemas.js';
import { HttpError } from '../errors.js';
import { ErrorSchema } from '../schemas.js';

type Credentials = { Body: z.output<typeof CredentialsBody> };

export const BEARER = [{ bearerAuth: [] }];

export function accountView(identity: Identity, account: AccountRecord): z.output<typeof AccountSchema> {
  return { id: account.id, name: account.name, kind: account.kind, admin: identity.isAdmin(account), createdAt: account.createdAt };
}

function authView(identity: Identity, auth: Authenticated): z.output<typeof AuthReply> {
  return { token: auth.token, account: accountView(identity, auth.account) };
}

// Every route that takes a password may answer these besides its own.
const PASSWORD_ERRORS = { 400: ErrorSchema, 403: ErrorSchema, 429: ErrorSchema, 501: ErrorSchema, 503: ErrorSchema };

/** Accounts: register, log in and out, who am I, change the password, delete the account. */
export function authRoutes(app: FastifyInstance, deps: AuthDeps): void {
  app.post<Credentials>(
    '/api/auth/register',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Register a name with a password; answers a login token',
        description: 'Refused on a plain request from another machine (403 insecure_transport). Repeated failures from one address answer 429 with Retry-After.',
        body: CredentialsBody,
        response: { 201: AuthReply, 409: ErrorSchema, ...PASSWORD_ERRORS },
      },
    },
    async (request, reply) => {
      requirePasswordTransport(deps, request);
      const { name, password } = request.body;
      if (await deps.nameInUse(name)) throw HttpError.fromChat(chatError('name_taken', `"${name}" is in use by someone connected; choose another name.`));
      const auth = unwrap(await viaAccounts(deps, (identity) => identity.register(name, password, { peer: peerOf(request) })));
      return reply.code(201).send(authView(identityOf(deps), auth));
    },
  );

  app.post<Credentials>(
    '/api/auth/login',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Log in; answers a new login token (30 days)',
        description: 'A wrong password and an unknown name get the same 401 bad_credentials. Throttled per name and per address: 429 with Retry-After.',
        body: CredentialsBody,
        response: { 200: AuthReply, 401: ErrorSchema, ...PASSWORD_ERRORS },
      },
    },
    async (request) => {
      requirePasswordTransport(deps, request);
      const { name, password } = request.body;
      const auth = unwrap(await viaAccounts(deps, (identity) => identity.login(name, password, { peer: peerOf(request) })));
      return authView(identityOf(deps), auth);
    },
  );

  app.post(
    '/api/auth/logout',
    {
      schema: { tags: ['accounts'], summary: 'Revoke the token this request carries', security: BEARER, response: { 204: { type: 'null' }, 401: ErrorSchema, 501: ErrorSchema, 503: ErrorSchema } },
    },
    async (request, reply) => {
      const caller = await requireToken(deps, request);
      await viaAccounts(deps, (identity) => identity.revoke(caller.tokenId));
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/me',
    {
      schema: { tags: ['accounts'], summary: 'The account behind the bearer token (a person or a bot)', security: BEARER, response: { 200: MeReply, 401: ErrorSchema, 501: ErrorSchema, 503: ErrorSchema } },
    },
    async (request) => {
      const caller = await requireToken(deps, request);
      return { account: accountView(identityOf(deps), caller.account), tokenId: caller.tokenId };
    },
  );

  app.post<{ Body: z.output<typeof PasswordChangeBody> }>(
    '/api/me/password',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Change the password; every login token is revoked and a new one answered',
        security: BEARER,
        body: PasswordChangeBody,
        response: { 200: AuthReply, 401: ErrorSchema, ...PASSWORD_ERRORS },
      },
    },
    async (request) => {
      requirePasswordTransport(deps, request);
      const caller = await requireUser(deps, request);
      const { old, new: next } = request.body;
      const auth = unwrap(await viaAccounts(deps, (identity) => identity.changePassword(caller.account.id, old, next, { peer: peerOf(request) })));
      return authView(identityOf(deps), auth);
    },
  );

  app.delete<{ Body: z.output<typeof DeleteAccountBody> }>(
    '/api/me',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Delete the account (its password confirms); its tokens and bots go with it',
        security: BEARER,
        body: DeleteAccountBody,
        response: { 204: { type: 'null' }, 401: ErrorSchema, ...PASSWORD_ERRORS },
      },
    },
    async (request, reply) => {
      requirePasswordTransport(deps, request);
      const caller = await requireUser(deps, request);
      unwrap(await viaAccounts(deps, (identity) => identity.deleteAccount(caller.account.id, request.body.password, { peer: peerOf(request) })));
      return reply.code(204).send();
    },
  );
}
