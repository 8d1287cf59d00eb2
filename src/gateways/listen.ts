import type { Server } from 'node:net';

export class ListenError extends Error {}

/** Binds and resolves with the real port; a busy port becomes one readable ListenError. */
export function listen(server: Server, port: number, host: string, setting: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      if (error.code === 'EADDRINUSE') reject(new ListenError(`Port ${port} on ${host} is already in use (${setting}). Stop the other program or choose another port.`));
      else if (error.code === 'EACCES') reject(new ListenError(`No permission to listen on port ${port} (${setting}). Choose a port above 1023.`));
      else reject(new ListenError(`Cannot listen on ${host}:${port} (${setting}): ${error.message}`));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}
