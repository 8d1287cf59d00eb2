import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { zodToOpenApi } from './zod-schema.js';

/** Registers the OpenAPI document (/api/openapi.json) and its human page (/docs). Call before routes. */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Parley HTTP API',
        description: 'Rooms, history, accounts and bot posts of the Parley chat. Errors are `{ "error": { "code", "message" } }`.',
        version: '0.1.0',
      },
      tags: [
        { name: 'health', description: 'Liveness and readiness' },
        { name: 'rooms', description: 'Rooms and their members' },
        { name: 'messages', description: 'History and bot posts' },
        { name: 'accounts', description: 'Register, log in, and manage your account' },
        { name: 'tokens', description: 'Bot tokens for posting' },
        { name: 'moderation', description: 'The moderation action log (admins)' },
      ],
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'A login token (POST /api/auth/login) or a bot token (POST /api/tokens)' },
        },
      },
    },
    transform: zodToOpenApi,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs', staticCSP: true });
}

/** Serves the document built from every route registered by then. */
export function openApiRoute(app: FastifyInstance): void {
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
