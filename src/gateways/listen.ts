import type { Server } from 'node:net';

/** A port could not be bound; the message is one line a person can act on. */
export class ListenError extends Error {}

/** The one-line explanation of a failed bind, for any door (ours or Fastify's). */
export function listenFailure(error: NodeJS.ErrnoException, port: number, host: string, setting: string): ListenError {
  if (error.code === 'EADDRINUSE') return new ListenError(`Port ${port} on ${host} is already in use (${setting}). Stop the other program or choose another port.`);
  if (error.code === 'EACCES') return new ListenError(`No permission to listen on port ${port} (${setting}). Choose a port above 1023.`);
  if (error.code === 'EADDRNOTAVAIL') return new ListenError(`Address ${host} is not an address of this machine (HOST). Use 0.0.0.0, 127.0.0.1 or one of its own addresses.`);
  return new ListenError(`Cannot listen on ${host}:${port} (${setting}): ${error.message}`);
}

/**
 * Binds and resolves with the real port; a failure rejects with one readable ListenError.
 * While binding, this is the server's only 'error' listener: a bind failure is reported once,
 * by the caller, and not also logged with a stack by the door's runtime error handler. The
 * door's listeners are put back once bound (or failed).
 */
export function listen(server: Server, port: number, host: string, setting: string): Promise<number> {
  const doorListeners = server.rawListeners('error') as Array<(error: Error) => void>;
  server.removeAllListeners('error');
  const restore = (): void => {
    for (const listener of doorListeners) server.on('error', listener);
  };
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      restore();
      reject(listenFailure(error, port, host, setting));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      restore();
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}
