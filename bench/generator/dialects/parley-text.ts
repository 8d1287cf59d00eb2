import type { BenchClient, ClientSpec } from '../client.js';
import { LineSocket } from './line-socket.js';

/**
 * Parley TCP text mode (docs/protocol.md): the first line is the name; every session starts
 * in the default room, so a client of another room joins it and leaves the default room.
 */
export async function openParleyText(spec: ClientSpec): Promise<BenchClient> {
  const client = await LineSocket.open(spec);
  const welcome = client.waitFor((line) => line.startsWith('Welcome, ') || line.startsWith('Error') || line.startsWith('Name '), 'welcome');
  client.write(`${spec.name}\n`);
  const answer = await welcome;
  if (!answer.startsWith('Welcome, ')) throw new Error(`name refused: ${answer}`);
  if (spec.room !== spec.defaultRoom) {
    const joined = client.waitFor((line) => line.startsWith('You joined #') || line.startsWith('Error'), 'join');
    client.write(`/join ${spec.room}\n`);
    const reply = await joined;
    if (reply.startsWith('Error')) throw new Error(`join refused: ${reply}`);
    // Any reply to /leave proves it was handled; the following /rooms line fences it.
    const left = client.waitFor((line) => /^You left #|^Error/.test(line), 'leave');
    client.write(`/leave ${spec.defaultRoom}\n`);
    const leaveReply = await left;
    if (leaveReply.startsWith('Error')) throw new Error(`leave refused: ${leaveReply}`);
  }
  client.ready();
  return client;
}
