/**
 * Baseline: the seeds' Socket.IO room server (ChatCord style), to measure Parley against.
 * Users live in a global array and on the socket's room; `chatMessage` looks the user up
 * by a linear search and does `io.to(room).emit('message', ...)`.
 *
 * One change from the seeds: `roomUsers` goes only to the joiner, not to the whole room on
 * every join. Sent to the room, the full list makes joining N users cost O(N^3) bytes (about
 * 17 GB for a room of 1,000), which is setup, not the message path being measured.
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';

interface User {
  readonly id: string;
  readonly username: string;
  readonly room: string;
}

const users: User[] = [];
const botName = 'ChatCord Bot';
const port = Number(process.env.PORT ?? 5001);
const host = process.env.HOST ?? '127.0.0.1';

function formatMessage(username: string, text: string): { username: string; text: string; time: string } {
  const now = new Date();
  const hours = now.getHours() % 12 || 12;
  const time = `${hours}:${String(now.getMinutes()).padStart(2, '0')} ${now.getHours() < 12 ? 'am' : 'pm'}`;
  return { username, text, time };
}

const httpServer = createServer();
const io = new Server(httpServer);

io.on('connection', (socket) => {
  socket.on('joinRoom', ({ username, room }: { username: string; room: string }) => {
    const user: User = { id: socket.id, username, room };
    users.push(user);
    void socket.join(user.room);
    socket.emit('message', formatMessage(botName, 'Welcome to ChatCord!'));
    socket.broadcast.to(user.room).emit('message', formatMessage(botName, `${user.username} has joined the chat`));
    socket.emit('roomUsers', { room: user.room, users: users.filter((u) => u.room === user.room) });
  });

  socket.on('chatMessage', (msg: string) => {
    const user = users.find((u) => u.id === socket.id);
    if (user) io.to(user.room).emit('message', formatMessage(user.username, msg));
  });

  socket.on('disconnect', () => {
    const at = users.findIndex((u) => u.id === socket.id);
    if (at === -1) return;
    const [user] = users.splice(at, 1);
    if (user) io.to(user.room).emit('message', formatMessage(botName, `${user.username} has left the chat`));
  });
});

httpServer.listen(port, host, () => {
  process.stdout.write(`naive-socketio listening on ${host}:${port}\n`);
});
process.on('SIGTERM', () => {
  io.close(() => process.exit(0));
});
