/**
 * The flood scenario's flooder, in its own process so that its write loop cannot slow the
 * chatters' event loop (whose latency is what is measured). `node flooder-main.js PORT`: writes
 * text-mode lines as fast as the socket drains, reconnects under a new name whenever it is cut,
 * and on SIGTERM prints `{"written":N,"disconnects":M}` and exits.
 */
import { connect, type Socket } from 'node:net';

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) {
  process.stderr.write('usage: flooder-main.js PORT\n');
  process.exit(2);
}

let written = 0;
let disconnects = 0;
let generation = 0;
let stopped = false;
let current: Socket | null = null;
const filler = 'x'.repeat(80);

function start(): void {
  if (stopped) return;
  const socket = connect(port, '127.0.0.1', () => {
    socket.write(`flooder${++generation}\n`);
    const pump = (): void => {
      while (!stopped && !socket.destroyed) {
        written++;
        if (!socket.write(`flood ${written} ${filler}\n`)) return void socket.once('drain', pump);
      }
    };
    pump();
  });
  current = socket;
  socket.on('error', () => undefined); // being cut is what is measured; 'close' counts it
  socket.on('data', () => undefined);
  socket.on('close', () => {
    if (stopped) return;
    disconnects++;
    setTimeout(start, 50);
  });
}

process.on('SIGTERM', () => {
  stopped = true;
  current?.destroy();
  process.stdout.write(`${JSON.stringify({ written, disconnects })}\n`, () => process.exit(0));
});
start();
