import { createServer, type Server } from 'node:https';
import type { FastifyServerFactory } from 'fastify';
import { secureContextOptions, type TlsCertificates } from './certificates.js';

// Node's default is two minutes; a real handshake takes a few round trips.
const HANDSHAKE_TIMEOUT_MS = 15_000;

const positiveNumber = (value: unknown): number | undefined => (typeof value === 'number' && value > 0 ? value : undefined);

/**
 * Makes Fastify listen over HTTPS with the process's certificates (so Socket.IO, attached to
 * the same server, is served over wss). Every server it creates is registered for reloads:
 * Fastify may create more than one (one per address when HOST is `localhost`). The timeouts
 * Fastify sets on its own servers are set here the same way, since a factory replaces that code.
 */
export function httpsServerFactory(tls: TlsCertificates): FastifyServerFactory {
  return (handler, options) => {
    const server: Server = createServer({ ...secureContextOptions(tls.current), handshakeTimeout: HANDSHAKE_TIMEOUT_MS }, handler);
    const keepAlive = positiveNumber(options.keepAliveTimeout);
    if (keepAlive !== undefined) server.keepAliveTimeout = keepAlive;
    const request = positiveNumber(options.requestTimeout);
    if (request !== undefined) server.requestTimeout = request;
    const connection = positiveNumber(options.connectionTimeout);
    if (connection !== undefined) server.setTimeout(connection);
    const perSocket = positiveNumber(options.maxRequestsPerSocket);
    if (perSocket !== undefined) server.maxRequestsPerSocket = perSocket;
    tls.serve(server);
    return server;
  };
}
