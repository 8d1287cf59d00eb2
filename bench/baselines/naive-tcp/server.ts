/**
 * Baseline: the seeds' TCP chat server, kept as naive as it was, to measure Parley against.
 * A global array of sockets; the first data event is the name (stored on the socket); every
 * later data event is written, as one string, to every other socket. No rooms, no parsing,
 * no bound on a slow reader. Not for use: a yardstick.
 */
import net from 'node:net';

interface NamedSocket extends net.Socket {
  _name?: string;
}

const sockets: NamedSocket[] = [];
const port = Number(process.env.PORT ?? 5000);
const host = process.env.HOST ?? '127.0.0.1';

const server = net.createServer((socket: NamedSocket) => {
  sockets.push(socket);
  socket.write('Welcome to the chat! Enter your name:\n');

  socket.on('data', (data) => {
    const text = data.toString();
    if (socket._name === undefined) {
      socket._name = text.trim();
      socket.write(`Welcome, ${socket._name}!\n`);
      return;
    }
    for (const other of sockets) {
      if (other !== socket) other.write(`${socket._name}: ${text}`);
    }
  });

  socket.on('close', () => {
    const at = sockets.indexOf(socket);
    if (at !== -1) sockets.splice(at, 1);
  });
  // The seeds ignored socket errors; an 'error' listener is needed so a reset does not crash it.
  socket.on('error', () => undefined);
});

server.listen(port, host, () => {
  process.stdout.write(`naive-tcp listening on ${host}:${port}\n`);
});
process.on('SIGTERM', () => {
  for (const socket of sockets) socket.destroy();
  server.close(() => process.exit(0));
});
