import type { BenchClient, ClientSpec } from '../client.js';
import { LineSocket } from './line-socket.js';

/** The seeds' TCP server: the first line is the name, answered by a welcome line. No rooms. */
export async function openNaiveText(spec: ClientSpec): Promise<BenchClient> {
  const client = await LineSocket.open(spec);
  const welcome = client.waitFor((line) => line.startsWith('Welcome, '), 'welcome');
  client.write(`${spec.name}\n`);
  await welcome;
  client.ready();
  return client;
}
