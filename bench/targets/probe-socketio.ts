import { io } from 'socket.io-client';
import { HOST } from '../lib/ports.js';

/** Null when a Socket.IO server answers on the port within the time, otherwise why not. */
export function probeSocketIo(port: number, timeoutMs: number): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = io(`http://${HOST}:${port}`, { transports: ['websocket'], forceNew: true, reconnection: false, timeout: timeoutMs });
    const done = (reason: string | null): void => {
      clearTimeout(timer);
      socket.disconnect();
      resolve(reason);
    };
    const timer = setTimeout(() => done(`no Socket.IO answer on port ${port} within ${timeoutMs} ms`), timeoutMs + 500);
    socket.once('connect', () => done(null));
    socket.once('connect_error', (error) => done(`Socket.IO door did not answer on port ${port}: ${error.message}`));
  });
}
