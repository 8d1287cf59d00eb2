import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/**
 * The folder of the browser client. This file runs from src/ under vitest and from dist/src/
 * after the build, so the project root is found by walking up to the package.json that sits
 * beside clients/web.
 */
export function webClientRoot(start: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = start;
  for (let depth = 0; depth < 10; depth++) {
    const candidate = join(dir, 'clients', 'web');
    if (existsSync(join(dir, 'package.json')) && existsSync(join(candidate, 'index.html'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error(`clients/web/index.html not found above ${start}`);
}

export async function registerWebClient(app: FastifyInstance, root: string = webClientRoot()): Promise<void> {
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    index: 'index.html',
    // The client is small and changes with the server: revalidate (ETag) instead of caching blind.
    cacheControl: true,
    maxAge: 0,
  });
}
